import { describe, expect, it } from "vitest";
import { HEADER, parseOk, yaml } from "../test/helpers";
import { walkSteps } from "./schema";
import { DEMO_PIPELINE_YAML } from "./samples";

describe("PipelineSpecSchema", () => {
  it("parses the demo pipeline with no problems", () => {
    expect(parseOk(DEMO_PIPELINE_YAML).stages.map((stage) => stage.id)).toEqual([
      "build",
      "test",
      "security-scan",
      "approve-production",
      "deploy",
    ]);
  });

  it("fills in the documented defaults", () => {
    const spec = parseOk(
      yaml(
        ...HEADER,
        "stages:",
        "  - id: build",
        "    steps:",
        "      - { id: run, type: shell, script: make }",
        "      - { id: check, type: http, url: http://localhost, onFailure: { action: retry, retries: 2 } }",
        "      - { id: ok, type: approval, approvers: { roles: [Admin] } }",
      ),
    );
    const [run, check, ok] = spec.stages[0]!.steps;
    expect({ run, check, ok, when: spec.stages[0]!.when }).toEqual({
      run: { id: "run", type: "shell", script: "make", shell: "bash", env: {}, when: "onSuccess" },
      check: {
        id: "check",
        type: "http",
        url: "http://localhost",
        method: "GET",
        expect: { status: 200 },
        retries: 0,
        retryInterval: "5s",
        maxRetryInterval: "1m",
        requestTimeout: "10s",
        when: "onSuccess",
        onFailure: { action: "retry", retries: 2, backoff: "5s", maxBackoff: "5m", then: "fail" },
      },
      ok: { id: "ok", type: "approval", approvers: { roles: ["Admin"], minimum: 1 }, timeout: "1d", when: "onSuccess" },
      when: "onSuccess",
    });
  });

  it("turns numbers and booleans in env into strings", () => {
    const spec = parseOk(
      yaml(
        ...HEADER,
        "stages:",
        "  - id: a",
        "    steps: [{ id: run, type: shell, script: env, env: { PORT: 8080, DEBUG: true } }]",
      ),
    );
    const step = spec.stages[0]!.steps[0]!;
    expect(step.type === "shell" && step.env).toEqual({ PORT: "8080", DEBUG: "true" });
  });
});

describe("walkSteps", () => {
  it("visits every step, inside parallel groups and rollbackSteps, in document order", () => {
    const visits = [...walkSteps(parseOk(DEMO_PIPELINE_YAML))].map(
      ({ stage, step, group, inRollback }) =>
        `${stage.id}/${group ? `${group.id}/` : ""}${step.id}${inRollback ? " (rollback)" : ""}`,
    );
    expect(visits).toEqual([
      "build/compile",
      "build/package",
      "test/checks/unit-tests",
      "test/checks/lint",
      "security-scan/scan-dependencies",
      "approve-production/approve",
      "deploy/deploy-instances",
      "deploy/settle",
      "deploy/health-check",
      "deploy/restore-previous (rollback)",
    ]);
  });
});
