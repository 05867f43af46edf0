"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";
import { StatusBadge } from "../executions/format";
import { Time } from "../ui/time";
import styles from "./dashboards.module.css";

/** Organisation-wide delegate health: connected or lost, last heartbeat, tasks in flight, version. */
export function DelegateHealth({ allowed }: { allowed: boolean }) {
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.dashboard.delegates.queryOptions(), enabled: allowed, refetchInterval: 5_000 });
  const d = list.data;
  return (
    <section className={`card ${styles.section}`} data-testid="delegate-health">
      <div className={styles.sectionHead}>
        <h2>Delegate health</h2>
        <span className="hint">{d ? `${d.connected} connected · ${d.lost} lost` : "Delegates are organisation-wide"}</span>
      </div>
      {!allowed ? (
        <div className={styles.empty}>Delegates are shared by the whole organisation; their health is shown to users with an organisation role.</div>
      ) : list.error ? (
        <div className="banner banner-error" style={{ margin: 12 }}>{appErrorOf(list.error).message}</div>
      ) : (
        <table className="table">
          <thead><tr><th>Delegate</th><th>Status</th><th>Last heartbeat</th><th className={styles.num}>Tasks in flight</th><th>Version</th></tr></thead>
          <tbody>
            {d?.delegates.map((x) => (
              <tr key={x.id} data-testid="delegate-health-row">
                <td><strong>{x.name}</strong><div className="hint">{x.hostname}</div></td>
                <td><StatusBadge status={x.status} />{x.status === "CONNECTED" && !x.streamOpen && <div className="hint">polling (stream down)</div>}</td>
                <td className="muted"><Time value={x.lastHeartbeatAt} /></td>
                <td className={styles.num}>{x.running}/{x.maxTasks}</td>
                <td className="mono">{x.version || "—"}</td>
              </tr>
            ))}
            {d?.delegates.length === 0 && (
              <tr><td colSpan={5} className="muted">No delegate has connected. Delegates run the steps; create a token and start one on the <Link href="/settings/delegates">Delegates</Link> page.</td></tr>
            )}
            {list.isLoading && <tr><td colSpan={5} className="muted">Loading…</td></tr>}
          </tbody>
        </table>
      )}
    </section>
  );
}
