/**
 * Layout as a pure async function: graph model in, positioned React Flow nodes and edges out (stages by elkjs).
 * Stages flow left to right by `needs`; inside a stage, steps flow top to bottom, parallel steps side by side.
 * Stage positions the user set by hand (by node id, `stage:<id>`) override the computed ones. Steps are never
 * placed by hand: their place inside a stage is their order, which is meaning (dragging one moves it in the YAML).
 */
import ELK from "elkjs/lib/elk.bundled.js";
import type { Edge, Node } from "@xyflow/react";
import { groupNodeId, stageNodeId, stepNodeId, type GraphModel, type StepSummary } from "./spec-to-flow";

export const STEP_W = 210;
export const STEP_H = 60;
const STAGE_PAD_TOP = 36;

/** A node's state in an execution: the status (drives the colour) and a short detail (duration, attempt). */
export type RunBadge = { status: string; detail?: string };
export type StageNodeData = { kind: "stage"; stageId: string; label: string; run?: RunBadge };
export type StepNodeData = { kind: "step"; run?: RunBadge } & StepSummary;
export type ParallelNodeData = { kind: "parallel"; groupId: string; stageId: string; inRollback: boolean };
export type FlowNode = Node<StageNodeData, "stage"> | Node<StepNodeData, "step"> | Node<ParallelNodeData, "parallel">;
export type Positions = Record<string, { x: number; y: number }>;

type ElkNode = { id: string; width?: number; height?: number; x?: number; y?: number; children?: ElkNode[]; edges?: ElkEdge[]; layoutOptions?: Record<string, string> };
type ElkEdge = { id: string; sources: string[]; targets: string[] };

const elk = new ELK();

const ROW_GAP = 22;
const COL_GAP = 16;
const PAD = 16;
const RB_GAP = 30;
/** A parallel group's frame reaches this far around its row (less than half the gaps, so frames never touch). */
const FRAME_X = 7;
const FRAME_Y = 9;

/**
 * Steps inside a stage are a column of rows (a parallel group is one row), so their positions are arithmetic;
 * only the stage DAG needs a layered layout. Doing the inside by hand keeps a 500-step pipeline fast.
 */
function placeSteps(rows: StepSummary[][], rollbackRows: StepSummary[][]) {
  const cols = Math.max(1, ...rows.map((r) => r.length), ...rollbackRows.map((r) => r.length));
  const width = PAD * 2 + cols * STEP_W + (cols - 1) * COL_GAP;
  const positions = new Map<string, { x: number; y: number }>();
  let y = STAGE_PAD_TOP;
  const placeRows = (list: StepSummary[][]) => {
    for (const row of list) {
      const rowWidth = row.length * STEP_W + (row.length - 1) * COL_GAP;
      row.forEach((s, i) => positions.set(stepNodeId(s.stepId), { x: (width - rowWidth) / 2 + i * (STEP_W + COL_GAP), y }));
      y += STEP_H + ROW_GAP;
    }
  };
  placeRows(rows);
  if (rollbackRows.length) {
    y += RB_GAP - ROW_GAP;
    placeRows(rollbackRows);
  }
  return { width, height: y - ROW_GAP + PAD, positions };
}

function chainEdges(rows: StepSummary[][], kind: "seq" | "rb"): Edge[] {
  const edges: Edge[] = [];
  for (let i = 1; i < rows.length; i++) {
    for (const a of rows[i - 1]!) for (const b of rows[i]!) edges.push({ id: `${kind}:${a.stepId}->${b.stepId}`, source: stepNodeId(a.stepId), target: stepNodeId(b.stepId), type: "smoothstep", className: kind === "rb" ? "edge-rollback" : "edge-seq", selectable: false, deletable: false });
  }
  return edges;
}

