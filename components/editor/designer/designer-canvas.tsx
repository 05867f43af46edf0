"use client";
/**
 * The editable graph. Nodes and edges are a projection of the YAML (useFlowLayout); every gesture becomes an
 * engine edit (designer-actions.ts), the text changes, and the graph is derived again. Selection lives in the
 * store so the inspector and the YAML cursor share it. Keys are handled here, only while the graph has focus,
 * so Delete in a form field or Ctrl+Z in the YAML never reaches the graph by accident.
 */
import { applyEdgeChanges, Background, ControlButton, Controls, MiniMap, ReactFlow, useReactFlow, type Connection, type Edge, type EdgeChange, type FinalConnectionState, type NodeChange } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { wouldCreateCycle, type StepType } from "@slipway/pipeline-spec";
import { useCallback, useEffect, useMemo, useState, type DragEvent, type KeyboardEvent } from "react";
import type { FlowNode } from "../graph/layout";
import { NodeDetail, nodeTypes, StageToggleContext } from "../graph/nodes";
import { useFlowLayout } from "../graph/use-flow-layout";
import { isCollapsed } from "../store/designer-slice";
import { useEditor, useEditorApi } from "../store/editor-context";
import { ConnectionLine } from "./connection-line";
import { ContextMenu } from "./context-menu";
import { designerActions } from "./designer-actions";
import { dropTarget } from "./drop-target";
import { PALETTE_MIME } from "./palette";

const stageOf = (nodeId: string | null | undefined) => (nodeId?.startsWith("stage:") ? nodeId.slice(6) : null);
const isField = (t: EventTarget) => t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));

