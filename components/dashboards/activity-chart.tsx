"use client";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import type { RouterOutputs } from "../executions/types";
import styles from "./dashboards.module.css";
import { formatBucket, SERIES_COLOURS } from "./format";

type Activity = RouterOutputs["dashboard"]["summary"]["activity"];

/** Deployments per hour or day, stacked by environment or by service (recharts). */
export function ActivityChart({ activity, stack, onStack }: { activity: Activity | undefined; stack: "environment" | "service"; onStack: (s: "environment" | "service") => void }) {
  const keys = activity ? (stack === "environment" ? activity.environments : activity.services) : [];
  const data = activity?.buckets.map((b) => ({ label: formatBucket(b.at, activity.unit), at: b.at.toISOString(), ...(stack === "environment" ? b.byEnvironment : b.byService) })) ?? [];
  const total = activity?.buckets.reduce((s, b) => s + b.total, 0) ?? 0;
  return (
    <section className={`card ${styles.section}`} data-testid="activity-chart">
      <div className={styles.sectionHead}>
        <h2>Deployments over time <span className="hint">per {activity?.unit ?? "day"}</span></h2>
        <div className={styles.segmented} role="group" aria-label="Stack by">
          <button type="button" aria-pressed={stack === "environment"} onClick={() => onStack("environment")}>By environment</button>
          <button type="button" aria-pressed={stack === "service"} onClick={() => onStack("service")}>By service</button>
        </div>
      </div>
      {!activity ? (
        <div className={styles.empty}>Loading…</div>
      ) : total === 0 ? (
        <div className={styles.empty} data-testid="activity-empty">
          <strong>No deployment ended in this range.</strong>
          A deployment is recorded each time a pipeline stage that deploys a service to an environment finishes — run a pipeline with a
          deploy stage (the demo pipeline has one), or widen the range.
        </div>
      ) : (
        <div className={styles.chart}>
          <BarChart responsive style={{ width: "100%", height: 260 }} data={data} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e6e9ee" />
            <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={16} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {keys.map((k, i) => (
              <Bar key={k} dataKey={k} stackId="d" fill={SERIES_COLOURS[i % SERIES_COLOURS.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        </div>
      )}
    </section>
  );
}
