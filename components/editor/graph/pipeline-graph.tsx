"use client";
import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import type { PipelineSpec } from "@slipway/pipeline-spec";
import { useMemo } from "react";
import type { FlowNode, Positions, RunBadge } from "./layout";
import { NodeDetail, nodeTypes } from "./nodes";
import { FIT, useFlowLayout } from "./use-flow-layout";

type Props = {
  spec: PipelineSpec | null;
  stale: boolean;
  positions?: Positions;
  onSelect?: (id: string | null) => void;
  /** Execution view: the state of each step (by step id) and stage (by `stage:<id>`), drawn on the nodes. */
  runs?: Record<string, RunBadge>;
  selectedId?: string | null;
};

/**
 * The pipeline as a read-only graph (the execution view, a revision being viewed). The editable designer is
 * designer/designer-canvas.tsx; both lay out through useFlowLayout. When the text has errors the last good graph
 * stays on screen, dimmed, so the picture does not flicker away while someone types.
 */
export function PipelineGraph(props: Props) {
  return (
    <ReactFlowProvider>
      <Graph {...props} />
    </ReactFlowProvider>
  );
}

function Graph({ spec, stale, positions, onSelect, runs, selectedId }: Props) {
  const { flow, onNodesChange } = useFlowLayout(spec, positions, "structure");

  // Run state is painted onto the laid-out nodes without laying out again: a status change never moves a node.
  const nodes = useMemo(() => {
    if (!runs && selectedId === undefined) return flow.nodes;
    return flow.nodes.map((n) => {
      const key = n.type === "stage" ? `stage:${n.data.stageId}` : n.type === "step" ? n.data.stepId : "";
      const run = runs?.[key];
      const selected = selectedId !== undefined ? n.id === selectedId : n.selected;
      return run || selected !== n.selected ? ({ ...n, selected, data: { ...n.data, run } } as FlowNode) : n;
    });
  }, [flow.nodes, runs, selectedId]);

  return (
    <div style={{ position: "absolute", inset: 0, opacity: stale ? 0.55 : 1, transition: "opacity .15s" }} data-testid="pipeline-graph" data-stale={stale}>
      <NodeDetail>
        <ReactFlow
          nodes={nodes}
          edges={flow.edges}
          onNodesChange={onNodesChange}
          nodeTypes={nodeTypes}
          fitView
          fitViewOptions={FIT}
          minZoom={0.1}
          nodesConnectable={false}
          nodesDraggable={false}
          edgesFocusable={false}
          onNodeClick={(_e, node) => onSelect?.(node.id)}
          onPaneClick={() => onSelect?.(null)}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={18} size={1} />
          <Controls showInteractive={false} />
          <MiniMap pannable zoomable style={{ height: 90, width: 140 }} />
        </ReactFlow>
      </NodeDetail>
    </div>
  );
}
