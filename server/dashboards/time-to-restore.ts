/**
 * Time to restore, without tagging. A failed production deployment is one that ENDED in [from, to) as FAILED or
 * ROLLED_BACK, or a SUCCESS later found bad (failedLaterAt set: rolled back by redeploying, or a verification
 * alarm fired). It is restored by the next production deployment of the same service to the same environment
 * that succeeded and was not itself found bad later, at any time after it (also after `to`); its time to
 * restore is restorer.finishedAt − failed.finishedAt (from when the bad change went live, or failed). Failures
 * with no such deployment yet are "unrestored": counted, not guessed. The figure is the median
 * (percentile_cont 0.5) over restored failures; each failure counts, so two failures in a row restored by one
 * deployment are two restores.
 */
import type { Tx } from "../db";
import { scopeWhere } from "./sql";
import type { DashboardScope } from "./types";

export async function timeToRestore(db: Tx, scope: DashboardScope) {
  const [row] = await db.$queryRaw<{ failures: number; restored: number; p50: number | null; p90: number | null }[]>`
    WITH f AS (
      SELECT (extract(epoch FROM (r."finishedAt" - d."finishedAt")) * 1000)::float8 AS ms
      FROM "deployment" d
      LEFT JOIN LATERAL (
        SELECT n."finishedAt" FROM "deployment" n
        WHERE n."projectId" = d."projectId" AND n.service = d.service AND n.environment = d.environment
          AND n."environmentType" = 'PRODUCTION' AND n.status = 'SUCCESS' AND n."failedLaterAt" IS NULL
          AND n."finishedAt" > d."finishedAt"
        ORDER BY n."finishedAt" ASC
        LIMIT 1
      ) r ON true
      WHERE ${scopeWhere(scope, "d", { production: true })}
        AND (d.status IN ('FAILED', 'ROLLED_BACK') OR (d.status = 'SUCCESS' AND d."failedLaterAt" IS NOT NULL))
    )
    SELECT count(*)::int AS failures, count(ms)::int AS restored,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY ms) AS p90
    FROM f`;
  const r = row ?? { failures: 0, restored: 0, p50: null, p90: null };
  return { failures: r.failures, restored: r.restored, unrestored: r.failures - r.restored, medianMs: r.p50, p90Ms: r.p90 };
}
