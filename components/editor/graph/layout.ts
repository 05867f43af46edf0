/**
 * Layout as a pure async function: graph model in, positioned React Flow nodes and edges out. Stages flow left to
 * right by `needs` (elkjs for up to ELK_MAX_STAGES stages, stage-layout.ts above that); inside a stage, steps flow top
 * to bottom, parallel steps side by side. Stage positions the user set by hand (by node id, `stage:<id>`) override
 * the computed ones. Steps are never placed by hand: their place inside a stage is their order, which is meaning
 * (dragging one moves it in the YAML). A collapsed stage is one box with its step count and kinds: no step nodes,
 * no step edges, nothing inside to lay out.
 *
 * Every node carries its size (`measured`, plus `initialWidth`/`initialHeight`): React Flow draws a node hidden until
 * it knows its size, which otherwise takes a frame of DOM measuring after the first render.
 */
import type { Edge, Node, Position } from "@xyflow/react";
import type { StepType } from "@slipway/pipeline-spec";
import { groupNodeId, stageNodeId, stepNodeId, type GraphModel, type GraphStage, type StepSummary } from "./spec-to-flow";
import { layeredStageLayout, LAYER_GAP, NODE_GAP } from "./stage-layout";

export const STEP_W = 210;
export const STEP_H = 60;
/** A step node's size as drawn (globals.css: `.step-node` is 200 px wide; three lines of text make it 60 px tall). */
export const STEP_NODE_SIZE = { width: 200, height: 60 };
const STAGE_PAD_TOP = 36;
/** Above this many stages the stage DAG is laid out by stage-layout.ts rather than elkjs (see there why). */
export const ELK_MAX_STAGES = 50;

/** A node's state in an execution: the status (drives the colour) and a short detail (duration, attempt). */
export type RunBadge = { status: string; detail?: string };
/** What a collapsed stage shows instead of its steps. `entries`: its `steps` list's length as written (a drop appends there). */
export type StageSummary = { steps: number; rollback: number; kinds: { type: StepType; count: number }[]; entries: number };
export type StageNodeData = { kind: "stage"; stageId: string; label: string; run?: RunBadge; collapsed?: StageSummary };
export type StepNodeData = { kind: "step"; run?: RunBadge } & StepSummary;
export type ParallelNodeData = { kind: "parallel"; groupId: string; stageId: string; inRollback: boolean };
export type FlowNode = Node<StageNodeData, "stage"> | Node<StepNodeData, "step"> | Node<ParallelNodeData, "parallel">;
export type Positions = Record<string, { x: number; y: number }>;
export type LayoutOptions = { /** Stage ids drawn collapsed. */ collapsed?: ReadonlySet<string> };

type ElkNode = { id: string; width?: number; height?: number; x?: number; y?: number; children?: ElkNode[]; edges?: ElkEdge[]; layoutOptions?: Record<string, string> };
type ElkEdge = { id: string; sources: string[]; targets: string[] };
type Elk = { layout(graph: ElkNode): Promise<ElkNode> };

/** elkjs is ≈ 1.5 MB of script: loaded the first time a small graph needs it, never for a large one. */
let elkLoaded: Promise<Elk> | null = null;
function loadElk(): Promise<Elk> {
  elkLoaded ??= import("elkjs/lib/elk.bundled.js").then((m) => new (m.default as unknown as new () => Elk)());
  return elkLoaded;
}

const ROW_GAP = 22;
const COL_GAP = 16;
const PAD = 16;
const RB_GAP = 30;
/** A parallel group's frame reaches this far around its row (less than half the gaps, so frames never touch). */
const FRAME_X = 7;
const FRAME_Y = 9;
/** A collapsed stage: the label, a line with the step count, a line with the kinds. */
export const COLLAPSED_STAGE = { width: PAD * 2 + STEP_W, height: 88 };

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

/** Step count and kinds of a stage, in order of first appearance (what a collapsed stage shows). */
export function summarize(stage: GraphStage): StageSummary {
  const counts = new Map<StepType, number>();
  const steps = stage.rows.flat();
  const rollback = stage.rollbackRows.flat();
  for (const s of [...steps, ...rollback]) counts.set(s.stepType, (counts.get(s.stepType) ?? 0) + 1);
  return { steps: steps.length, rollback: rollback.length, kinds: [...counts].map(([type, count]) => ({ type, count })), entries: stage.rows.length };
}

const sized = <T extends FlowNode>(node: T, width: number, height: number): T => ({ ...node, initialWidth: width, initialHeight: height, measured: { width, height }, handles: handlesOf(node.type, width, height) });

/**
 * Where each node's handles are, as the CSS puts them (React Flow's `.react-flow__handle-*` centre a handle on its
 * side; a step's handles are 6 px, a stage's `.stage-handle` 11 px). Given up front, React Flow neither renders every
 * node once just to measure its handles (it does that even with onlyRenderVisibleElements) nor waits a frame to
 * draw the edges. A node whose size turns out different is measured again, handles included.
 */
function handlesOf(type: FlowNode["type"], width: number, height: number): NonNullable<FlowNode["handles"]> {
  if (type === "step") {
    const [s, x] = [6, width / 2 - 3];
    return [
      { type: "target", position: "top" as Position, x, y: -s / 2, width: s, height: s },
      { type: "source", position: "bottom" as Position, x, y: height - s / 2, width: s, height: s },
    ];
  }
  if (type === "stage") {
    const [s, y] = [11, height / 2 - 5.5];
    return [
      { type: "target", position: "left" as Position, x: -s / 2, y, width: s, height: s },
      { type: "source", position: "right" as Position, x: width - s / 2, y, width: s, height: s },
    ];
  }
  return [];
}

