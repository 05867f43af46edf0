"use client";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import type { ProjectProps } from "../pipelines/pipeline-list";
import { RunButton } from "../executions/run-dialog";
import { Dialog } from "../ui/dialog";
import { ConflictDialog } from "./revisions/conflict-dialog";
import { useRevisionActions } from "./revisions/use-revision-actions";
import { useEditor } from "./store/editor-context";
import { useUnsavedGuard } from "./use-unsaved-guard";

type Props = { project: ProjectProps; pipelineId: string; canWrite: boolean; historyOpen: boolean; onToggleHistory: () => void };

/** Name, revision, validity, and the actions: save with a message, discard the draft, open history, restore. */
export function EditorToolbar({ project, pipelineId, canWrite, historyOpen, onToggleHistory }: Props) {
  const dirty = useEditor((s) => s.yaml !== s.savedYaml);
  const baseRevision = useEditor((s) => s.baseRevision);
  const name = useEditor((s) => s.spec?.name ?? "");
  const errorCount = useEditor((s) => s.problems.filter((p) => p.severity === "error").length);
  const restoredDraft = useEditor((s) => s.restoredDraft);
  const viewing = useEditor((s) => s.viewing);
  const discardDraft = useEditor((s) => s.discardDraft);
  const view = useEditor((s) => s.view);
  const [saveOpen, setSaveOpen] = useState(false);
  const revisions = useRevisionActions(project.id, pipelineId);
  useUnsavedGuard(dirty);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    revisions.save(String(new FormData(e.currentTarget).get("message") ?? ""), () => setSaveOpen(false));
  };
  const restore = () => {
    if (!viewing || (dirty && !window.confirm("Restoring replaces your unsaved changes with this revision. Continue?"))) return;
    revisions.restore({ number: viewing.number, yaml: viewing.yaml });
  };

  return (
    <>
      <div className="editor-bar">
        <Link href={`/p/${project.slug}/pipelines`} className="muted">Pipelines</Link>
        <span className="muted">/</span>
        <span className="title" data-testid="pipeline-title">{name}</span>
        <span className="badge" data-testid="revision-badge">rev {baseRevision}{dirty ? " + draft" : ""}</span>
        {errorCount > 0 ? <span className="badge" style={{ color: "var(--danger)" }}>{errorCount} error{errorCount === 1 ? "" : "s"}</span> : <span className="badge" style={{ color: "var(--ok)" }}>valid</span>}
        <span style={{ flex: 1 }} />
        <Link className="btn" href={`/p/${project.slug}/pipelines/${pipelineId}/executions`}>Executions</Link>
        <button className="btn" onClick={onToggleHistory} aria-pressed={historyOpen}>History</button>
        {canWrite && dirty && <button className="btn" onClick={discardDraft}>Discard changes</button>}
        {canWrite && <button className="btn btn-primary" disabled={!dirty || revisions.saving || viewing !== null} onClick={() => setSaveOpen(true)}>{revisions.saving ? "Saving…" : "Save"}</button>}
        {!dirty && <RunButton project={project} pipelineId={pipelineId} />}
      </div>
      {viewing && (
        <div className="banner banner-warn" style={{ borderRadius: 0 }} data-testid="viewing-banner">
          Viewing revision {viewing.number} ({viewing.message}) read-only.{" "}
          <button className="btn btn-sm" onClick={() => view(null)}>Back to editing</button>{" "}
          {canWrite && viewing.number !== baseRevision && (
            <button className="btn btn-sm" onClick={restore} disabled={revisions.restoring} data-testid="restore-revision">
              Restore as revision {baseRevision + 1}
            </button>
          )}
        </div>
      )}
      {restoredDraft && !viewing && <div className="banner banner-warn" style={{ borderRadius: 0 }}>Restored your unsaved changes (based on revision {baseRevision}). Save them or discard them.</div>}
      {revisions.banner && (
        <div className="banner banner-error" style={{ borderRadius: 0 }} role="alert" data-testid="save-error">
          Not saved. {revisions.banner.message}{" "}
          <button className="btn btn-ghost btn-sm" onClick={revisions.clearBanner} aria-label="Dismiss">×</button>
        </div>
      )}
      {saveOpen && (
        <Dialog title="Save a new revision" onClose={() => setSaveOpen(false)}>
          <form onSubmit={submit}>
            <div className="field">
              <label htmlFor="revision-message">What changed?</label>
              <input id="revision-message" name="message" className="input" placeholder="e.g. Add a smoke test before production" autoFocus maxLength={500} />
            </div>
            <div className="dialog-actions">
              <button type="button" className="btn" onClick={() => setSaveOpen(false)}>Cancel</button>
              <button type="submit" className="btn btn-primary" disabled={revisions.saving}>Save revision {baseRevision + 1}</button>
            </div>
          </form>
        </Dialog>
      )}
      {revisions.conflict && <ConflictDialog theirs={revisions.conflict} onClose={(resolved) => (revisions.closeConflict(), resolved && revisions.clearBanner())} />}
    </>
  );
}
