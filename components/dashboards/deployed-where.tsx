"use client";
import Link from "next/link";
import { StatusBadge } from "../executions/format";
import type { RouterOutputs } from "../executions/types";
import { Time } from "../ui/time";
import styles from "./dashboards.module.css";

type Where = RouterOutputs["dashboard"]["deployedWhere"];

/** Service × environment: the version live (latest successful deployment), when, by whom, and its run. */
export function DeployedWhere({ slug, data, error }: { slug: string; data: Where | undefined; error?: string }) {
  const cells = new Map(data?.cells.map((c) => [`${c.service}\u0000${c.environment}`, c]));
  const run = (id: string) => `/p/${slug}/executions/${id}`;
  return (
    <section className={`card ${styles.section}`} data-testid="deployed-where">
      <div className={styles.sectionHead}>
        <h2>What is deployed where</h2>
        <span className="hint">The latest successful deployment of each service to each environment (all time)</span>
      </div>
      {error && <div className="banner banner-error" style={{ margin: 12 }}>{error}</div>}
      {!data ? (
        <div className={styles.empty}>Loading…</div>
      ) : data.services.length === 0 || data.environments.length === 0 ? (
        <div className={styles.empty} data-testid="deployed-where-empty">
          <strong>No services or environments yet.</strong>
          Define them under <Link href={`/p/${slug}/records`}>Services &amp; environments</Link>; each deployment a pipeline makes then shows
          here.
        </div>
      ) : (
        <div className={styles.matrixWrap}>
          <table className="table" data-testid="deployed-where-matrix">
            <thead>
              <tr>
                <th>Service</th>
                {data.environments.map((e) => <th key={e.name}>{e.name}{e.type === "PRODUCTION" && <span className="badge" style={{ marginLeft: 6 }}>prod</span>}</th>)}
              </tr>
            </thead>
            <tbody>
              {data.services.map((s) => (
                <tr key={s}>
                  <td><strong>{s}</strong></td>
                  {data.environments.map((e) => {
                    const c = cells.get(`${s}\u0000${e.name}`);
                    if (!c) return <td key={e.name} className={`muted ${styles.cell}`} data-testid="deployed-cell-empty">—</td>;
                    return (
                      <td key={e.name} className={styles.cell} data-testid="deployed-cell" data-service={s} data-environment={e.name}>
                        <Link href={run(c.executionId)} className={styles.version} title="Open the run">{c.version}</Link>
                        <div className="hint"><Time value={c.finishedAt} />{c.by ? ` · ${c.by}` : ""}</div>
                        {c.failedLater && <div className={styles.failedLater} title={c.failedLater.cause}>⚠ failed later: {c.failedLater.cause}</div>}
                        {c.lastAttempt && (
                          <div className={styles.attempt}>
                            later attempt <Link href={run(c.lastAttempt.executionId)}>{c.lastAttempt.version}</Link> <StatusBadge status={c.lastAttempt.status} />
                          </div>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          {data.cells.length === 0 && (
            <div className={styles.empty} data-testid="deployed-where-none">
              <strong>Nothing deployed yet.</strong>
              Each cell fills with the version, time, author and run of the latest successful deployment when a pipeline stage deploys that
              service to that environment.
            </div>
          )}
        </div>
      )}
    </section>
  );
}
