/**
 * Where a step lands when it is dropped on the canvas (from the palette, or dragged from another place): which
 * stage, which list (steps or rollbackSteps), which entry index, and whether it joins a parallel group. Computed
 * from the laid-out nodes in flow coordinates — the picture the user aimed at — and expressed in the edit
 * engine's terms (an index counts the entries of the list as written; a parallel group is one entry). Pure.
 * On a collapsed stage, a step goes to the end of its `steps`.
 */
import type { StepList } from "@slipway/pipeline-spec";
import type { FlowNode } from "../graph/layout";
import { STEP_H } from "../graph/layout";

export type DropTarget = { stageId: string; list: StepList; index: number; groupId?: string };
type Point = { x: number; y: number };

const sizeOf = (n: FlowNode) => ({
  w: Number(n.measured?.width ?? n.width ?? n.style?.width ?? 0),
  h: Number(n.measured?.height ?? n.height ?? n.style?.height ?? 0),
});
const inside = (p: Point, at: Point, n: FlowNode) => {
  const { w, h } = sizeOf(n);
  return p.x >= at.x && p.x <= at.x + w && p.y >= at.y && p.y <= at.y + h;
};

/** The stage under a point (stages are top-level nodes, so their positions are absolute). */
export function stageAt(nodes: readonly FlowNode[], p: Point): Extract<FlowNode, { type: "stage" }> | undefined {
  return nodes.filter((n): n is Extract<FlowNode, { type: "stage" }> => n.type === "stage" && inside(p, n.position, n)).at(-1);
}

/** `exclude`: the node being dragged, counted as already gone (the engine's moveStep index means the same). */
export function dropTarget(nodes: readonly FlowNode[], p: Point, exclude?: string): DropTarget | null {
  const stage = stageAt(nodes, p);
  if (!stage) return null;
  // A collapsed stage shows no steps to aim between: the step goes after its last one (and the selection expands it).
  if (stage.data.collapsed) return { stageId: stage.data.stageId, list: "steps", index: stage.data.collapsed.entries };
  const local = { x: p.x - stage.position.x, y: p.y - stage.position.y };
  const children = nodes.filter((n) => n.parentId === stage.id && n.id !== exclude);
  const steps = children.filter((n): n is Extract<FlowNode, { type: "step" }> => n.type === "step");

  const frame = children.find((n): n is Extract<FlowNode, { type: "parallel" }> => n.type === "parallel" && inside(local, n.position, n));
  if (frame) {
    const members = steps.filter((s) => s.data.group === frame.data.groupId);
    const index = members.filter((s) => s.position.x + sizeOf(s).w / 2 < local.x).length;
    return { stageId: stage.data.stageId, list: frame.data.inRollback ? "rollbackSteps" : "steps", index, groupId: frame.data.groupId };
  }

  // A row is one entry of its list: a step, or a parallel group's steps side by side.
  const rows = new Map<number, { y: number; inRollback: boolean }>();
  for (const s of steps) rows.set(s.position.y, { y: s.position.y, inRollback: s.data.inRollback });
  const ordered = [...rows.values()].sort((a, b) => a.y - b.y);
  const firstRollback = ordered.find((r) => r.inRollback);
  const list: StepList = firstRollback && local.y > firstRollback.y - STEP_H / 4 ? "rollbackSteps" : "steps";
  const index = ordered.filter((r) => r.inRollback === (list === "rollbackSteps") && r.y + STEP_H / 2 < local.y).length;
  return { stageId: stage.data.stageId, list, index };
}
