import { describe, expect, it } from "vitest";
import { HEADER, parseOk, problemsOf, yaml } from "../test/helpers";
import { buildStageGraph } from "./graph";
import { PipelineSpecSchema } from "./schema";

/** A stage with one wait step; `needs` is written as given (undefined = omitted). */
function stage(id: string, needs?: string, stepId = `${id}-step`): string[] {
  return [
    `  - id: ${id}`,
    ...(needs === undefined ? [] : [`    needs: ${needs}`]),
    "    steps:",
    `      - { id: ${stepId}, type: wait, duration: 1s }`,
  ];
}

const pipeline = (...stages: string[][]) => yaml(...HEADER, "stages:", ...stages.flat());

describe("buildStageGraph", () => {
  it("makes a stage without needs wait for the previous stage (serial by default)", () => {
    const graph = buildStageGraph(parseOk(pipeline(stage("build"), stage("test"), stage("deploy"))));
    expect(Object.fromEntries(graph.deps)).toEqual({ build: [], test: ["build"], deploy: ["test"] });
  });

  it("makes a stage with needs: [] a root", () => {
    const graph = buildStageGraph(parseOk(pipeline(stage("build"), stage("docs", "[]"))));
    expect(graph.roots).toEqual(["build", "docs"]);
  });

  it("orders stages wave by wave, in document order within a wave", () => {
    const spec = parseOk(
      pipeline(
        stage("deploy", "[test, scan]"),
        stage("scan", "[build]"),
        stage("test", "[build]"),
        stage("build", "[]"),
      ),
    );
    expect(buildStageGraph(spec).order).toEqual(["build", "scan", "test", "deploy"]);
  });

  it("leaves stages in a cycle, and those behind it, out of the order", () => {
    const spec = PipelineSpecSchema.parse({
      apiVersion: "slipway/v1",
      kind: "Pipeline",
      name: "Test",
      stages: [
        { id: "build", needs: [], steps: [{ id: "s1", type: "wait", duration: "1s" }] },
        { id: "a", needs: ["b"], steps: [{ id: "s2", type: "wait", duration: "1s" }] },
        { id: "b", needs: ["a"], steps: [{ id: "s3", type: "wait", duration: "1s" }] },
        { id: "deploy", steps: [{ id: "s4", type: "wait", duration: "1s" }] },
      ],
    });
    expect(buildStageGraph(spec).order).toEqual(["build"]);
  });
});

describe("checkStageGraph", () => {
  it("reports a duplicate stage id at the second one, naming the line of the first", () => {
    expect(problemsOf(pipeline(stage("build"), stage("build", "[]", "other")))).toEqual([
      { at: "8:9", code: "duplicate-id", message: 'duplicate stage id "build" (first defined at line 5)' },
    ]);
  });

  it("reports a duplicate step id across stages", () => {
    const text = yaml(
      ...HEADER,
      "stages:",
      "  - id: a",
      "    steps: [{ id: deploy, type: wait, duration: 1s }]",
      "  - id: b",
      "    steps: [{ id: deploy, type: wait, duration: 1s }]",
    );
    expect(problemsOf(text)).toEqual([
      { at: "8:19", code: "duplicate-id", message: 'duplicate step id "deploy" (first defined at line 6)' },
    ]);
  });

  it("reports a duplicate step id inside a parallel group", () => {
    const text = yaml(
      ...HEADER,
      "stages:",
      "  - id: a",
      "    steps:",
      "      - { id: deploy, type: wait, duration: 1s }",
      "      - id: group",
      "        type: parallel",
      "        steps:",
      "          - { id: smoke, type: wait, duration: 1s }",
      "          - { id: deploy, type: wait, duration: 1s }",
    );
    expect(problemsOf(text)).toEqual([
      { at: "12:19", code: "duplicate-id", message: 'duplicate step id "deploy" (first defined at line 7)' },
    ]);
  });

  it("reports a step id reused in rollbackSteps", () => {
    const text = yaml(
      ...HEADER,
      "stages:",
      "  - id: a",
      "    steps: [{ id: deploy, type: wait, duration: 1s }]",
      "    rollbackSteps: [{ id: deploy, type: wait, duration: 1s }]",
    );
    expect(problemsOf(text)).toEqual([
      { at: "7:27", code: "duplicate-id", message: 'duplicate step id "deploy" (first defined at line 6)' },
    ]);
  });

  it("reports a duplicate variable name", () => {
    const text = yaml(...HEADER, "variables:", "  - name: v", "  - name: v", "stages:", ...stage("a"));
    expect(problemsOf(text)).toEqual([
      { at: "6:11", code: "duplicate-id", message: 'duplicate variable "v" (first defined at line 5)' },
    ]);
  });

  it("reports an unknown need at the list item, with a suggestion", () => {
    expect(problemsOf(pipeline(stage("build"), stage("test", "[biuld]")))).toEqual([
      { at: "9:13", code: "unknown-need", message: 'stage "test" needs unknown stage "biuld" (did you mean "build"?)' },
    ]);
  });

  it("reports a stage that needs itself", () => {
    expect(problemsOf(pipeline(stage("build", "[build]")))).toEqual([
      { at: "6:13", code: "cycle", message: 'stage "build" cannot need itself' },
    ]);
  });

  it("reports a 2-cycle at both stages' needs with the cycle path", () => {
    expect(problemsOf(pipeline(stage("build", "[test]"), stage("test", "[build]")))).toEqual([
      {
        at: "6:13",
        code: "cycle",
        message: "needs form a cycle: build → test → build (each stage waits for the next one)",
      },
      {
        at: "10:13",
        code: "cycle",
        message: "needs form a cycle: test → build → test (each stage waits for the next one)",
      },
    ]);
  });

  it("reports a 3-cycle, including a need that is implicit (omitted = previous stage)", () => {
    expect(problemsOf(pipeline(stage("a", "[c]"), stage("b"), stage("c")))).toEqual([
      { at: "6:13", code: "cycle", message: "needs form a cycle: a → c → b → a (each stage waits for the next one)" },
      { at: "9:9", code: "cycle", message: "needs form a cycle: b → a → c → b (each stage waits for the next one)" },
      { at: "12:9", code: "cycle", message: "needs form a cycle: c → b → a → c (each stage waits for the next one)" },
    ]);
  });

  it("reports a stage downstream of a cycle as unreachable", () => {
    expect(problemsOf(pipeline(stage("a", "[b]"), stage("b", "[a]"), stage("deploy", "[b]")))).toEqual([
      { at: "6:13", code: "cycle", message: "needs form a cycle: a → b → a (each stage waits for the next one)" },
      { at: "10:13", code: "cycle", message: "needs form a cycle: b → a → b (each stage waits for the next one)" },
      {
        at: "14:13",
        code: "unreachable",
        message: 'stage "deploy" can never run: it waits for "b", which is in a cycle',
      },
    ]);
  });

  it("reports stages behind an unknown need as unreachable, transitively", () => {
    expect(problemsOf(pipeline(stage("build", "[nope]"), stage("test"), stage("deploy")))).toEqual([
      { at: "6:13", code: "unknown-need", message: 'stage "build" needs unknown stage "nope"' },
      {
        at: "9:9",
        code: "unreachable",
        message: 'stage "test" can never run: it waits for "build", which needs an unknown stage',
      },
      {
        at: "12:9",
        code: "unreachable",
        message: 'stage "deploy" can never run: it waits for "test", which can never run either',
      },
    ]);
  });
});
