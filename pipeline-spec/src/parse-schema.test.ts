import { describe, expect, it } from "vitest";
import { HEADER, problemsOf, yaml } from "../test/helpers";

/** A pipeline with one stage "build" whose steps start at line 7. */
const steps = (...lines: string[]) => yaml(...HEADER, "stages:", "  - id: build", "    steps:", ...lines);

describe("schema problems", () => {
  it("reports a wrong type at the value, saying what is expected and what was found", () => {
    const text = steps(
      "      - id: smoke",
      "        type: http",
      "        url: http://localhost",
      "        retries: three",
    );
    expect(problemsOf(text)).toEqual([
      {
        at: "10:18",
        code: "schema",
        message: 'stages[0].steps[0] ("smoke"): "retries" must be a whole number from 0 to 100, got "three"',
      },
    ]);
  });

  it("reports a missing field at the first line of the map that lacks it", () => {
    expect(problemsOf(steps("      - id: deploy", "        type: shell"))).toEqual([
      { at: "7:9", code: "schema", message: 'stages[0].steps[0] ("deploy"): missing required field "script"' },
    ]);
  });

  it("reports a missing top-level field at 1:1", () => {
    expect(problemsOf(yaml(...HEADER))).toEqual([
      { at: "1:1", code: "schema", message: 'pipeline: missing required field "stages"' },
    ]);
  });

  it("reports an unknown key at the key, suggesting the closest field", () => {
    const text = steps(
      "      - id: deploy",
      "        type: shell",
      "        scirpt: echo hi",
      "        script: echo hi",
    );
    expect(problemsOf(text)).toEqual([
      {
        at: "9:9",
        code: "unknown-key",
        message: 'stages[0].steps[0] ("deploy"): unknown field "scirpt" (did you mean "script"?)',
      },
    ]);
  });

  it("lists the allowed fields when no known field is close", () => {
    const text = steps("      - id: pause", "        type: wait", "        duration: 1s", "        colour: red");
    expect(problemsOf(text)).toEqual([
      {
        at: "10:9",
        code: "unknown-key",
        message:
          'stages[0].steps[0] ("pause"): unknown field "colour"; allowed fields: id, name, type, duration, ' +
          "description, timeout, selectors, when, onFailure",
      },
    ]);
  });

  it("names the nested map an unknown key is in", () => {
    const text = steps(
      "      - id: check",
      "        type: http",
      "        url: https://example.com",
      "        expect: { code: 200 }",
    );
    expect(problemsOf(text)).toEqual([
      {
        at: "10:19",
        code: "unknown-key",
        message: 'stages[0].steps[0] ("check"): unknown field "code" in "expect"; allowed fields: status, bodyContains',
      },
    ]);
  });

  it("reports an unknown step type at the value, listing the allowed types", () => {
    expect(problemsOf(steps("      - id: deploy", "        type: shel"))).toEqual([
      {
        at: "8:15",
        code: "schema",
        message:
          'stages[0].steps[0] ("deploy"): "type" must be one of shell, http, approval, wait, ssh, sshDeploy, sshRollback, loadBalancer, ecsDeploy, ecsTrafficShift, ecsPromote, ecsScaleDown, ecsRollback, verify, parallel, got "shel" ' +
          '(did you mean "shell"?)',
      },
    ]);
  });

  it("reports a missing step type with the allowed types", () => {
    expect(problemsOf(steps("      - id: deploy", "        script: echo hi"))).toEqual([
      {
        at: "7:9",
        code: "schema",
        message:
          'stages[0].steps[0] ("deploy"): missing required field "type" (one of shell, http, approval, wait, ssh, sshDeploy, sshRollback, loadBalancer, ecsDeploy, ecsTrafficShift, ecsPromote, ecsScaleDown, ecsRollback, verify, parallel)',
      },
    ]);
  });

  it("reports a reserved step type with its own code", () => {
    expect(problemsOf(steps("      - id: deploy", "        type: k8s"))).toEqual([
      {
        at: "8:15",
        code: "reserved-step-type",
        message:
          'stages[0].steps[0] ("deploy"): step type "k8s" is reserved and not available yet; use one of ' +
          "shell, http, approval, wait, ssh, sshDeploy, sshRollback, loadBalancer, ecsDeploy, ecsTrafficShift, ecsPromote, ecsScaleDown, ecsRollback, verify, parallel",
      },
    ]);
  });

  it("reports a nested parallel group", () => {
    const text = steps(
      "      - id: outer",
      "        type: parallel",
      "        steps:",
      "          - { id: a, type: wait, duration: 1s }",
      "          - { id: inner, type: parallel, steps: [] }",
    );
    expect(problemsOf(text)).toEqual([
      {
        at: "11:32",
        code: "schema",
        message:
          'stages[0].steps[0].steps[1] ("inner"): parallel groups cannot be nested; list these steps directly in the ' +
          "enclosing group",
      },
    ]);
  });

  it("reports an unknown failure action, listing the allowed actions", () => {
    const text = steps(
      "      - id: pause",
      "        type: wait",
      "        duration: 1s",
      "        onFailure: { action: retyr }",
    );
    expect(problemsOf(text)).toEqual([
      {
        at: "10:30",
        code: "schema",
        message:
          'stages[0].steps[0] ("pause"): "onFailure.action" must be one of fail, ignore, abort, rollback, retry, ' +
          'manualIntervention, got "retyr" (did you mean "retry"?)',
      },
    ]);
  });

  it("reports a bad duration in words", () => {
    expect(problemsOf(steps("      - id: pause", "        type: wait", "        duration: 5 minutes"))).toEqual([
      {
        at: "9:19",
        code: "schema",
        message:
          'stages[0].steps[0] ("pause"): "duration" must be a duration such as 30s, 5m or 1h30m, got "5 minutes"',
      },
    ]);
  });

  it("reports an id that does not match the id pattern", () => {
    expect(problemsOf(steps("      - id: Deploy", "        type: wait", "        duration: 1s"))).toEqual([
      {
        at: "7:13",
        code: "schema",
        message:
          "stages[0].steps[0] (\"Deploy\"): \"id\" must be an id made of lowercase letters, digits, '-' and '_', " +
          'starting with a letter (max 63), got "Deploy"',
      },
    ]);
  });

  it("reports the bad item of a list inside a union (status: int | int[])", () => {
    const text = steps(
      "      - id: check",
      "        type: http",
      "        url: https://example.com",
      "        expect: { status: [200, ok] }",
    );
    expect(problemsOf(text)).toEqual([
      {
        at: "10:33",
        code: "schema",
        message: 'stages[0].steps[0] ("check"): "expect.status[1]" must be a whole number from 100 to 599, got "ok"',
      },
    ]);
  });

  it("reports approvers with neither roles nor users", () => {
    const text = steps("      - id: ok", "        type: approval", "        approvers: {}");
    expect(problemsOf(text)).toEqual([
      {
        at: "9:9",
        code: "schema",
        message: 'stages[0].steps[0] ("ok"): "approvers" must list at least one of "roles" or "users"',
      },
    ]);
  });

  it("reports an environment variable name that is not an identifier", () => {
    const text = steps("      - id: run", "        type: shell", "        script: env", "        env: { my-var: 1 }");
    expect(problemsOf(text)).toEqual([
      {
        at: "10:16",
        code: "schema",
        message:
          'stages[0].steps[0] ("run"): "env" has an invalid name "my-var": it must be a name made of letters, digits ' +
          "and '_', not starting with a digit",
      },
    ]);
  });

  it("finds a numeric YAML key, which the data holds as text", () => {
    const text = steps("      - id: run", "        type: shell", "        script: env", "        env: { 1: x }");
    expect(problemsOf(text).map((p) => p.at)).toEqual(["10:16"]);
  });

  it("reports a secret variable with a plain-text default", () => {
    const text = yaml(...HEADER, "variables:", "  - { name: token, type: secret, default: hunter2 }", "stages: []");
    expect(problemsOf(text)[0]).toEqual({
      at: "5:43",
      code: "schema",
      message:
        'variables[0] ("token"): a secret variable cannot have a plain "default"; use <+secrets.getValue("name")> or <+input>',
    });
  });

  it("reports a variable default that does not match the variable's type", () => {
    const text = yaml(...HEADER, "variables:", "  - { name: version, default: 1.0 }", "stages: []");
    expect(problemsOf(text)[0]).toEqual({
      at: "5:31",
      code: "schema",
      message: 'variables[0] ("version"): "default" must be a string because "type" is string, got 1; put it in quotes',
    });
  });

  it("reports an empty list at its key", () => {
    expect(problemsOf(yaml(...HEADER, "stages: []"))).toEqual([
      { at: "4:1", code: "schema", message: 'pipeline: "stages" must have at least 1 item, got 0' },
    ]);
  });

  it("reports a document that is not a map", () => {
    expect(problemsOf(yaml("just some text"))).toEqual([
      { at: "1:1", code: "schema", message: 'pipeline: must be a map (key: value lines), got "just some text"' },
    ]);
  });

  it("reports an unsupported apiVersion once, without a problem per field", () => {
    expect(problemsOf(yaml("apiVersion: slipway/v2", "kind: Something"))).toEqual([
      { at: "1:13", code: "schema", message: 'pipeline: apiVersion "slipway/v2" is not supported; use slipway/v1' },
    ]);
  });

  it("reports problems in document order", () => {
    const text = steps(
      "      - id: a",
      "        type: wait",
      "        duration: soon",
      "      - id: B",
      "        type: wait",
      "        duration: 1s",
    );
    expect(problemsOf(text).map((p) => p.at)).toEqual(["9:19", "10:13"]);
  });
});
