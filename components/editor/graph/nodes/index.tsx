"use client";
/**
 * The node components, one per node kind, defined at module level (React Flow re-mounts nodes when `nodeTypes`
 * changes identity) and memoised (a re-render of the graph re-renders only the nodes whose props changed). Faces
 * come from the registry: the step type's icon, colour and label, the step's name and its key setting. Stage
 * handles are the `needs` connectors (left: what it waits for; right: what waits for it).
 *
 * In the designer a stage has an expand/collapse control (StageToggleContext); a collapsed stage shows its step
 * count and kinds instead of its steps.
 *
 * Zoomed out below FAR_ZOOM (where 12 px text is under 3.6 px on screen, a smudge), nodes are drawn as their box
 * only — same size, colour, handles and test ids, no text — which makes the large graphs that open at the minimum
 * zoom several times cheaper to draw and to pan.
 */
import { Handle, Position, useStore, type Node, type NodeProps, type ReactFlowState } from "@xyflow/react";
import { createContext, memo, useContext, type MouseEvent, type ReactNode } from "react";
import { kindColor, stepKind } from "../../registry";
import type { ParallelNodeData, StageNodeData, StageSummary, StepNodeData } from "../layout";
import styles from "./nodes.module.css";

export const FAR_ZOOM = 0.3;
const isFar = (s: ReactFlowState) => s.transform[2] < FAR_ZOOM;
const FarContext = createContext(false);

/**
 * Tells the nodes whether the view is zoomed out below FAR_ZOOM: one store subscription for the whole graph (a
 * subscription per node would run a selector per node on every frame of a pan). Inside a ReactFlowProvider.
 */
export function NodeDetail({ children }: { children: ReactNode }) {
  return <FarContext.Provider value={useStore(isFar)}>{children}</FarContext.Provider>;
}

/** Expands or collapses a stage; provided by the designer only (read-only graphs draw no control). */
export const StageToggleContext = createContext<((stageId: string, collapse: boolean) => void) | null>(null);

const StageNode = memo(function StageNode({ data, selected, isConnectable }: NodeProps<Node<StageNodeData, "stage">>) {
  const toggle = useContext(StageToggleContext);
  const far = useContext(FarContext);
  const collapsed = data.collapsed !== undefined;
  const onToggle = (e: MouseEvent) => {
    e.stopPropagation();
    toggle?.(data.stageId, !collapsed);
  };
  return (
    <div className={`stage-node${selected ? " selected" : ""}`} style={{ width: "100%", height: "100%" }} data-testid="stage-node" data-stage-id={data.stageId} data-status={data.run?.status} data-collapsed={collapsed || undefined}>
      <Handle type="target" position={Position.Left} isConnectable={isConnectable} data-testid="stage-in" className="stage-handle" />
      {toggle && !far && (
        <button type="button" className={`${styles.toggle} nodrag nopan`} onClick={onToggle} onDoubleClick={(e) => e.stopPropagation()} aria-expanded={!collapsed} aria-label={`${collapsed ? "Expand" : "Collapse"} stage ${data.label}`} title={collapsed ? "Show its steps" : "Collapse to a summary"} data-testid="stage-toggle">
          {collapsed ? "▸" : "▾"}
        </button>
      )}
      {!far && <span className={`stage-node-label${toggle ? ` ${styles.withToggle}` : ""}`}>{data.label}</span>}
      {data.run && !far && <span className="stage-node-status" data-status={data.run.status}>{data.run.status.replace("_", " ").toLowerCase()}</span>}
      {data.collapsed && !far && <Summary summary={data.collapsed} />}
      <Handle type="source" position={Position.Right} isConnectable={isConnectable} data-testid="stage-out" className="stage-handle" />
    </div>
  );
});

/** A collapsed stage's face: "12 steps · 2 rollback", then each kind's icon and count. */
function Summary({ summary }: { summary: StageSummary }) {
  const title = summary.kinds.map((k) => `${k.count} × ${stepKind(k.type)?.label ?? k.type}`).join(", ");
  return (
    <div className={styles.summary} data-testid="stage-summary">
      <span className={styles.count}>
        {summary.steps} step{summary.steps === 1 ? "" : "s"}
        {summary.rollback ? ` · ${summary.rollback} rollback` : ""}
      </span>
      <span className={styles.kinds} title={title}>
        {summary.kinds.map((k) => (
          <span key={k.type} className={styles.kind} data-kind={k.type}>
            <span className="kind-icon" style={{ background: stepKind(k.type) ? kindColor(k.type) : "var(--text-3)" }} aria-hidden>{stepKind(k.type)?.icon ?? "?"}</span>
            {stepKind(k.type)?.label ?? k.type} ×{k.count}
          </span>
        ))}
      </span>
    </div>
  );
}

const StepNode = memo(function StepNode({ data, selected }: NodeProps<Node<StepNodeData, "step">>) {
  const kind = stepKind(data.stepType);
  const color = kind ? kindColor(data.stepType) : "var(--text-3)";
  const far = useContext(FarContext);
  if (far) {
    return (
      <div className={`step-node ${styles.farStep}${selected ? " selected" : ""}${data.inRollback ? " rollback" : ""}`} data-type={data.stepType} data-testid="step-node" data-step-id={data.stepId} data-status={data.run?.status} style={{ borderLeftColor: color }}>
        <Handle type="target" position={Position.Top} isConnectable={false} style={{ visibility: "hidden" }} />
        <Handle type="source" position={Position.Bottom} isConnectable={false} style={{ visibility: "hidden" }} />
      </div>
    );
  }
  return (
    <div
      className={`step-node${selected ? " selected" : ""}${data.inRollback ? " rollback" : ""}`}
      data-type={data.stepType}
      data-testid="step-node"
      data-step-id={data.stepId}
      data-status={data.run?.status}
      style={{ borderLeftColor: color }}
      title={data.key}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} style={{ visibility: "hidden" }} />
      <span className="kind">
        <span className="kind-icon" style={{ background: color }} aria-hidden>{kind?.icon ?? "?"}</span>
        {data.inRollback ? "Rollback · " : ""}
        {kind?.label ?? data.stepType}
      </span>
      <span className="name">{data.name}</span>
      <span className="key" data-testid="step-key">{data.key}</span>
      {data.run && (
        <span className="run" data-testid="step-run-state">
          <span className="run-dot" />
          {data.run.status.replace("_", " ").toLowerCase()}
          {data.run.detail ? ` · ${data.run.detail}` : ""}
        </span>
      )}
      <Handle type="source" position={Position.Bottom} isConnectable={false} style={{ visibility: "hidden" }} />
    </div>
  );
});

/** The frame behind a parallel group's row; dropping a step on it adds the step to the group. */
const ParallelNode = memo(function ParallelNode({ data, selected }: NodeProps<Node<ParallelNodeData, "parallel">>) {
  return (
    <div className={`parallel-node${selected ? " selected" : ""}`} data-testid="parallel-node" data-group-id={data.groupId} title={`parallel group ${data.groupId}: these steps start together`}>
      <span className="parallel-node-label">∥ {data.groupId}</span>
    </div>
  );
});

export const nodeTypes = { stage: StageNode, step: StepNode, parallel: ParallelNode };
