"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";
import type { ProjectProps } from "../pipelines/pipeline-list";
import { Dialog } from "../ui/dialog";
import { Time } from "../ui/time";

/** API keys for scripts and CI: a name, a role in this project, shown once, revocable. */
export function ApiKeysSection({ project }: { project: ProjectProps }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.access.apiKeys.queryOptions({ projectId: project.id }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.access.apiKeys.queryKey() });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation(trpc.access.createApiKey.mutationOptions({ onSuccess: (k) => (setCreating(false), setCreated(k.key), refresh()) }));
  const revoke = useMutation(trpc.access.revokeApiKey.mutationOptions({ onSuccess: refresh }));
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    create.mutate({ projectId: project.id, name: String(f.get("name")), role: f.get("role") as "PIPELINE_EXECUTOR" });
  };
  return (
    <section className="card" data-testid="api-keys">
      <div className="row" style={{ justifyContent: "space-between", padding: "12px 16px", borderBottom: "1px solid var(--border)" }}>
        <div><h2>API keys</h2><div className="hint">For scripts and CI: <code>Authorization: Bearer slk_…</code> on /api/trpc.</div></div>
        <button className="btn btn-sm" onClick={() => setCreating(true)}>New API key</button>
      </div>
      <table className="table">
        <tbody>
          {keys.data?.map((k) => (
            <tr key={k.id}>
              <td><strong>{k.name}</strong><div className="hint mono">{k.prefix}… · by {k.createdBy.email}</div></td>
              <td>{k.role}</td>
              <td className="hint">{k.revokedAt ? "revoked" : k.lastUsedAt ? <>used <Time value={k.lastUsedAt} /></> : "never used"}</td>
              <td style={{ textAlign: "right" }}>{!k.revokedAt && <button className="btn btn-sm" onClick={() => revoke.mutate({ projectId: project.id, keyId: k.id })}>Revoke</button>}</td>
            </tr>
          ))}
          {keys.data?.length === 0 && <tr><td className="muted">None yet.</td></tr>}
        </tbody>
      </table>
      {creating && (
        <Dialog title="New API key" onClose={() => setCreating(false)}>
          <form onSubmit={submit}>
            <div className="field"><label htmlFor="key-name">Name</label><input id="key-name" name="name" className="input" placeholder="e.g. github-actions" required autoFocus /></div>
            <div className="field"><label htmlFor="key-role">Role</label><select id="key-role" name="role" className="select" defaultValue="PIPELINE_EXECUTOR"><option value="PIPELINE_EXECUTOR">Pipeline Executor</option><option value="VIEWER">Viewer</option><option value="PIPELINE_ADMIN">Pipeline Admin</option></select></div>
            {create.error && <div className="field-error">{appErrorOf(create.error).message}</div>}
            <div className="dialog-actions"><button type="button" className="btn" onClick={() => setCreating(false)}>Cancel</button><button className="btn btn-primary" type="submit">Create</button></div>
          </form>
        </Dialog>
      )}
      {created && (
        <Dialog title="API key created" onClose={() => setCreated(null)}>
          <p>Copy it now; it is shown only once.</p>
          <pre className="card card-pad mono" style={{ wordBreak: "break-all", whiteSpace: "pre-wrap" }} data-testid="new-api-key">{created}</pre>
          <div className="dialog-actions"><button className="btn btn-primary" onClick={() => setCreated(null)}>Done</button></div>
        </Dialog>
      )}
    </section>
  );
}
