"use client";
/**
 * Spec → laid-out React Flow nodes and edges, shared by the read-only graph (execution view, viewed revisions)
 * and the designer. Layout runs again when the spec, the hand-set positions or the collapsed stages change; nodes
 * are controlled, so React Flow's measurements are kept for nodes that stay (a node whose size did not change is
 * not measured again).
 *
 * The first graph opens already fitted: the viewport is set from the laid-out sizes in the same frame as the nodes,
 * rather than drawing the graph at the default viewport and fitting it once React Flow has measured every node.
 */
import { applyNodeChanges, getViewportForBounds, useReactFlow, useStoreApi, type Edge, type NodeChange, type Viewport } from "@xyflow/react";
import type { PipelineSpec } from "@slipway/pipeline-spec";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { layoutGraph, type FlowNode, type Positions } from "./layout";
import { specToGraph } from "./spec-to-flow";

export type Flow = { nodes: FlowNode[]; edges: Edge[] };
/**
 * When to fit the view after a layout. "structure": whenever the set of nodes changes (read-only views).
 * "overflow": when the set changes and a stage now lies outside the visible area — the designer must not zoom
 * around under the user's hands after every drop, but a pasted document or a new stage must not land off-screen.
 * Expanding or collapsing a stage never fits: the view stays where it was, the toggled stage under the pointer.
 */
export type FitPolicy = "structure" | "overflow";

/** How every view of a pipeline graph fits: the opening view, fits after edits, "Fit view" and "Auto-layout". */
export const FIT = { padding: 0.15, maxZoom: 1 } as const;
/**
 * The designer opens an ordinary pipeline no smaller than this zoom, where node faces can be read: fitting the
 * demo's five columns into the graph pane beside the inspector and the YAML drew its step names at ≈ 0.45, too
 * small to read. When the whole graph does not fit at this zoom it opens at its start (the left edge), and the user
 * pans or presses "Fit view". Large generated graphs (over READABLE_MAX_NODES) still open fitted, as an overview.
 */
const READABLE_ZOOM = 0.75;
const READABLE_MAX_NODES = 80;
const NONE: ReadonlySet<string> = new Set();

export function useFlowLayout(spec: PipelineSpec | null, positions: Positions | undefined, fit: FitPolicy, collapsed: ReadonlySet<string> = NONE) {
  const [flow, setFlow] = useState<Flow>({ nodes: [], edges: [] });
  const flowRef = useRef(flow);
  flowRef.current = flow;
  const { fitView, setViewport } = useReactFlow();
  const rf = useStoreApi();
  /** Bumped to lay out again with nothing changed (after a drag that moved nothing, the nodes go back). */
  const [generation, setGeneration] = useState(0);
  /** What the graph on screen was laid out from, to tell an expand/collapse from an edit. */
  const laidFrom = useRef<{ spec: PipelineSpec; positions: Positions | undefined; collapsed: ReadonlySet<string> } | null>(null);
  /** What the view does once the new nodes are committed: a viewport set before they paint, or a fit once React Flow has them. */
  const after = useRef<{ viewport?: Viewport; fit?: boolean; readable?: number } | null>(null);

  useEffect(() => {
    if (!spec) return;
    let cancelled = false;
    void layoutGraph(specToGraph(spec), positions, { collapsed }).then((laid) => {
      if (cancelled) return;
      const prev = flowRef.current.nodes;
      const from = laidFrom.current;
      laidFrom.current = { spec, positions, collapsed };
      const view = rf.getState();
      const before = new Set(prev.map((n) => n.id));
      const changed = prev.length !== laid.nodes.length || laid.nodes.some((n) => !before.has(n.id));
      const toggled = from !== null && from.spec === spec && from.positions === positions && from.collapsed !== collapsed;
      const readable = fit === "overflow" && laid.nodes.length <= READABLE_MAX_NODES ? READABLE_ZOOM : undefined;
      if (prev.length === 0 && view.width > 0 && view.height > 0) after.current = { viewport: fitted(laid.nodes, view, readable) };
      else if (toggled) {
        const anchor = keepInPlace(prev, laid.nodes, from.collapsed, collapsed, view.transform);
        after.current = anchor === "fit" ? { fit: true } : anchor ? { viewport: anchor } : null;
        // "overflow": fit when a stage that was not there before lies outside the view (a pasted document, a new
        // stage); stages already there may sit off-screen where the user panned or where the readable zoom put them.
      } else if (changed && (fit === "structure" || prev.length === 0 || !allVisible(laid.nodes.filter((n) => !before.has(n.id)), view))) after.current = { fit: true, readable: prev.length === 0 ? readable : undefined };
      setFlow((current) => {
        const measured = new Map(current.nodes.map((n) => [n.id, n.measured]));
        return { ...laid, nodes: laid.nodes.map((n) => (measured.get(n.id) ? ({ ...n, measured: measured.get(n.id) } as FlowNode) : n)) };
      });
    });
    return () => {
      cancelled = true;
    };
  }, [spec, positions, collapsed, fit, generation, rf]);

  // Before the new nodes paint: the viewport they open in. After React Flow has them (its effects run before this
  // component's): a fit, which React Flow computes from the nodes it holds.
  useLayoutEffect(() => {
    if (!after.current?.viewport) return;
    void setViewport(after.current.viewport, { duration: 0 });
    after.current = null;
  }, [flow, setViewport]);
  useEffect(() => {
    if (!after.current?.fit) return;
    const { readable } = after.current;
    after.current = null;
    // The first graph, laid out before the pane had a size: the readable opening view, now that it has one.
    const view = rf.getState();
    if (readable !== undefined && view.width > 0 && view.height > 0) void setViewport(fitted(flow.nodes, view, readable), { duration: 0 });
    else void fitView({ ...FIT, duration: 150 });
  }, [flow, fitView, setViewport, rf]);

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => setFlow((f) => ({ ...f, nodes: applyNodeChanges(changes, f.nodes) })), []);
  const relayout = useCallback(() => setGeneration((g) => g + 1), []);
  return { flow, setFlow, onNodesChange, relayout };
}

