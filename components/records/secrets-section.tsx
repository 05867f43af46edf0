"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";
import type { ProjectProps } from "../pipelines/pipeline-list";
import { Dialog } from "../ui/dialog";
import { Time } from "../ui/time";

/** Project secrets: names and dates only. Values go in, never come back out (replace one to change it). */
export function SecretsSection({ project }: { project: ProjectProps }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.secret.list.queryOptions({ projectId: project.id }));
  const canWrite = project.permissions.includes("secret.write");
  const [editing, setEditing] = useState<{ name: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.secret.list.queryKey() });
  const save = useMutation(trpc.secret.save.mutationOptions({ onSuccess: () => (setEditing(null), refresh()) }));
  const del = useMutation(trpc.secret.delete.mutationOptions({ onSuccess: refresh }));
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    save.mutate({ projectId: project.id, name: String(f.get("name")), kind: f.get("kind") === "FILE" ? "FILE" : "TEXT", value: String(f.get("value")), description: String(f.get("description") ?? "") });
  };
  return (
    <section className="card" data-testid="records-secrets">
      <div className="row" style={{ justifyContent: "space-between", padding: "12px 16px", borderBottom: "1px solid var(--border)" }}>
        <h2>Secrets</h2>
        {canWrite && <button className="btn btn-sm" onClick={() => setEditing({ name: "" })}>New secret</button>}
      </div>
      <table className="table">
        <tbody>
          {list.data?.map((s) => (
            <tr key={s.id}>
              <td><strong className="mono">{s.name}</strong><div className="hint">{s.description || `use as <+secrets.getValue("${s.name}")>`}</div></td>
              <td><span className="badge">{s.kind.toLowerCase()}</span></td>
              <td className="hint">updated <Time value={s.updatedAt} /></td>
              <td style={{ textAlign: "right" }}>
                {canWrite && (
                  <span className="row" style={{ justifyContent: "flex-end" }}>
                    <button className="btn btn-sm" onClick={() => setEditing({ name: s.name })}>Replace value</button>
                    <button className="btn btn-sm" onClick={() => confirm(`Delete secret "${s.name}"?`) && del.mutate({ projectId: project.id, name: s.name })}>Delete</button>
                  </span>
                )}
              </td>
            </tr>
          ))}
          {list.data?.length === 0 && <tr><td className="muted">None yet.</td></tr>}
        </tbody>
      </table>
      {editing && (
        <Dialog title={editing.name ? `Replace "${editing.name}"` : "New secret"} onClose={() => setEditing(null)}>
          <form onSubmit={submit}>
            <div className="field"><label htmlFor="secret-name">Name</label><input id="secret-name" name="name" className="input" defaultValue={editing.name} readOnly={Boolean(editing.name)} required /></div>
            <div className="field"><label htmlFor="secret-kind">Kind</label><select id="secret-kind" name="kind" className="select"><option value="TEXT">Text</option><option value="FILE">File (e.g. an SSH private key)</option></select></div>
            <div className="field"><label htmlFor="secret-value">Value</label><textarea id="secret-value" name="value" className="textarea mono" rows={4} required autoComplete="off" /></div>
            <div className="field"><label htmlFor="secret-description">Description</label><input id="secret-description" name="description" className="input" /></div>
            {save.error && <div className="field-error" role="alert">{appErrorOf(save.error).message}</div>}
            <div className="dialog-actions"><button type="button" className="btn" onClick={() => setEditing(null)}>Cancel</button><button type="submit" className="btn btn-primary" disabled={save.isPending}>Save</button></div>
          </form>
        </Dialog>
      )}
    </section>
  );
}
