/**
 * The four DORA keys for PRODUCTION environments (Deployment.environmentType = PRODUCTION, frozen at deploy time),
 * from deployment rows the engine writes — no manual tagging. Over production deployments that ENDED in
 * [from, to), with the optional service / environment filters:
 *
 *   deployment frequency  successful deployments ÷ days in the range (a success later found bad still was a
 *                         deployment).
 *   lead time for changes median (percentile_cont 0.5) of finishedAt − changeAt over successful deployments.
 *                         changeAt is the commit time the trigger gave, else its artifact time, else the execution
 *                         start (record-deployment.ts); `leadTimeSource` says how many came from which.
 *   change failure rate   (FAILED + ROLLED_BACK + SUCCESS with failedLaterAt) ÷ (SUCCESS + FAILED + ROLLED_BACK).
 *                         ABORTED deployments are in neither: a person stopped them before they could fail or
 *                         succeed. failedLaterAt may be set after `to` (an alarm firing later): the deployment
 *                         still counts as a failure in the range it ended in.
 *   time to restore       see time-to-restore.ts.
 */
import { Prisma } from "~/generated/prisma/client";
import type { Tx } from "../db";
import { doraBand } from "./dora-bands";
import { millisBetween, scopeWhere } from "./sql";
import { timeToRestore } from "./time-to-restore";
import type { DashboardScope } from "./types";

type Row = { successes: number; leadP50: number | null; leadP90: number | null; fromCommit: number; fromArtifact: number; fromStart: number; decided: number; failures: number; failedLater: number };

export async function doraMetrics(db: Tx, scope: DashboardScope) {
  const lead = millisBetween(Prisma.sql`d."finishedAt"`, Prisma.sql`d."changeAt"`);
  const [rows, restore] = await Promise.all([
    db.$queryRaw<Row[]>`
      SELECT
        count(*) FILTER (WHERE d.status = 'SUCCESS')::int AS successes,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY ${lead}) FILTER (WHERE d.status = 'SUCCESS') AS "leadP50",
        percentile_cont(0.9) WITHIN GROUP (ORDER BY ${lead}) FILTER (WHERE d.status = 'SUCCESS') AS "leadP90",
        count(*) FILTER (WHERE d.status = 'SUCCESS' AND e."triggerInfo" ->> 'commitTime' IS NOT NULL)::int AS "fromCommit",
        count(*) FILTER (WHERE d.status = 'SUCCESS' AND e."triggerInfo" ->> 'commitTime' IS NULL AND e."triggerInfo" ->> 'artifactTime' IS NOT NULL)::int AS "fromArtifact",
        count(*) FILTER (WHERE d.status = 'SUCCESS' AND e."triggerInfo" ->> 'commitTime' IS NULL AND e."triggerInfo" ->> 'artifactTime' IS NULL)::int AS "fromStart",
        count(*) FILTER (WHERE d.status IN ('SUCCESS', 'FAILED', 'ROLLED_BACK'))::int AS decided,
        count(*) FILTER (WHERE d.status IN ('FAILED', 'ROLLED_BACK') OR (d.status = 'SUCCESS' AND d."failedLaterAt" IS NOT NULL))::int AS failures,
        count(*) FILTER (WHERE d.status = 'SUCCESS' AND d."failedLaterAt" IS NOT NULL)::int AS "failedLater"
      FROM "deployment" d
      LEFT JOIN "execution" e ON e.id = d."executionId"
      WHERE ${scopeWhere(scope, "d", { production: true })}`,
    timeToRestore(db, scope),
  ]);
  const r = rows[0]!;
  const days = (scope.to.getTime() - scope.from.getTime()) / 86_400_000;
  const perDay = r.successes / days;
  const cfr = r.decided ? r.failures / r.decided : null;
  return {
    deploymentFrequency: { perDay, deployments: r.successes, days, band: r.successes ? doraBand("deploymentFrequency", perDay) : null },
    leadTime: { medianMs: r.leadP50, p90Ms: r.leadP90, deployments: r.successes, source: { commit: r.fromCommit, artifact: r.fromArtifact, executionStart: r.fromStart }, band: doraBand("leadTime", r.leadP50) },
    changeFailureRate: { rate: cfr, failures: r.failures, failedLater: r.failedLater, deployments: r.decided, band: doraBand("changeFailureRate", cfr) },
    timeToRestore: { ...restore, band: doraBand("timeToRestore", restore.medianMs) },
  };
}