export async function layoutGraph(model: GraphModel, manual: Positions = {}): Promise<{ nodes: FlowNode[]; edges: Edge[] }> {
  const inner = new Map(model.stages.map((st) => [st.stageId, placeSteps(st.rows, st.rollbackRows)]));
  const root: ElkNode = {
    id: "root",
    layoutOptions: { "elk.algorithm": "layered", "elk.direction": "RIGHT", "elk.spacing.nodeNode": "40", "elk.layered.spacing.nodeNodeBetweenLayers": "70" },
    children: model.stages.map((stage) => ({ id: stageNodeId(stage.stageId), width: inner.get(stage.stageId)!.width, height: inner.get(stage.stageId)!.height })),
    edges: model.needs.map((n) => ({ id: `needs:${n.from}->${n.to}`, sources: [stageNodeId(n.from)], targets: [stageNodeId(n.to)] })),
  };
  const laid = await layoutStages(root);

  const nodes: FlowNode[] = [];
  const edges: Edge[] = [];
  const byNodeId = new Map(model.stages.map((s) => [stageNodeId(s.stageId), s]));
  for (const stageNode of laid.children ?? []) {
    const stage = byNodeId.get(stageNode.id)!;
    const placed = inner.get(stage.stageId)!;
    nodes.push({
      id: stageNode.id,
      type: "stage",
      position: manual[stageNode.id] ?? { x: stageNode.x ?? 0, y: stageNode.y ?? 0 },
      data: { kind: "stage", stageId: stage.stageId, label: stage.label },
      style: { width: placed.width, height: placed.height },
    });
    // Frames before steps: React Flow draws siblings in array order, so the frame stays behind its steps.
    nodes.push(...groupFrames(stage.stageId, [...stage.rows, ...stage.rollbackRows], placed.positions));
    for (const s of [...stage.rows.flat(), ...stage.rollbackRows.flat()]) {
      const id = stepNodeId(s.stepId);
      nodes.push({ id, type: "step", parentId: stageNode.id, position: placed.positions.get(id)!, data: { kind: "step", ...s } });
    }
    edges.push(...chainEdges(stage.rows, "seq"), ...chainEdges(stage.rollbackRows, "rb"));
    const last = stage.rows.at(-1)?.[0];
    const firstRb = stage.rollbackRows[0]?.[0];
    if (last && firstRb) edges.push({ id: `rblink:${last.stepId}->${firstRb.stepId}`, source: stepNodeId(last.stepId), target: stepNodeId(firstRb.stepId), type: "smoothstep", style: { strokeDasharray: "4 4", opacity: 0.5 }, selectable: false, deletable: false });
  }
  model.needs.forEach((n) => edges.push({ id: `needs:${n.from}->${n.to}`, source: stageNodeId(n.from), target: stageNodeId(n.to), type: "smoothstep", className: "edge-needs", data: { from: n.from, to: n.to } }));
  return { nodes, edges };
}

/**
 * elkjs is most of the time of a layout (≈ 50–100 ms for a 50-stage DAG on a slow core), and most re-layouts
 * follow an edit that changed no stage's size and no `needs` (a field, a rename inside a stage, a typed
 * comment): the stage DAG is the same, so is elk's answer. Remember the last few answers by their input.
 */
const stageLayouts = new Map<string, ElkNode>();
const STAGE_LAYOUTS_KEPT = 4;

async function layoutStages(root: ElkNode): Promise<ElkNode> {
  const key = JSON.stringify([root.children?.map((c) => [c.id, c.width, c.height]), root.edges?.map((e) => [e.sources[0], e.targets[0]])]);
  const known = stageLayouts.get(key);
  if (known) {
    stageLayouts.delete(key);
    stageLayouts.set(key, known); // most recently used last
    return known;
  }
  const laid = (await elk.layout(root as never)) as unknown as ElkNode;
  stageLayouts.set(key, laid);
  if (stageLayouts.size > STAGE_LAYOUTS_KEPT) stageLayouts.delete(stageLayouts.keys().next().value!);
  return laid;
}

/** Parallel groups get a frame behind their row: it shows the group and is where a dropped step joins it. */
function groupFrames(stageId: string, rows: StepSummary[][], positions: Map<string, { x: number; y: number }>): FlowNode[] {
  const frames: FlowNode[] = [];
  for (const row of rows) {
    const groupId = row[0]?.group;
    if (!groupId) continue;
    const first = positions.get(stepNodeId(row[0]!.stepId))!;
    const width = row.length * STEP_W + (row.length - 1) * COL_GAP + 2 * FRAME_X;
    frames.push({
      id: groupNodeId(groupId),
      type: "parallel",
      parentId: stageNodeId(stageId),
      position: { x: first.x - FRAME_X, y: first.y - FRAME_Y },
      data: { kind: "parallel", groupId, stageId, inRollback: row[0]!.inRollback },
      style: { width, height: STEP_H + 2 * FRAME_Y },
      draggable: false,
    });
  }
  return frames;
}
