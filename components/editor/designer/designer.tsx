"use client";
/**
 * The graph pane of the editor: palette, toolbar, canvas and the notice line. One React Flow provider around
 * all of it, so the toolbar can fit the view of the canvas it sits on.
 */
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useMemo, useRef } from "react";
import { useTRPC } from "~/app/_trpc/client";
import { FIT } from "../graph/use-flow-layout";
import { isCollapsed } from "../store/designer-slice";
import { useEditor, useEditorApi } from "../store/editor-context";
import { designerActions } from "./designer-actions";
import { DesignerCanvas } from "./designer-canvas";
import { DeploymentMenu } from "./deployment-menu";
import { Palette } from "./palette";

export function Designer({ projectId, pipelineId, canWrite }: { projectId: string; pipelineId: string; canWrite: boolean }) {
  useLayoutSaver(projectId, pipelineId, canWrite);
  return (
    <ReactFlowProvider>
      <div className="designer">
        <Palette disabled={!canWrite} />
        <div className="designer-main">
          <GraphToolbar projectId={projectId} canWrite={canWrite} />
          <div className="designer-body">
            <DesignerCanvas canWrite={canWrite} />
            <NoticeLine />
          </div>
        </div>
      </div>
    </ReactFlowProvider>
  );
}

function GraphToolbar({ projectId, canWrite }: { projectId: string; canWrite: boolean }) {
  const api = useEditorApi();
  const actions = useMemo(() => designerActions(api), [api]);
  const { fitView } = useReactFlow();
  const selected = useEditor((s) => s.selected);
  const stale = useEditor((s) => s.stale);
  const handPlaced = useEditor((s) => Object.keys(s.positions).length);
  const collapsedStages = useEditor((s) => s.index.stages.filter((st) => isCollapsed(s.collapse, st.id)).length);
  const steps = selected.filter((id) => id.startsWith("step:")).length;
  return (
    <div className="graph-toolbar">
      {canWrite && <DeploymentMenu projectId={projectId} />}
      {canWrite && (
        <>
          <button type="button" className="btn btn-sm" disabled={steps < 2} onClick={() => actions.group(selected)} data-testid="group-parallel" title="Run the selected adjacent steps side by side">Run in parallel</button>
          <button type="button" className="btn btn-sm" disabled={selected.length !== 1} onClick={() => actions.ungroup(selected)} data-testid="ungroup-parallel">Ungroup</button>
        </>
      )}
      <span style={{ flex: 1 }} />
      {stale && <span className="badge" title="The YAML has errors; the graph shows the last valid version">last valid</span>}
      {collapsedStages > 0 && (
        <button type="button" className="btn btn-sm" data-testid="expand-all" title={`Show the steps of every stage (${collapsedStages} collapsed)`} onClick={() => api.getState().collapseAll(false)}>
          Expand all
        </button>
      )}
      <button
        type="button"
        className="btn btn-sm"
        data-testid="auto-layout"
        title={handPlaced ? `Lay out again and forget ${handPlaced} hand-placed position${handPlaced === 1 ? "" : "s"}` : "Lay out again"}
        onClick={() => {
          api.getState().setPositions(null);
          requestAnimationFrame(() => void fitView({ ...FIT, duration: 200 }));
        }}
      >
        Auto-layout
      </button>
      <button type="button" className="btn btn-sm" data-testid="fit-view" onClick={() => void fitView({ ...FIT, duration: 200 })}>Fit view</button>
    </div>
  );
}

/** The last refusal or hint, under the toolbar; it goes away by itself, or with the next successful edit. */
function NoticeLine() {
  const notice = useEditor((s) => s.notice);
  const dismiss = useEditor((s) => s.dismiss);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(dismiss, notice.tone === "error" ? 8000 : 4000);
    return () => clearTimeout(t);
  }, [notice, dismiss]);
  if (!notice) return null;
  return (
    <div className={`designer-notice banner ${notice.tone === "error" ? "banner-error" : "banner-ok"}`} role={notice.tone === "error" ? "alert" : "status"} data-testid="designer-notice">
      {notice.text}
      <button type="button" className="btn btn-ghost btn-sm" onClick={dismiss} aria-label="Dismiss">×</button>
    </div>
  );
}

/** Hand-set positions go to the server a moment after the last drag — beside the YAML, never in it. */
function useLayoutSaver(projectId: string, pipelineId: string, canWrite: boolean) {
  const trpc = useTRPC();
  const positions = useEditor((s) => s.positions);
  const save = useMutation(trpc.pipeline.saveLayout.mutationOptions());
  const first = useRef(true);
  const { mutate } = save;
  useEffect(() => {
    if (first.current || !canWrite) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => mutate({ projectId, pipelineId, layout: positions }), 800);
    return () => clearTimeout(t);
  }, [positions, projectId, pipelineId, canWrite, mutate]);
}
