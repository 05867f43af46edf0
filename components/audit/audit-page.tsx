"use client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";

/** The audit trail: filters, newest first, the chain check, and exports. */
export function AuditPage() {
  const trpc = useTRPC();
  const [filter, setFilter] = useState<{ action?: string; actor?: string }>({});
  const verify = useQuery({ ...trpc.audit.verify.queryOptions(), enabled: false });
  const list = useInfiniteQuery(trpc.audit.list.infiniteQueryOptions({ filter, take: 100 }, { getNextPageParam: (p) => p.next }));
  const events = (list.data?.pages ?? []).flatMap((p) => p.events);
  const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
  return (
    <div className="page" style={{ maxWidth: 1300 }}>
      <div className="page-head">
        <h1>Audit trail</h1>
        <div className="row">
          <button className="btn" onClick={() => void verify.refetch()} data-testid="verify-audit">Check integrity</button>
          <a className="btn" href={`/api/audit/export?format=csv&${qs}`}>Export CSV</a>
          <a className="btn" href={`/api/audit/export?format=json&${qs}`}>Export JSON</a>
        </div>
      </div>
      {verify.data && (verify.data.ok ? <div className="banner banner-ok" data-testid="audit-ok">Intact: {verify.data.checked} events checked.</div> : <div className="banner banner-error" data-testid="audit-bad">Tampering found: {"reason" in verify.data ? verify.data.reason : ""}</div>)}
      <form className="row" style={{ margin: "12px 0" }} onSubmit={(e) => { e.preventDefault(); const f = new FormData(e.currentTarget); setFilter({ action: String(f.get("action") || "") || undefined, actor: String(f.get("actor") || "") || undefined }); }}>
        <input className="input" name="action" placeholder="action, e.g. pipeline." aria-label="Action" />
        <input className="input" name="actor" placeholder="who, e.g. alice@" aria-label="Actor" />
        <button className="btn" type="submit">Filter</button>
      </form>
      {list.error && <div className="banner banner-error">{appErrorOf(list.error).message}</div>}
      <div className="card">
        <table className="table" data-testid="audit-table">
          <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Details</th><th>From</th></tr></thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td className="mono hint">{new Date(e.at).toLocaleString()}</td>
                <td>{e.actorLabel}<div className="hint">{e.actorType}</div></td>
                <td className="mono">{e.action}</td>
                <td className="hint">{e.targetType} {e.targetId.slice(0, 12)}</td>
                <td className="mono hint" style={{ maxWidth: 380, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }} title={JSON.stringify(e.summary)}>{JSON.stringify(e.summary)}</td>
                <td className="hint">{e.ip ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.hasNextPage && <button className="btn" style={{ marginTop: 12 }} onClick={() => void list.fetchNextPage()}>Older events</button>}
    </div>
  );
}
