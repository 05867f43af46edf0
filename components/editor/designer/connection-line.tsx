"use client";
/**
 * The line drawn while the user drags from one stage's handle to another. Over a stage it may not connect to,
 * it turns red and says why, in the edit engine's words ("would create a cycle a → b → a"), before the user lets
 * go: a refused connection is explained on the spot, not after the fact.
 */
import { getBezierPath, type ConnectionLineComponentProps } from "@xyflow/react";
import { useMemo } from "react";
import { useEditorApi } from "../store/editor-context";
import { designerActions } from "./designer-actions";

const stageOf = (nodeId: string | undefined) => (nodeId?.startsWith("stage:") ? nodeId.slice(6) : null);

export function ConnectionLine({ fromX, fromY, toX, toY, fromPosition, toPosition, fromNode, toNode, fromHandle, connectionStatus }: ConnectionLineComponentProps) {
  const api = useEditorApi();
  const [path] = getBezierPath({ sourceX: fromX, sourceY: fromY, sourcePosition: fromPosition, targetX: toX, targetY: toY, targetPosition: toPosition });
  const a = stageOf(fromNode?.id);
  const b = stageOf(toNode?.id);
  const forward = fromHandle?.type !== "target";
  const message = useMemo(() => {
    if (connectionStatus !== "invalid" || !a || !b) return null;
    return designerActions(api).refusal(forward ? a : b, forward ? b : a) ?? "already connected";
  }, [api, connectionStatus, a, b, forward]);

  return (
    <g className={`connection-line${message ? " refused" : ""}`}>
      <path d={path} fill="none" strokeWidth={2} />
      {message && (
        <foreignObject x={toX + 12} y={toY + 8} width={280} height={60} style={{ overflow: "visible" }}>
          <div className="connection-refusal" data-testid="connection-refusal">{message}</div>
        </foreignObject>
      )}
    </g>
  );
}
