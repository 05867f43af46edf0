import { applyEdits, parsePipelineYaml } from "@slipway/pipeline-spec";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { pasteEdits, stepsAsYaml, withFreshIds } from "./clipboard";
import { indexDocument, rawSteps, takenStepIds } from "./store/doc-index";

const YAML = `apiVersion: slipway/v1
kind: Pipeline
name: Copy me
stages:
  - id: build
    steps:
      - id: compile # the compiler
        type: shell
        script: make
      - id: checks
        type: parallel
        steps:
          - id: lint
            type: shell
            script: make lint
          - id: test
            type: shell
            timeout: 5m
            script: make test
  - id: ship
    steps:
      - id: wait
        type: wait
        duration: 5s
`;

describe("copy and paste of steps", () => {
  it("copies the steps as written: no defaults filled in", () => {
    const doc = parseDocument(YAML);
    const steps = rawSteps(doc, indexDocument(doc), ["test", "compile"]);
    expect(steps).toEqual([
      { id: "compile", type: "shell", script: "make" },
      { id: "test", type: "shell", timeout: "5m", script: "make test" },
    ]);
    expect(stepsAsYaml(steps)).toContain("- id: compile");
  });

  it("gives pasted copies fresh ids that collide with nothing, not even each other", () => {
    const taken = new Set(["compile", "compile-copy", "test"]);
    const copies = withFreshIds(
      [
        { id: "compile", type: "shell", script: "a" },
        { id: "compile", type: "shell", script: "b" },
        { id: "test-copy", type: "shell", script: "c" },
      ],
      taken,
    );
    expect(copies.map((s) => s.id)).toEqual(["compile-copy-2", "compile-copy-3", "test-copy"]);
    expect(taken.size).toBe(3); // not mutated
  });

  it("does not change the copied objects", () => {
    const original = { id: "a", type: "shell" as const, script: "x", env: { A: "1" } };
    const [copy] = withFreshIds([original], new Set(["a"]));
    expect(copy).toEqual({ ...original, id: "a-copy" });
    expect(original.id).toBe("a");
  });

  it("pastes into a stage as one valid change, after the step the user chose", () => {
    const doc = parseDocument(YAML);
    const index = indexDocument(doc);
    const steps = rawSteps(doc, index, ["compile", "lint"]);
    const result = applyEdits(YAML, pasteEdits(steps, takenStepIds(index), { stageId: "ship", index: 0 }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const parsed = parsePipelineYaml(result.text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.spec.stages[1]!.steps.map((s) => s.id)).toEqual(["compile-copy", "lint-copy", "wait"]);
    expect(result.text).toContain("- id: compile # the compiler"); // the original is untouched
  });
});
