"use client";
import Link from "next/link";
import type { RouterOutputs } from "../executions/types";
import styles from "./dashboards.module.css";
import { formatFrequency, formatPercent, formatSpan, plural } from "./format";

type Dora = RouterOutputs["dashboard"]["summary"]["dora"];
type Tile = { key: string; label: string; value: string; band: string | null; definition: string; foot: string; runs: "production-success" | "production-failures" };

/** The four DORA keys for production environments, each with its band, a one-line definition and its runs. */
export function DoraTiles({ dora, runsHref }: { dora: Dora | undefined; runsHref: (kind: Tile["runs"]) => string }) {
  if (!dora) return <div className={styles.tiles} data-testid="dora-tiles">{[0, 1, 2, 3].map((i) => <div key={i} className={`card ${styles.tile}`}><span className="hint">Loading…</span></div>)}</div>;
  const { deploymentFrequency: f, leadTime: l, changeFailureRate: c, timeToRestore: t } = dora;
  const src = l.source;
  const sourceText =
    l.deployments === 0 ? "" : src.executionStart === l.deployments ? "from execution start (no trigger gave a commit or artifact time)" : src.executionStart === 0 ? "from commit or artifact time" : `from commit/artifact time for ${src.commit + src.artifact} of ${l.deployments}, execution start for ${src.executionStart}`;
  const tiles: Tile[] = [
    { key: "frequency", label: "Deployment frequency", value: f.deployments ? formatFrequency(f.perDay) : "—", band: f.band, definition: "Successful production deployments per day in the range.", foot: plural(f.deployments, "deployment"), runs: "production-success" },
    { key: "lead-time", label: "Lead time for changes", value: formatSpan(l.medianMs), band: l.band, definition: `Median time from change to live in production, ${sourceText || "from the commit or artifact time a trigger gives, else the execution start"}.`, foot: `p90 ${formatSpan(l.p90Ms)}`, runs: "production-success" },
    { key: "cfr", label: "Change failure rate", value: formatPercent(c.rate), band: c.band, definition: "Production deployments that failed, were rolled back, or were found bad later (alarm or redeploy), of all that ended (aborted ones excluded).", foot: `${c.failures} of ${c.deployments}${c.failedLater ? ` · ${c.failedLater} found bad later` : ""}`, runs: "production-failures" },
    { key: "ttr", label: "Time to restore", value: t.restored === 0 && t.unrestored > 0 ? "not restored" : formatSpan(t.medianMs), band: t.band, definition: "Median time from a failed production deployment to the next healthy one of the same service and environment.", foot: t.failures ? `${t.restored} restored${t.unrestored ? ` · ${t.unrestored} not yet` : ""}` : "no failures", runs: "production-failures" },
  ];
  const none = f.deployments === 0 && c.deployments === 0;
  return (
    <>
      <div className={styles.tiles} data-testid="dora-tiles">
        {tiles.map((tile) => (
          <div key={tile.key} className={`card ${styles.tile}`} data-testid={`dora-${tile.key}`}>
            <div className={styles.tileLabel}>
              <span>{tile.label}</span>
              <span className={styles.band} data-band={tile.band ?? "none"}>{tile.band ?? "no data"}</span>
            </div>
            <div className={styles.tileValue}>{tile.value}</div>
            <div className={styles.tileDefinition}>{tile.definition}</div>
            <div className={styles.tileFoot}>
              <span>{tile.foot}</span>
              <Link href={runsHref(tile.runs)} className={styles.tileLink}>Runs →</Link>
            </div>
          </div>
        ))}
      </div>
      {none && (
        <div className="banner banner-warn" style={{ marginTop: -8, marginBottom: 20 }} data-testid="dora-empty">
          No production deployment ended in this range. The DORA keys count deployments to environments of type Production: they are recorded
          when a pipeline stage that deploys a service to such an environment ends — no tagging needed.
        </div>
      )}
    </>
  );
}
