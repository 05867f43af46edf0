"use client";
/**
 * The pipeline page's client entry: the editor is rendered in the browser only (next/dynamic with `ssr: false`,
 * which Next allows from a client component only). Server-rendering it bought nothing — the graph is laid out
 * asynchronously and Monaco is client-only, so the server's HTML was an empty frame — and cost a parse of the whole
 * document on the server (≈ 1 s for a 1 MB pipeline), then the same markup hydrated in the browser. Until the
 * editor's script has loaded, a skeleton of the same layout holds its place.
 */
import dynamic from "next/dynamic";
import type { ComponentProps } from "react";
import type { PipelineEditor as Editor } from "./pipeline-editor";

type Props = ComponentProps<typeof Editor>;

const PipelineEditor = dynamic(() => import("./pipeline-editor").then((m) => m.PipelineEditor), { ssr: false, loading: () => <EditorSkeleton /> });

export function PipelineEditorLoader(props: Props) {
  return <PipelineEditor {...props} />;
}

/** The editor's frame (toolbar, graph, inspector, YAML panes) with nothing in it yet. */
function EditorSkeleton() {
  return (
    <div className="editor" aria-busy="true" data-testid="editor-loading">
      <div className="editor-bar">
        <span className="muted">Pipelines</span>
        <span className="muted">/</span>
        <span className="title muted">Loading…</span>
      </div>
      <div className="editor-split designer-split">
        <section className="editor-pane" aria-label="Graph" />
        <section className="editor-pane inspector-pane" aria-label="Inspector">
          <div className="pane-head">Inspector</div>
        </section>
        <section className="editor-pane" aria-label="YAML">
          <div className="pane-head">YAML</div>
        </section>
      </div>
    </div>
  );
}
