import { describe, expect, it } from "vitest";
import { generatePipelineYaml } from "../../../bench/generate-pipeline";
import { COLLAPSE_ABOVE, isCollapsed } from "./designer-slice";
import { createEditorStore } from "./editor-store";

const open = (yaml: string) => createEditorStore({ pipelineId: "p1", baseRevision: 1, yaml });
const collapsedIds = (store: ReturnType<typeof open>) => store.getState().index.stages.filter((s) => isCollapsed(store.getState().collapse, s.id)).map((s) => s.id);

describe("collapsed stages in the editor store", () => {
  it(`opens a graph of more than ${COLLAPSE_ABOVE} nodes with every stage collapsed, a smaller one expanded`, () => {
    const big = open(generatePipelineYaml(1400)); // 140 stages + 1,400 steps
    expect(collapsedIds(big)).toHaveLength(140);
    const small = open(generatePipelineYaml(900));
    expect(collapsedIds(small)).toEqual([]);
  });

  it("expands and collapses single stages, and all of them", () => {
    const store = open(generatePipelineYaml(1400));
    store.getState().setCollapsed(["stage-3"], false);
    expect(collapsedIds(store)).not.toContain("stage-3");
    expect(collapsedIds(store)).toHaveLength(139);
    store.getState().setCollapsed(["stage-3"], true);
    expect(collapsedIds(store)).toHaveLength(140);
    store.getState().collapseAll(false);
    expect(collapsedIds(store)).toEqual([]);
    store.getState().setCollapsed(["stage-0"], true);
    expect(collapsedIds(store)).toEqual(["stage-0"]);
  });

  it("selecting a step inside a collapsed stage (graph, inspector or YAML cursor) expands that stage only", () => {
    const store = open(generatePipelineYaml(1400));
    store.getState().select(["step:s7-3"]);
    expect(store.getState().selected).toEqual(["step:s7-3"]);
    expect(collapsedIds(store)).not.toContain("stage-7");
    expect(collapsedIds(store)).toHaveLength(139);
    // Selecting a stage itself leaves it as it is.
    store.getState().select(["stage:stage-9"]);
    expect(collapsedIds(store)).toContain("stage-9");
    // The same selection again, after collapsing its stage, expands it again.
    store.getState().select(["step:s7-3"]);
    store.getState().setCollapsed(["stage-7"], true);
    store.getState().select(["step:s7-3"]);
    expect(collapsedIds(store)).not.toContain("stage-7");
  });

  it("an edit that selects a new step in a collapsed stage expands it", () => {
    const store = open(generatePipelineYaml(1400));
    const ok = store.getState().edit({ op: "addStep", stageId: "stage-5", step: { id: "added", type: "wait", duration: "1s" }, index: 0, list: "steps" }, { select: ["step:added"] });
    expect(ok).toBe(true);
    expect(store.getState().index.steps.get("added")?.stageId).toBe("stage-5");
    expect(collapsedIds(store)).not.toContain("stage-5");
  });
});