/** The viewport fitView would choose, computed from the laid-out stage sizes (no DOM measuring needed). */
function fitted(nodes: readonly FlowNode[], view: { width: number; height: number; minZoom: number }, readable?: number): Viewport {
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const n of nodes) {
    if (n.parentId !== undefined) continue;
    const [w, h] = [Number(n.style?.width ?? n.measured?.width ?? 0), Number(n.style?.height ?? n.measured?.height ?? 0)];
    [left, top, right, bottom] = [Math.min(left, n.position.x), Math.min(top, n.position.y), Math.max(right, n.position.x + w), Math.max(bottom, n.position.y + h)];
  }
  if (!Number.isFinite(left)) return { x: 0, y: 0, zoom: 1 };
  const fit = getViewportForBounds({ x: left, y: top, width: right - left, height: bottom - top }, view.width, view.height, view.minZoom, FIT.maxZoom, FIT.padding);
  if (readable === undefined || fit.zoom >= readable) return fit;
  // Too small to read when fitted: open at the readable zoom with the pipeline's start at the left edge, centred
  // vertically when its height fits, else from its top.
  const zoom = Math.min(readable, FIT.maxZoom);
  const margin = 24;
  const height = (bottom - top) * zoom;
  const y = height <= view.height - 2 * margin ? (view.height - height) / 2 - top * zoom : margin - top * zoom;
  return { x: margin - left * zoom, y, zoom };
}

/**
 * After one stage is expanded or collapsed: the viewport that leaves it where it was on screen (the layout moves the
 * stages around it). After "Expand all" / "Collapse all": fit the new picture.
 */
function keepInPlace(prev: readonly FlowNode[], next: readonly FlowNode[], was: ReadonlySet<string>, now: ReadonlySet<string>, [tx, ty, zoom]: [number, number, number]): Viewport | "fit" | null {
  const toggled = [...[...now].filter((id) => !was.has(id)), ...[...was].filter((id) => !now.has(id))];
  if (toggled.length === 0) return null;
  if (toggled.length > 1) return "fit";
  const id = `stage:${toggled[0]}`;
  const [a, b] = [prev.find((n) => n.id === id), next.find((n) => n.id === id)];
  if (!a || !b || (a.position.x === b.position.x && a.position.y === b.position.y)) return null;
  return { x: tx - (b.position.x - a.position.x) * zoom, y: ty - (b.position.y - a.position.y) * zoom, zoom };
}

/** True when every stage (top-level node) is inside the visible part of the canvas. */
function allVisible(nodes: readonly FlowNode[], view: { width: number; height: number; transform: [number, number, number] }): boolean {
  const [tx, ty, zoom] = view.transform;
  const [left, top, right, bottom] = [-tx / zoom, -ty / zoom, (view.width - tx) / zoom, (view.height - ty) / zoom];
  return nodes.every((n) => n.parentId !== undefined || (n.position.x >= left && n.position.y >= top && n.position.x + Number(n.style?.width ?? 0) <= right && n.position.y + Number(n.style?.height ?? 0) <= bottom));
}
