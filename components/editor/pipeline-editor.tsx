"use client";
/**
 * The pipeline page: the designer (palette, graph, inspector) beside the YAML. The YAML text is canonical; the
 * graph and the forms are projections of it and change it only through the lossless edit engine, applied to
 * Monaco's model so one undo history covers both views. Owns the editor store; children read it through selectors.
 */
import { nodeAtOffset, PIPELINE_JSON_SCHEMA_ID, pipelineJsonSchema, parsePipelineYaml, type PipelineSpec } from "@slipway/pipeline-spec";
import type { editor } from "monaco-editor";
import dynamic from "next/dynamic";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ProjectProps } from "../pipelines/pipeline-list";
import { Designer } from "./designer/designer";
import { EditorToolbar } from "./editor-toolbar";
import { PipelineGraph } from "./graph/pipeline-graph";
import { groupNodeId, stageNodeId, stepNodeId } from "./graph/spec-to-flow";
import { Inspector } from "./inspector/inspector";
import { ProblemsPanel } from "./problems-panel";
import { RevisionHistory } from "./revision-history";
import { EditorStoreProvider, useEditor, useEditorApi } from "./store/editor-context";
import { monacoBridge } from "./yaml/monaco-bridge";

const YamlLoading = () => <div className="muted" style={{ padding: 12 }}>Loading editor…</div>;
const YamlEditor = dynamic(() => import("./yaml/yaml-editor"), { ssr: false, loading: YamlLoading });

type PipelineProps = { id: string; name: string; headRevision: number; yaml: string; layout: Record<string, { x: number; y: number }> };

export function PipelineEditor({ project, pipeline }: { project: ProjectProps; pipeline: PipelineProps }) {
  return (
    <EditorStoreProvider init={{ pipelineId: pipeline.id, baseRevision: pipeline.headRevision, yaml: pipeline.yaml, positions: pipeline.layout }}>
      <EditorBody project={project} pipeline={pipeline} />
    </EditorStoreProvider>
  );
}

function EditorBody({ project, pipeline }: { project: ProjectProps; pipeline: PipelineProps }) {
  const api = useEditorApi();
  const yaml = useEditor((s) => s.yaml);
  const setYaml = useEditor((s) => s.setYaml);
  const reparse = useEditor((s) => s.reparse);
  const problems = useEditor((s) => s.problems);
  const saveProblems = useEditor((s) => s.saveProblems);
  const viewing = useEditor((s) => s.viewing);
  // Monaco (its script, a model of the whole text, a worker) is not needed for the graph's first frame: it mounts
  // once the graph is on screen, or at once when there is no graph to wait for.
  const yamlReady = useEditor((s) => s.painted || s.spec === null) || viewing !== null;
  const [yamlNow, setYamlNow] = useState(yamlReady);
  if (yamlReady && !yamlNow) setYamlNow(true); // once mounted, it stays
  const [historyOpen, setHistoryOpen] = useState(false);
  const monacoRef = useRef<editor.IStandaloneCodeEditor | null>(null);
  const canWrite = project.permissions.includes("pipeline.write");
  const schema = useMemo(() => ({ uri: PIPELINE_JSON_SCHEMA_ID, fileMatch: "*.pipeline.yaml", json: pipelineJsonSchema() }), []);

  // Re-derive the graph shortly after typing stops (parsing a large document on every keystroke would lag).
  useEffect(() => {
    const t = setTimeout(reparse, 200);
    return () => clearTimeout(t);
  }, [yaml, reparse]);

  const onReady = useCallback((ed: editor.IStandaloneCodeEditor | null) => {
    monacoRef.current = ed;
    api.getState().attach(ed ? monacoBridge(ed) : null);
  }, [api]);

  // The cursor in the YAML selects the node it is in (after a short pause: finding it parses the text).
  const cursorTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onCursor = useCallback((offset: number) => {
    if (cursorTimer.current) clearTimeout(cursorTimer.current);
    cursorTimer.current = setTimeout(() => {
      const at = nodeAtOffset(monacoRef.current?.getValue() ?? api.getState().yaml, offset);
      const s = api.getState();
      const id = at?.stepId ? (s.index.groups.has(at.stepId) ? groupNodeId(at.stepId) : stepNodeId(at.stepId)) : at?.stageId ? stageNodeId(at.stageId) : null;
      if (id) s.select([id]);
    }, 150);
  }, [api]);

  const shownProblems = viewing ? [] : (saveProblems ?? problems);
  const reveal = (line: number, column: number) => {
    const ed = monacoRef.current;
    if (!ed) return;
    ed.revealLineInCenter(line);
    ed.setPosition({ lineNumber: line, column });
    ed.focus();
  };

  return (
    <div className="editor">
      <EditorToolbar project={project} pipelineId={pipeline.id} canWrite={canWrite} historyOpen={historyOpen} onToggleHistory={() => setHistoryOpen((o) => !o)} />
      <div className={`editor-split designer-split${historyOpen ? " with-history" : ""}`}>
        <section className="editor-pane" aria-label="Graph">
          <div className="pane-body">
            {viewing ? <ViewedGraph yaml={viewing.yaml} /> : <Designer projectId={project.id} pipelineId={pipeline.id} canWrite={canWrite} />}
          </div>
        </section>
        <section className="editor-pane inspector-pane" aria-label="Inspector">
          <div className="pane-head">Inspector</div>
          <div className="pane-body" style={{ overflow: "auto" }}>
            <Inspector canWrite={canWrite} />
          </div>
        </section>
        <section className="editor-pane" aria-label="YAML">
          <div className="pane-head">YAML {!canWrite && <span className="badge">read-only</span>}</div>
          <div className="pane-body" data-testid="yaml-pane">
            {!yamlNow ? (
              <YamlLoading />
            ) : viewing ? (
              <YamlEditor key={`rev-${viewing.number}`} path={`file:///pipelines/${pipeline.id}/rev-${viewing.number}.pipeline.yaml`} value={viewing.yaml} problems={[]} readOnly schema={schema} />
            ) : (
              <YamlEditor path={`file:///pipelines/${pipeline.id}/draft.pipeline.yaml`} value={yaml} onChange={setYaml} problems={shownProblems} readOnly={!canWrite} schema={schema} onReady={onReady} onCursor={onCursor} />
            )}
          </div>
          {!viewing && <ProblemsPanel problems={shownProblems} fromSave={saveProblems !== null} onReveal={reveal} />}
        </section>
        {historyOpen && <RevisionHistory projectId={project.id} pipelineId={pipeline.id} />}
      </div>
    </div>
  );
}

/** The graph of a revision being viewed read-only. */
function ViewedGraph({ yaml }: { yaml: string }) {
  const spec = useMemo((): PipelineSpec | null => {
    const r = parsePipelineYaml(yaml);
    return r.ok ? r.spec : null;
  }, [yaml]);
  return <PipelineGraph spec={spec} stale={false} />;
}
