import { describe, expect, it } from "vitest";
import { HEADER, covered, yaml } from "../test/helpers";
import { findExpressions, resolveExpressions } from "./expressions";
import type { ExpressionContext } from "./expressions";
import { parsePipelineYaml } from "./parse";

/** One variable "version", one stage "build" with one shell step "run" whose fields follow. */
const withStep = (...lines: string[]) =>
  yaml(
    ...HEADER,
    "variables:",
    "  - name: version",
    "stages:",
    "  - id: build",
    "    steps:",
    "      - id: run",
    "        type: shell",
    ...lines,
  );

const only = (text: string) => {
  const problems = parsePipelineYaml(text).problems;
  expect(problems).toHaveLength(1);
  const problem = problems[0]!;
  return {
    at: `${problem.range.start.line}:${problem.range.start.column}`,
    text: covered(text, problem),
    message: problem.message,
  };
};

describe("findExpressions", () => {
  it("finds each expression with its offsets", () => {
    expect(findExpressions("v<+pipeline.name>-<+ stage.id >")).toEqual([
      { expr: "pipeline.name", start: 1, end: 17 },
      { expr: "stage.id", start: 18, end: 31 },
    ]);
  });

  it("marks an expression that is never closed", () => {
    expect(findExpressions("echo <+pipeline.name")).toEqual([
      { expr: "pipeline.name", start: 5, end: 20, unterminated: true },
    ]);
  });
});

describe("validateExpressions (through parsePipelineYaml)", () => {
  it("accepts the known forms", () => {
    const text = withStep(
      '        script: echo <+pipeline.name> <+pipeline.sequenceId> <+pipeline.executionId> <+pipeline.variables.version> <+stage.id> <+stage.name> <+step.id> <+secrets.getValue("api-token")>',
    );
    expect(parsePipelineYaml(text).problems).toEqual([]);
  });

  it("points at an undeclared variable exactly, inside a single-line scalar", () => {
    expect(only(withStep("        script: echo <+pipeline.variables.verison> done"))).toEqual({
      at: "11:22",
      text: "<+pipeline.variables.verison>",
      message:
        'variable "verison" in <+pipeline.variables.verison> is not declared under "variables" (did you mean "version"?)',
    });
  });

  it("points at an undeclared variable exactly, inside a block scalar", () => {
    const text = withStep(
      "        script: |",
      "          echo start",
      "            echo <+pipeline.variables.nope>",
      "          echo end",
    );
    expect(only(text)).toEqual({
      at: "13:18",
      text: "<+pipeline.variables.nope>",
      message: 'variable "nope" in <+pipeline.variables.nope> is not declared under "variables"',
    });
  });

  it("points exactly inside a double-quoted scalar with escaped quotes", () => {
    const text = withStep('        script: "echo <+secrets.getValue(\\"key\\")> <+pipline.name>"');
    expect(only(text)).toMatchObject({ at: "11:52", text: "<+pipline.name>" });
  });

  it("points exactly at an expression written with escaped quotes", () => {
    const text = withStep('        script: "echo <+secrets.getValue(\\"a b\\")>"');
    expect(only(text)).toMatchObject({ at: "11:23", text: '<+secrets.getValue(\\"a b\\")>' });
  });

  it("names the known fields of a known root", () => {
    expect(only(withStep("        script: echo <+pipeline.nme>")).message).toBe(
      'unknown expression <+pipeline.nme>: pipeline has name, sequenceId, executionId, variables.NAME (did you mean "name"?)',
    );
  });

  it("names the roots for an unknown root", () => {
    expect(only(withStep("        script: echo <+foo.bar>")).message).toBe(
      "unknown expression <+foo.bar>: it must start with pipeline, stage, env, service, infra, step, secrets, input",
    );
  });

  it("rejects <+env.name> in a stage without an environment", () => {
    expect(only(withStep("        script: echo <+env.name>")).message).toBe(
      '<+env.name> has no value: stage "build" does not set "environment"',
    );
  });

  it("rejects <+step.id> outside a step", () => {
    const text = yaml(
      ...HEADER,
      "description: <+step.id>",
      "stages:",
      "  - id: a",
      "    steps: [{ id: w, type: wait, duration: 1s }]",
    );
    expect(only(text).message).toBe("<+step.id> is only available inside a step");
  });

  it("accepts <+input> as a whole variable default", () => {
    const text = yaml(
      ...HEADER,
      "variables:",
      "  - { name: v, default: <+input> }",
      "stages:",
      "  - id: a",
      "    steps: [{ id: w, type: wait, duration: 1s }]",
    );
    expect(parsePipelineYaml(text).problems).toEqual([]);
  });

  it("rejects <+input> anywhere else", () => {
    expect(only(withStep("        script: echo <+input>")).message).toBe(
      '<+input> can only be the whole "default" of a variable (it asks for a value when the execution starts)',
    );
  });

  it("rejects a secret name with characters outside the allowed set", () => {
    expect(only(withStep('        script: echo <+secrets.getValue("a b")>')).message).toBe(
      "secret name \"a b\" in <+secrets.getValue(\"a b\")> may only use letters, digits, '.', '_' and '-'",
    );
  });

  it("reports an unclosed expression", () => {
    expect(only(withStep("        script: echo <+pipeline.name")).message).toBe(
      'expression "<+pipeline.name" is not closed; add ">"',
    );
  });
});

