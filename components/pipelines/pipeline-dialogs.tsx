"use client";
import { useState, type FormEvent } from "react";
import { appErrorOf } from "~/app/_trpc/errors";
import { Dialog } from "../ui/dialog";

type Common = { busy: boolean; error: unknown; onClose: () => void };

function ErrorLine({ error }: { error: unknown }) {
  if (!error) return null;
  return <div className="field-error" role="alert">{appErrorOf(error).message}</div>;
}

function NameDialog({ title, initial, action, busy, error, onClose, onSubmit }: Common & { title: string; initial: string; action: string; onSubmit: (name: string) => void }) {
  const [name, setName] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(name.trim());
  };
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor="pipeline-name">Name</label>
          <input id="pipeline-name" className="input" value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={100} required />
          <ErrorLine error={error} />
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>{action}</button>
        </div>
      </form>
    </Dialog>
  );
}

export function CreatePipelineDialog(p: Common & { onSubmit: (name: string) => void }) {
  return <NameDialog {...p} title="New pipeline" initial="" action="Create" />;
}

export function RenamePipelineDialog(p: Common & { name: string; onSubmit: (name: string) => void }) {
  return <NameDialog {...p} title={`Rename "${p.name}"`} initial={p.name} action="Rename" />;
}

export function DeletePipelineDialog({ name, busy, error, onClose, onConfirm }: Common & { name: string; onConfirm: () => void }) {
  return (
    <Dialog title={`Delete "${name}"?`} onClose={onClose}>
      <p className="muted">The pipeline disappears from this project. Its revisions and past executions are kept for the audit trail.</p>
      <ErrorLine error={error} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>Cancel</button>
        <button type="button" className="btn btn-danger" disabled={busy} onClick={onConfirm}>Delete</button>
      </div>
    </Dialog>
  );
}
