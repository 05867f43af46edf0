"use client";
/**
 * Spec → laid-out React Flow nodes and edges, shared by the read-only graph (execution view, viewed revisions)
 * and the designer. Layout runs again when the spec or the hand-set positions change; nodes are controlled, so
 * React Flow's measurements are kept for nodes that stay (a node whose size did not change is not measured again).
 */
import { applyNodeChanges, useReactFlow, useStoreApi, type Edge, type NodeChange } from "@xyflow/react";
import type { PipelineSpec } from "@slipway/pipeline-spec";
import { useCallback, useEffect, useRef, useState } from "react";
import { layoutGraph, type FlowNode, type Positions } from "./layout";
import { specToGraph } from "./spec-to-flow";

export type Flow = { nodes: FlowNode[]; edges: Edge[] };
/**
 * When to fit the view after a layout. "structure": whenever the set of nodes changes (read-only views).
 * "overflow": when the set changes and a stage now lies outside the visible area — the designer must not zoom
 * around under the user's hands after every drop, but a pasted document or a new stage must not land off-screen.
 */
export type FitPolicy = "structure" | "overflow";

export function useFlowLayout(spec: PipelineSpec | null, positions: Positions | undefined, fit: FitPolicy) {
  const [flow, setFlow] = useState<Flow>({ nodes: [], edges: [] });
  const { fitView } = useReactFlow();
  const rf = useStoreApi();
  /** Bumped to lay out again with nothing changed (after a drag that moved nothing, the nodes go back). */
  const [generation, setGeneration] = useState(0);
  const laidAt = useRef(0);

  useEffect(() => {
    if (!spec) return;
    let cancelled = false;
    void layoutGraph(specToGraph(spec), positions).then((laid) => {
      if (cancelled) return;
      laidAt.current = performance.now();
      setFlow((prev) => {
        const before = new Set(prev.nodes.map((n) => n.id));
        const changed = prev.nodes.length !== laid.nodes.length || laid.nodes.some((n) => !before.has(n.id));
        if (changed && (fit === "structure" || prev.nodes.length === 0 || !allVisible(laid.nodes, rf.getState()))) requestAnimationFrame(() => void fitView({ padding: 0.15, duration: 150, maxZoom: 1 }));
        const measured = new Map(prev.nodes.map((n) => [n.id, n.measured]));
        return { ...laid, nodes: laid.nodes.map((n) => (measured.get(n.id) ? ({ ...n, measured: measured.get(n.id) } as FlowNode) : n)) };
      });
    });
    return () => {
      cancelled = true;
    };
  }, [spec, positions, fitView, fit, generation, rf]);

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => setFlow((f) => ({ ...f, nodes: applyNodeChanges(changes, f.nodes) })), []);
  const relayout = useCallback(() => setGeneration((g) => g + 1), []);
  return { flow, setFlow, onNodesChange, relayout };
}

/** True when every stage (top-level node) is inside the visible part of the canvas. */
function allVisible(nodes: readonly FlowNode[], view: { width: number; height: number; transform: [number, number, number] }): boolean {
  const [tx, ty, zoom] = view.transform;
  const [left, top, right, bottom] = [-tx / zoom, -ty / zoom, (view.width - tx) / zoom, (view.height - ty) / zoom];
  return nodes.every((n) => n.parentId !== undefined || (n.position.x >= left && n.position.y >= top && n.position.x + Number(n.style?.width ?? 0) <= right && n.position.y + Number(n.style?.height ?? 0) <= bottom));
}
