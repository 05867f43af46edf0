"use client";
/**
 * The node components, one per node kind, defined at module level (React Flow re-mounts nodes when `nodeTypes`
 * changes identity). Faces come from the registry: the step type's icon, colour and label, the step's name and
 * its key setting. Stage handles are the `needs` connectors (left: what it waits for; right: what waits for it).
 */
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { kindColor, stepKind } from "../../registry";
import type { ParallelNodeData, StageNodeData, StepNodeData } from "../layout";

function StageNode({ data, selected, isConnectable }: NodeProps<Node<StageNodeData, "stage">>) {
  return (
    <div className={`stage-node${selected ? " selected" : ""}`} style={{ width: "100%", height: "100%" }} data-testid="stage-node" data-stage-id={data.stageId} data-status={data.run?.status}>
      <Handle type="target" position={Position.Left} isConnectable={isConnectable} data-testid="stage-in" className="stage-handle" />
      <span className="stage-node-label">{data.label}</span>
      {data.run && <span className="stage-node-status" data-status={data.run.status}>{data.run.status.replace("_", " ").toLowerCase()}</span>}
      <Handle type="source" position={Position.Right} isConnectable={isConnectable} data-testid="stage-out" className="stage-handle" />
    </div>
  );
}

function StepNode({ data, selected }: NodeProps<Node<StepNodeData, "step">>) {
  const kind = stepKind(data.stepType);
  const color = kind ? kindColor(data.stepType) : "var(--text-3)";
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
}

/** The frame behind a parallel group's row; dropping a step on it adds the step to the group. */
function ParallelNode({ data, selected }: NodeProps<Node<ParallelNodeData, "parallel">>) {
  return (
    <div className={`parallel-node${selected ? " selected" : ""}`} data-testid="parallel-node" data-group-id={data.groupId} title={`parallel group ${data.groupId}: these steps start together`}>
      <span className="parallel-node-label">∥ {data.groupId}</span>
    </div>
  );
}

export const nodeTypes = { stage: StageNode, step: StepNode, parallel: ParallelNode };
