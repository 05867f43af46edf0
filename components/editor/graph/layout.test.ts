import { parsePipelineYaml } from "@slipway/pipeline-spec";
import { describe, expect, it } from "vitest";
import { generatePipelineYaml } from "../../../bench/generate-pipeline";
import { dropTarget } from "../designer/drop-target";
import { COLLAPSED_STAGE, ELK_MAX_STAGES, layoutGraph, type FlowNode } from "./layout";
import { specToGraph } from "./spec-to-flow";

const YAML = `apiVersion: slipway/v1
kind: Pipeline
name: Collapse
stages:
  - id: build
    steps:
      - id: compile
        type: shell
        script: make
      - id: checks
        type: parallel
        steps:
          - id: lint
            type: shell
            script: make lint
          - id: unit
            type: shell
            script: make test
    rollbackSteps:
      - id: undo
        type: wait
        duration: 1s
  - id: deploy
    needs: [build]
    steps:
      - id: ship
        type: wait
        duration: 5s
`;

const graph = (yaml: string) => {
  const parsed = parsePipelineYaml(yaml);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join("; "));
  return specToGraph(parsed.spec);
};

describe("layoutGraph with collapsed stages", () => {
  it("draws a collapsed stage as one box with its step count and kinds, and nothing inside it", async () => {
    const { nodes, edges } = await layoutGraph(graph(YAML), {}, { collapsed: new Set(["build"]) });
    const build = nodes.find((n) => n.id === "stage:build")!;
    expect(build.type === "stage" && build.data.collapsed).toEqual({ steps: 3, rollback: 1, kinds: [{ type: "shell", count: 3 }, { type: "wait", count: 1 }], entries: 2 });
    expect(build.style).toEqual(COLLAPSED_STAGE);
    expect(nodes.filter((n) => n.parentId === "stage:build")).toEqual([]);
    expect(nodes.map((n) => n.id)).toEqual(["stage:build", "stage:deploy", "step:ship"]);
    expect(edges.map((e) => e.id)).toEqual(["needs:build->deploy"]);
    const deploy = nodes.find((n) => n.id === "stage:deploy")!;
    expect(deploy.type === "stage" && deploy.data.collapsed).toBeUndefined();
  });

  it("gives every node its size up front, so React Flow draws it without waiting to measure it", async () => {
    const { nodes } = await layoutGraph(graph(YAML));
    for (const n of nodes) {
      expect(n.measured?.width, n.id).toBeGreaterThan(0);
      expect(n.measured?.height, n.id).toBeGreaterThan(0);
      expect(n.initialWidth).toBe(n.measured!.width);
    }
  });

  it("a step dropped on a collapsed stage goes after its last entry", async () => {
    const { nodes } = await layoutGraph(graph(YAML), {}, { collapsed: new Set(["build"]) });
    const build = nodes.find((n) => n.id === "stage:build") as FlowNode;
    const inside = { x: build.position.x + 20, y: build.position.y + 20 };
    expect(dropTarget(nodes, inside)).toEqual({ stageId: "build", list: "steps", index: 2 });
  });

  it(`lays out more than ${ELK_MAX_STAGES} stages without elkjs, every stage right of what it needs`, async () => {
    const model = graph(generatePipelineYaml(910));
    expect(model.stages.length).toBeGreaterThan(ELK_MAX_STAGES);
    const { nodes } = await layoutGraph(model, {}, { collapsed: new Set(model.stages.map((s) => s.stageId)) });
    const at = new Map(nodes.map((n) => [n.id, n.position]));
    for (const n of model.needs) expect(at.get(`stage:${n.to}`)!.x).toBeGreaterThan(at.get(`stage:${n.from}`)!.x);
    expect(nodes.every((n) => n.type === "stage")).toBe(true);
  });
});
