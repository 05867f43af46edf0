/**
 * Deployments over time: how many deployments ENDED in each hour (ranges up to 3 days) or day (longer ranges) of
 * [from, to), cut in the viewer's time zone, split by environment and by service, with successes and failures
 * (FAILED + ROLLED_BACK). Empty buckets are present, so a chart shows gaps as zero.
 */
import { Prisma } from "~/generated/prisma/client";
import type { Tx } from "../db";
import { instant, scopeWhere } from "./sql";
import type { DashboardScope } from "./types";

export type BucketUnit = "hour" | "day";
export type ActivityBucket = { at: Date; total: number; success: number; failed: number; aborted: number; byEnvironment: Record<string, number>; byService: Record<string, number> };

const HOURLY_UP_TO_MS = 3 * 86_400_000;

export async function deploymentsOverTime(db: Tx, scope: DashboardScope) {
  const unit: BucketUnit = scope.to.getTime() - scope.from.getTime() <= HOURLY_UP_TO_MS ? "hour" : "day";
  const tz = scope.timeZone ?? "UTC";
  const local = (utcWallTime: Prisma.Sql) => Prisma.sql`((${utcWallTime}) AT TIME ZONE 'UTC' AT TIME ZONE ${tz})`;
  const rows = await db.$queryRaw<{ at: number; environment: string | null; service: string | null; status: string | null; n: number }[]>`
    WITH series AS (
      SELECT generate_series(date_trunc(${unit}, ${local(instant(scope.from))}), ${local(instant(scope.to))} - interval '1 microsecond', ${`1 ${unit}`}::interval) AS b
    ), d AS (
      SELECT date_trunc(${unit}, ${local(Prisma.sql`d."finishedAt"`)}) AS b, d.environment, d.service, d.status
      FROM "deployment" d
      WHERE ${scopeWhere(scope, "d")}
    )
    SELECT (extract(epoch FROM (s.b AT TIME ZONE ${tz})) * 1000)::float8 AS at, d.environment, d.service, d.status, count(d.status)::int AS n
    FROM series s LEFT JOIN d ON d.b = s.b
    GROUP BY s.b, d.environment, d.service, d.status
    ORDER BY s.b`;

  const buckets = new Map<number, ActivityBucket>();
  const environments = new Set<string>();
  const services = new Set<string>();
  for (const r of rows) {
    let b = buckets.get(r.at);
    if (!b) buckets.set(r.at, (b = { at: new Date(r.at), total: 0, success: 0, failed: 0, aborted: 0, byEnvironment: {}, byService: {} }));
    if (!r.status || !r.environment || !r.service) continue;
    b.total += r.n;
    if (r.status === "SUCCESS") b.success += r.n;
    else if (r.status === "FAILED" || r.status === "ROLLED_BACK") b.failed += r.n;
    else if (r.status === "ABORTED") b.aborted += r.n;
    b.byEnvironment[r.environment] = (b.byEnvironment[r.environment] ?? 0) + r.n;
    b.byService[r.service] = (b.byService[r.service] ?? 0) + r.n;
    environments.add(r.environment);
    services.add(r.service);
  }
  return { unit, timeZone: tz, buckets: [...buckets.values()], environments: [...environments].sort(), services: [...services].sort() };
}
