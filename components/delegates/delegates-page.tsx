"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";
import { StatusBadge } from "../executions/format";
import { Dialog } from "../ui/dialog";
import { Time } from "../ui/time";

/** Delegate tokens (create: shown once; revoke: refused at once) and the delegates connected with them. */
export function DelegatesPage({ studioUrl, canManage }: { studioUrl: string; canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery({ ...trpc.delegate.list.queryOptions(), refetchInterval: 3_000 });
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [creating, setCreating] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.delegate.list.queryKey() });
  const create = useMutation(trpc.delegate.createToken.mutationOptions({ onSuccess: (t) => (setCreating(false), setCreated({ name: t.name, token: t.token }), refresh()) }));
  const revoke = useMutation(trpc.delegate.revokeToken.mutationOptions({ onSuccess: refresh }));

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    create.mutate({ name: String(new FormData(e.currentTarget).get("name")) });
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1>Delegates</h1>
        {canManage && <button className="btn btn-primary" onClick={() => setCreating(true)}>New delegate token</button>}
      </div>
      {list.error && <div className="banner banner-error">{appErrorOf(list.error).message}</div>}
      <section className="card" style={{ marginBottom: 20 }} data-testid="delegate-list">
        <table className="table">
          <thead><tr><th>Delegate</th><th>Status</th><th>Tags</th><th>Tasks</th><th>Last heartbeat</th><th>Version</th><th>Token</th></tr></thead>
          <tbody>
            {list.data?.delegates.map((d) => (
              <tr key={d.id}>
                <td><strong>{d.name}</strong><div className="hint">{d.hostname}</div></td>
                <td><StatusBadge status={d.status} />{d.status === "CONNECTED" && !d.streamOpen && <div className="hint">polling (stream down)</div>}</td>
                <td>{d.tags.map((t) => <span key={t} className="badge" style={{ marginRight: 4 }}>{t}</span>)}</td>
                <td>{d.running}/{d.maxTasks}</td>
                <td className="muted"><Time value={d.lastHeartbeatAt} /></td>
                <td className="mono">{d.version}</td>
                <td>{d.token}</td>
              </tr>
            ))}
            {list.data?.delegates.length === 0 && <tr><td colSpan={7} className="muted">No delegate has connected yet. Create a token and start one.</td></tr>}
          </tbody>
        </table>
      </section>
      <section className="card">
        <div style={{ padding: "12px 16px", borderBottom: "1px solid var(--border)" }}><h2>Tokens</h2></div>
        <table className="table">
          <tbody>
            {list.data?.tokens.map((t) => (
              <tr key={t.id}>
                <td><strong>{t.name}</strong><div className="hint mono">{t.prefix}…</div></td>
                <td>{t.revokedAt ? <span className="status" data-status="ABORTED">revoked</span> : <span className="status" data-status="SUCCESS">active</span>}</td>
                <td className="muted">created <Time value={t.createdAt} />{t.lastUsedAt && <> · used <Time value={t.lastUsedAt} /></>}</td>
                <td style={{ textAlign: "right" }}>{canManage && !t.revokedAt && <button className="btn btn-sm" onClick={() => confirm(`Revoke "${t.name}"? Its delegates are disconnected at once.`) && revoke.mutate({ tokenId: t.id })}>Revoke</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {creating && (
        <Dialog title="New delegate token" onClose={() => setCreating(false)}>
          <form onSubmit={submit}>
            <div className="field">
              <label htmlFor="token-name">Name</label>
              <input id="token-name" name="name" className="input" placeholder="e.g. eu-west-vms" required autoFocus />
              {create.error && <span className="field-error">{appErrorOf(create.error).message}</span>}
            </div>
            <div className="dialog-actions">
              <button type="button" className="btn" onClick={() => setCreating(false)}>Cancel</button>
              <button type="submit" className="btn btn-primary" disabled={create.isPending}>Create</button>
            </div>
          </form>
        </Dialog>
      )}
      {created && (
        <Dialog title={`Token "${created.name}"`} onClose={() => setCreated(null)}>
          <p>Copy it now: it is shown only once (the studio keeps only its hash).</p>
          <pre className="card card-pad mono" style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }} data-testid="new-token">{created.token}</pre>
          <p className="hint">Start a delegate with it:</p>
          <pre className="card card-pad mono" style={{ whiteSpace: "pre-wrap", wordBreak: "break-all", fontSize: 12 }}>{`node delegate/dist/slipway-delegate.mjs --url ${studioUrl} --token ${created.token} --name my-delegate --tags linux\n\n# or\ndocker run -e SLIPWAY_URL=${studioUrl} -e SLIPWAY_DELEGATE_TOKEN=${created.token} slipway/delegate`}</pre>
          <div className="dialog-actions"><button className="btn btn-primary" onClick={() => setCreated(null)}>Done</button></div>
        </Dialog>
      )}
    </div>
  );
}