describe("resolveExpressions", () => {
  const ctx: ExpressionContext = {
    pipeline: { name: "Checkout", sequenceId: 42, executionId: "ex_1", variables: { version: "1.4.2", port: 3000 } },
    stage: { id: "deploy", name: "Deploy" },
    env: { name: "production" },
    step: { id: "run" },
    secret: (name) => (name === "token" ? "s3cr3t" : undefined),
  };

  it("replaces the known expressions", () => {
    const value =
      "<+pipeline.name>#<+pipeline.sequenceId> <+pipeline.variables.version>:<+pipeline.variables.port> <+stage.id>/<+step.id> in <+env.name>";
    expect(resolveExpressions(value, ctx)).toEqual({ value: "Checkout#42 1.4.2:3000 deploy/run in production" });
  });

  it("keeps secrets as written by default, for the delegate to resolve", () => {
    expect(resolveExpressions('TOKEN=<+secrets.getValue("token")>', ctx)).toEqual({
      value: 'TOKEN=<+secrets.getValue("token")>',
    });
  });

  it("resolves secrets through ctx.secret when asked", () => {
    expect(resolveExpressions('TOKEN=<+secrets.getValue("token")>', ctx, { secrets: "resolve" })).toEqual({
      value: "TOKEN=s3cr3t",
    });
  });

  it("fails on a secret that does not exist when resolving", () => {
    expect(resolveExpressions('<+secrets.getValue("nope")>', ctx, { secrets: "resolve" })).toEqual({
      error: { expr: '<+secrets.getValue("nope")>', message: 'secret "nope" does not exist' },
    });
  });

  it("fails on an unknown expression, naming it", () => {
    expect(resolveExpressions("x <+pipeline.nope> y", ctx)).toEqual({
      error: {
        expr: "<+pipeline.nope>",
        message: "unknown expression <+pipeline.nope>: pipeline has name, sequenceId, executionId, variables.NAME",
      },
    });
  });

  it("fails on a field the context does not have", () => {
    expect(resolveExpressions("<+service.name>", ctx)).toEqual({
      error: { expr: "<+service.name>", message: "<+service.name> has no value here: the stage has no service" },
    });
  });

  it("does not resolve expressions inside substituted values", () => {
    const sneaky = { ...ctx, pipeline: { ...ctx.pipeline, variables: { v: '<+secrets.getValue("token")>' } } };
    expect(resolveExpressions("<+pipeline.variables.v>", sneaky, { secrets: "resolve" })).toEqual({
      value: '<+secrets.getValue("token")>',
    });
  });
});
