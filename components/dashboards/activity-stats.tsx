"use client";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import type { RouterOutputs } from "../executions/types";
import styles from "./dashboards.module.css";
import { formatPercent, formatSpan } from "./format";

type Stats = RouterOutputs["dashboard"]["summary"]["stats"];

/**
 * Deployment count, success rate and duration p50/p90 for the range, then `children` (the chart), then the same
 * figures per service or environment.
 */
export function ActivityStats({ stats, runsHref, children }: { stats: Stats | undefined; runsHref: string; children?: ReactNode }) {
  const [by, setBy] = useState<"service" | "environment">("service");
  const o = stats?.overall;
  const tiles = [
    { key: "deployments", label: "Deployments", value: o ? String(o.total) : "…", foot: o ? `${o.success} succeeded · ${o.failed + o.rolledBack} failed · ${o.aborted} aborted` : "" },
    { key: "success-rate", label: "Success rate", value: formatPercent(o?.successRate), foot: "Succeeded of those that succeeded, failed or rolled back" },
    { key: "duration-p50", label: "Duration p50", value: formatSpan(o?.p50), foot: "Median of successful deployments (stage start to end)" },
    { key: "duration-p90", label: "Duration p90", value: formatSpan(o?.p90), foot: "9 in 10 successful deployments took at most this" },
  ];
  const rows = stats ? (by === "service" ? stats.byService.map((r) => ({ name: r.service, ...r })) : stats.byEnvironment.map((r) => ({ name: r.environment, ...r }))) : [];
  return (
    <>
      <div className={styles.tiles} data-testid="activity-tiles">
        {tiles.map((t) => (
          <div key={t.key} className={`card ${styles.tile}`} data-testid={`stat-${t.key}`}>
            <div className={styles.tileLabel}><span>{t.label}</span>{t.key === "deployments" && <Link href={runsHref} className={styles.tileLink}>Runs →</Link>}</div>
            <div className={styles.tileValue}>{t.value}</div>
            <div className={styles.tileDefinition}>{t.foot}</div>
          </div>
        ))}
      </div>
      {children}
      <section className={`card ${styles.section}`} data-testid="activity-breakdown">
        <div className={styles.sectionHead}>
          <h2>By {by}</h2>
          <div className={styles.segmented} role="group" aria-label="Break down by">
            <button type="button" aria-pressed={by === "service"} onClick={() => setBy("service")}>Service</button>
            <button type="button" aria-pressed={by === "environment"} onClick={() => setBy("environment")}>Environment</button>
          </div>
        </div>
        <table className="table">
          <thead>
            <tr><th>{by === "service" ? "Service" : "Environment"}</th><th className={styles.num}>Deployments</th><th className={styles.num}>Succeeded</th><th className={styles.num}>Failed</th><th className={styles.num}>Rolled back</th><th className={styles.num}>Aborted</th><th className={styles.num}>Success rate</th><th className={styles.num}>p50</th><th className={styles.num}>p90</th></tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name}>
                <td>{r.name}</td>
                <td className={styles.num}>{r.total}</td>
                <td className={styles.num}>{r.success}</td>
                <td className={styles.num}>{r.failed}</td>
                <td className={styles.num}>{r.rolledBack}</td>
                <td className={styles.num}>{r.aborted}</td>
                <td className={styles.num}>{formatPercent(r.successRate)}</td>
                <td className={styles.num}>{formatSpan(r.p50)}</td>
                <td className={styles.num}>{formatSpan(r.p90)}</td>
              </tr>
            ))}
            {stats && rows.length === 0 && <tr><td colSpan={9} className="muted">No deployment ended in this range.</td></tr>}
          </tbody>
        </table>
      </section>
    </>
  );
}