export function DesignerCanvas({ canWrite }: { canWrite: boolean }) {
  const api = useEditorApi();
  const actions = useMemo(() => designerActions(api), [api]);
  const spec = useEditor((s) => s.spec);
  const stale = useEditor((s) => s.stale);
  const positions = useEditor((s) => s.positions);
  const selected = useEditor((s) => s.selected);
  const collapse = useEditor((s) => s.collapse);
  const collapsed = useMemo(() => new Set(spec?.stages.filter((st) => isCollapsed(collapse, st.id)).map((st) => st.id) ?? []), [spec, collapse]);
  const { flow, setFlow, onNodesChange: layoutChange, relayout } = useFlowLayout(spec, positions, "overflow", collapsed);
  const { screenToFlowPosition, getInternalNode } = useReactFlow();
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const toggleStage = useCallback((stageId: string, collapse: boolean) => api.getState().setCollapsed([stageId], collapse), [api]);
  const painted = usePainted(flow.nodes.length > 0);
  const idle = useIdleAfter(painted);
  useEffect(() => {
    if (painted) api.getState().graphPainted();
  }, [painted, api]);
  const allCollapsed = useEditor((s) => s.index.stages.length > 0 && s.index.stages.every((st) => isCollapsed(s.collapse, st.id)));

  const nodes = useMemo(() => {
    const chosen = new Set(selected);
    return flow.nodes.map((n) => (n.selected === chosen.has(n.id) ? n : ({ ...n, selected: chosen.has(n.id) } as FlowNode)));
  }, [flow.nodes, selected]);

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const selects = changes.filter((c) => c.type === "select");
      if (selects.length) {
        const next = new Set(api.getState().selected);
        for (const c of selects) (c.selected ? next.add(c.id) : next.delete(c.id));
        api.getState().select([...next]);
      }
      const rest = changes.filter((c) => c.type !== "select");
      if (rest.length) layoutChange(rest);
    },
    [api, layoutChange],
  );
  const onEdgesChange = useCallback((changes: EdgeChange[]) => setFlow((f) => ({ ...f, edges: applyEdgeChanges(changes, f.edges) })), [setFlow]);

  const isValidConnection = useCallback(
    (c: Edge | Connection) => {
      const [from, to, current] = [stageOf(c.source), stageOf(c.target), api.getState().spec];
      if (!from || !to || from === to || !current) return false;
      const already = current.stages.find((s) => s.id === to)?.needs?.includes(from);
      return !already && !wouldCreateCycle(current, from, to);
    },
    [api],
  );
  const onConnect = useCallback((c: Connection) => void actions.connect(stageOf(c.source)!, stageOf(c.target)!), [actions]);
  const onConnectEnd = useCallback(
    (_e: unknown, state: FinalConnectionState) => {
      const [a, b] = [stageOf(state.fromNode?.id), stageOf(state.toNode?.id)];
      if (state.isValid || !a || !b) return;
      const [from, to] = state.fromHandle?.type === "target" ? [b, a] : [a, b];
      api.getState().notify("error", `Not connected: ${actions.refusal(from, to) ?? `${to} already waits for ${from}`}`);
    },
    [api, actions],
  );

  const onNodeDragStop = useCallback(
    (_e: unknown, node: FlowNode, dragged: FlowNode[]) => {
      const stages = dragged.filter((n) => n.type === "stage");
      if (stages.length) api.getState().setPositions(Object.fromEntries(stages.map((n) => [n.id, n.position])));
      if (node.type !== "step") return;
      const abs = getInternalNode(node.id)?.internals.positionAbsolute ?? node.position;
      const center = { x: abs.x + (node.measured?.width ?? 0) / 2, y: abs.y + (node.measured?.height ?? 0) / 2 };
      const target = dropTarget(flow.nodes, center, node.id);
      if (!target || !actions.moveStepTo(node.data.stepId, target)) relayout();
    },
    [api, actions, flow.nodes, getInternalNode, relayout],
  );

  const onDrop = (e: DragEvent) => {
    const raw = e.dataTransfer.getData(PALETTE_MIME);
    if (!raw || !canWrite) return;
    e.preventDefault();
    const item = JSON.parse(raw) as { kind: "stage" } | { kind: "step"; type: StepType };
    const at = screenToFlowPosition({ x: e.clientX, y: e.clientY });
    const target = item.kind === "step" ? dropTarget(flow.nodes, at) : null;
    if (item.kind === "step" && target) actions.addStepAt(item.type, target);
    else actions.addStageAt(item.kind === "step" ? item.type : null, at);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (isField(e.target)) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    const s = api.getState();
    const handled = (() => {
      if (mod && key === "z") return e.shiftKey ? s.bridge?.redo() : s.bridge?.undo(), true;
      if (mod && key === "y") return s.bridge?.redo(), true;
      if (mod && key === "c") return actions.copy(s.selected), true;
      if (mod && key === "v" && canWrite) return actions.paste(s.selected), true;
      if (!mod && (e.key === "Delete" || e.key === "Backspace") && canWrite) {
        const edges = flow.edges.filter((x) => x.selected && x.data).map((x) => x.data as { from: string; to: string });
        return actions.remove(s.selected, edges), true;
      }
      if (e.key === "Escape") return s.select([]), setMenu(null), true;
      return false;
    })();
    if (!handled) return;
    e.preventDefault();
    // Keep the keyboard in the graph: the focused node may be the one this key removes (Delete, or an undo of its
    // addition), and focus would fall to <body>, where the next Ctrl+Z reaches neither view.
    (e.currentTarget as HTMLElement).focus({ preventScroll: true });
  };

  return (
    <div
      className="designer-canvas"
      style={{ opacity: stale ? 0.55 : 1 }}
      data-testid="pipeline-graph"
      data-stale={stale}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onDragOver={(e) => e.dataTransfer.types.includes(PALETTE_MIME) && (e.preventDefault(), (e.dataTransfer.dropEffect = "copy"))}
      onDrop={onDrop}
    >
      <StageToggleContext.Provider value={toggleStage}>
        <NodeDetail>
          <ReactFlow
            nodes={nodes}
            edges={flow.edges}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            nodeTypes={nodeTypes}
            // No `fitView` here (nor its options, which only that initial fit reads): useFlowLayout sets the opening
            // view (fitted, or readable for ordinary pipelines); React Flow's own fit ran after it and undid it.
            minZoom={0.1}
            nodesConnectable={canWrite}
            nodesDraggable={canWrite}
            isValidConnection={isValidConnection}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            connectionLineComponent={ConnectionLine}
            onNodeDragStop={onNodeDragStop}
            onNodeClick={(e, node) => !(e.shiftKey || e.metaKey || e.ctrlKey) && api.getState().select([node.id], { reveal: true })}
            onNodeDoubleClick={(_e, node) => node.type === "stage" && node.data.collapsed && toggleStage(node.data.stageId, false)}
            onNodeContextMenu={(e, node) => {
              e.preventDefault();
              if (!api.getState().selected.includes(node.id)) api.getState().select([node.id], { reveal: true });
              setMenu({ x: e.clientX, y: e.clientY });
            }}
            onPaneClick={() => (api.getState().select([]), setMenu(null))}
            deleteKeyCode={null}
            multiSelectionKeyCode={["Shift", "Meta", "Control"]}
            disableKeyboardA11y
            onlyRenderVisibleElements={flow.nodes.length > 400}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={18} size={1} />
            <Controls showInteractive={false}>
              <ControlButton onClick={() => api.getState().collapseAll(!allCollapsed)} title={allCollapsed ? "Expand all stages" : "Collapse all stages"} aria-label={allCollapsed ? "Expand all stages" : "Collapse all stages"} data-testid="collapse-toggle-all">
                {allCollapsed ? "⊞" : "⊟"}
              </ControlButton>
            </Controls>
            {/* Not needed for the first frame (it draws every node, on screen or not): mounted when the page is next idle. */}
            {idle && <MiniMap pannable zoomable style={{ height: 90, width: 140 }} />}
          </ReactFlow>
        </NodeDetail>
      </StageToggleContext.Provider>
      {menu && <ContextMenu at={menu} canWrite={canWrite} onClose={() => setMenu(null)} />}
    </div>
  );
}

/** Becomes true a frame after `ready` first does: once the browser has painted what `ready` waited for. */
function usePainted(ready: boolean): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    if (!ready || painted) return;
    let frame = requestAnimationFrame(() => (frame = requestAnimationFrame(() => setPainted(true))));
    return () => cancelAnimationFrame(frame);
  }, [ready, painted]);
  return painted;
}

/** Becomes true once the main thread is idle after `after` is (or after 3 s at the latest). */
function useIdleAfter(after: boolean): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    if (!after || idle) return;
    if (typeof requestIdleCallback !== "function") {
      const t = setTimeout(() => setIdle(true), 500);
      return () => clearTimeout(t);
    }
    const id = requestIdleCallback(() => setIdle(true), { timeout: 3000 });
    return () => cancelIdleCallback(id);
  }, [after, idle]);
  return idle;
}
