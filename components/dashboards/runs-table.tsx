"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";
import { StatusBadge } from "../executions/format";
import { Time } from "../ui/time";
import styles from "./dashboards.module.css";
import { formatSpan } from "./format";
import type { DashboardParams, RunsKind } from "./use-dashboard-params";

const TAKE = 25;
const KINDS: { kind: RunsKind; label: string; hint: string }[] = [
  { kind: "all", label: "All deployments", hint: "Every deployment that ended in the range (activity, success rate, duration)." },
  { kind: "production-success", label: "Production successes", hint: "Counted by deployment frequency and lead time." },
  { kind: "production-failures", label: "Production failures", hint: "Counted by change failure rate and time to restore, with the run that restored each." },
];

/** The runs behind the figures: each dashboard tile links here with its subset selected. */
export function RunsTable({ projectId, slug, params, scope }: { projectId: string; slug: string; params: DashboardParams; scope: { from: Date; to: Date; service?: string; environment?: string; timeZone: string } }) {
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.dashboard.deployments.queryOptions({ projectId, scope, kind: params.runs, skip: params.page * TAKE, take: TAKE }), placeholderData: keepPreviousData });
  const failures = params.runs === "production-failures";
  const run = (id: string) => `/p/${slug}/executions/${id}`;
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / TAKE));
  return (
    <section id="runs" className={`card ${styles.section}`} data-testid="runs-table">
      <div className={styles.sectionHead}>
        <h2>Runs behind these figures</h2>
        <div className={styles.segmented} role="group" aria-label="Which runs">
          {KINDS.map((k) => <button key={k.kind} type="button" aria-pressed={params.runs === k.kind} onClick={() => params.update({ runs: k.kind === "all" ? null : k.kind, page: null })}>{k.label}</button>)}
        </div>
      </div>
      <div className="hint" style={{ padding: "8px 16px 0" }}>{KINDS.find((k) => k.kind === params.runs)?.hint}</div>
      {list.error && <div className="banner banner-error" style={{ margin: 12 }}>{appErrorOf(list.error).message}</div>}
      <table className="table">
        <thead>
          <tr><th>Ended</th><th>Service</th><th>Environment</th><th>Version</th><th>Status</th><th className={styles.num}>Duration</th><th className={styles.num}>{failures ? "Restored after" : "Lead time"}</th><th>By</th></tr>
        </thead>
        <tbody>
          {list.data?.rows.map((r) => (
            <tr key={r.id} data-testid="run-row">
              <td className="muted"><Time value={r.finishedAt} /></td>
              <td>{r.service}</td>
              <td>{r.environment}{r.environmentType === "PRODUCTION" && <span className="badge" style={{ marginLeft: 6 }}>prod</span>}</td>
              <td><Link href={run(r.executionId)} className="mono">{r.version}</Link></td>
              <td>
                <StatusBadge status={r.status} />
                {r.failedLaterAt && <div className={styles.failedLater} title={r.failedLaterCause ?? ""}>failed later: {r.failedLaterCause}</div>}
              </td>
              <td className={styles.num}>{formatSpan(r.durationMs)}</td>
              <td className={styles.num}>
                {failures ? (r.restoredAt && r.restoredByExecutionId ? <Link href={run(r.restoredByExecutionId)}>{formatSpan(r.restoredAt.getTime() - r.finishedAt.getTime())}</Link> : <span className={styles.failedLater}>not yet</span>) : r.status === "SUCCESS" ? formatSpan(r.leadTimeMs) : "—"}
              </td>
              <td className="muted">{r.by ?? "system"}</td>
            </tr>
          ))}
          {list.data?.rows.length === 0 && <tr><td colSpan={8} className="muted">No such deployment ended in this range.</td></tr>}
          {list.isLoading && <tr><td colSpan={8} className="muted">Loading…</td></tr>}
        </tbody>
      </table>
      {total > TAKE && (
        <div className="row" style={{ justifyContent: "flex-end", padding: "8px 16px" }}>
          <span className="hint">{params.page * TAKE + 1}–{Math.min(total, (params.page + 1) * TAKE)} of {total}</span>
          <button className="btn btn-sm" disabled={params.page === 0} onClick={() => params.update({ page: params.page - 1 ? String(params.page - 1) : null })}>Newer</button>
          <button className="btn btn-sm" disabled={params.page + 1 >= pages} onClick={() => params.update({ page: String(params.page + 1) })}>Older</button>
        </div>
      )}
    </section>
  );
}