export async function layoutGraph(model: GraphModel, manual: Positions = {}, options: LayoutOptions = {}): Promise<{ nodes: FlowNode[]; edges: Edge[] }> {
  const collapsed = (stageId: string) => options.collapsed?.has(stageId) ?? false;
  const inner = new Map(model.stages.map((st) => [st.stageId, collapsed(st.stageId) ? null : placeSteps(st.rows, st.rollbackRows)]));
  const sizeOf = (stageId: string) => inner.get(stageId) ?? COLLAPSED_STAGE;
  const boxes = model.stages.map((stage) => ({ id: stageNodeId(stage.stageId), width: sizeOf(stage.stageId).width, height: sizeOf(stage.stageId).height }));
  const laid = await layoutStages(boxes, model.needs.map((n) => ({ from: stageNodeId(n.from), to: stageNodeId(n.to) })));

  const nodes: FlowNode[] = [];
  const edges: Edge[] = [];
  for (const stage of model.stages) {
    const id = stageNodeId(stage.stageId);
    const placed = inner.get(stage.stageId);
    const { width, height } = sizeOf(stage.stageId);
    nodes.push(
      sized(
        {
          id,
          type: "stage",
          position: manual[id] ?? laid.get(id) ?? { x: 0, y: 0 },
          data: { kind: "stage", stageId: stage.stageId, label: stage.label, ...(placed ? {} : { collapsed: summarize(stage) }) },
          style: { width, height },
        },
        width,
        height,
      ),
    );
    if (!placed) continue;
    // Frames before steps: React Flow draws siblings in array order, so the frame stays behind its steps.
    nodes.push(...groupFrames(stage.stageId, [...stage.rows, ...stage.rollbackRows], placed.positions));
    for (const s of [...stage.rows.flat(), ...stage.rollbackRows.flat()]) {
      const stepId = stepNodeId(s.stepId);
      nodes.push(sized({ id: stepId, type: "step", parentId: id, position: placed.positions.get(stepId)!, data: { kind: "step", ...s } }, STEP_NODE_SIZE.width, STEP_NODE_SIZE.height));
    }
    edges.push(...chainEdges(stage.rows, "seq"), ...chainEdges(stage.rollbackRows, "rb"));
    const last = stage.rows.at(-1)?.[0];
    const firstRb = stage.rollbackRows[0]?.[0];
    if (last && firstRb) edges.push({ id: `rblink:${last.stepId}->${firstRb.stepId}`, source: stepNodeId(last.stepId), target: stepNodeId(firstRb.stepId), type: "smoothstep", style: { strokeDasharray: "4 4", opacity: 0.5 }, selectable: false, deletable: false });
  }
  model.needs.forEach((n) => edges.push({ id: `needs:${n.from}->${n.to}`, source: stageNodeId(n.from), target: stageNodeId(n.to), type: "smoothstep", className: "edge-needs", data: { from: n.from, to: n.to } }));
  return { nodes, edges };
}

/** Stage positions: elkjs for small DAGs, the linear layered layout for large ones. */
async function layoutStages(boxes: { id: string; width: number; height: number }[], edges: { from: string; to: string }[]): Promise<Map<string, { x: number; y: number }>> {
  if (boxes.length > ELK_MAX_STAGES) return layeredStageLayout(boxes, edges);
  const root: ElkNode = {
    id: "root",
    layoutOptions: { "elk.algorithm": "layered", "elk.direction": "RIGHT", "elk.spacing.nodeNode": String(NODE_GAP), "elk.layered.spacing.nodeNodeBetweenLayers": String(LAYER_GAP) },
    children: boxes,
    edges: edges.map((e) => ({ id: `needs:${e.from}->${e.to}`, sources: [e.from], targets: [e.to] })),
  };
  const laid = await elkLayout(root);
  return new Map((laid.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
}

/**
 * elkjs is most of the time of a layout (≈ 50–100 ms for a 50-stage DAG on a slow core), and most re-layouts
 * follow an edit that changed no stage's size and no `needs` (a field, a rename inside a stage, a typed
 * comment): the stage DAG is the same, so is elk's answer. Remember the last few answers by their input.
 */
const stageLayouts = new Map<string, ElkNode>();
const STAGE_LAYOUTS_KEPT = 4;

async function elkLayout(root: ElkNode): Promise<ElkNode> {
  const key = JSON.stringify([root.children?.map((c) => [c.id, c.width, c.height]), root.edges?.map((e) => [e.sources[0], e.targets[0]])]);
  const known = stageLayouts.get(key);
  if (known) {
    stageLayouts.delete(key);
    stageLayouts.set(key, known); // most recently used last
    return known;
  }
  const laid = await (await loadElk()).layout(root);
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
    const height = STEP_H + 2 * FRAME_Y;
    frames.push(sized({
      id: groupNodeId(groupId),
      type: "parallel",
      parentId: stageNodeId(stageId),
      position: { x: first.x - FRAME_X, y: first.y - FRAME_Y },
      data: { kind: "parallel", groupId, stageId, inRollback: row[0]!.inRollback },
      style: { width, height },
      draggable: false,
    }, width, height));
  }
  return frames;
}
