/**
 * The runs behind a dashboard figure, newest first: the deployments that ENDED in [from, to) in the scope, all of
 * them or the subset a tile counts —
 *   "all"                   every deployment (activity counts, success rate, duration)
 *   "production-success"    successful production deployments (deployment frequency, lead time)
 *   "production-failures"   production change failures: FAILED, ROLLED_BACK, or SUCCESS found bad later (change
 *                           failure rate, time to restore), each with the deployment that restored it, if any
 * — each with its execution, so every figure can be traced to its runs.
 */
import { Prisma } from "~/generated/prisma/client";
import type { Tx } from "../db";
import { millisBetween, scopeWhere } from "./sql";
import type { DashboardScope } from "./types";

export type DeploymentListKind = "all" | "production-success" | "production-failures";

const FAILED = Prisma.sql`(d.status IN ('FAILED', 'ROLLED_BACK') OR (d.status = 'SUCCESS' AND d."failedLaterAt" IS NOT NULL))`;

type Row = {
  id: string; executionId: string; service: string; environment: string; environmentType: string; status: string; version: string;
  startedAt: Date; finishedAt: Date; durationMs: number; leadTimeMs: number; failedLaterAt: Date | null; failedLaterCause: string | null;
  by: string | null; restoredAt: Date | null; restoredByExecutionId: string | null; total: number;
};

export async function listDeployments(db: Tx, scope: DashboardScope, o: { kind: DeploymentListKind; skip: number; take: number }) {
  const production = o.kind !== "all";
  const extra = o.kind === "production-success" ? Prisma.sql`AND d.status = 'SUCCESS'` : o.kind === "production-failures" ? Prisma.sql`AND ${FAILED}` : Prisma.empty;
  const rows = await db.$queryRaw<Row[]>`
    SELECT d.id, d."executionId", d.service, d.environment, d."environmentType", d.status, d.version, d."startedAt", d."finishedAt",
      ${millisBetween(Prisma.sql`d."finishedAt"`, Prisma.sql`d."startedAt"`)} AS "durationMs",
      ${millisBetween(Prisma.sql`d."finishedAt"`, Prisma.sql`d."changeAt"`)} AS "leadTimeMs",
      d."failedLaterAt", d."failedLaterCause", coalesce(nullif(u.name, ''), u.email) AS by,
      r."finishedAt" AS "restoredAt", r."executionId" AS "restoredByExecutionId",
      (count(*) OVER ())::int AS total
    FROM "deployment" d
    LEFT JOIN "user" u ON u.id = d."triggeredById"
    LEFT JOIN LATERAL (
      SELECT n."finishedAt", n."executionId" FROM "deployment" n
      WHERE d."environmentType" = 'PRODUCTION' AND ${FAILED}
        AND n."projectId" = d."projectId" AND n.service = d.service AND n.environment = d.environment
        AND n."environmentType" = 'PRODUCTION' AND n.status = 'SUCCESS' AND n."failedLaterAt" IS NULL AND n."finishedAt" > d."finishedAt"
      ORDER BY n."finishedAt" ASC
      LIMIT 1
    ) r ON true
    WHERE ${scopeWhere(scope, "d", { production })} ${extra}
    ORDER BY d."finishedAt" DESC, d.id DESC
    OFFSET ${o.skip} LIMIT ${o.take}`;
  return { total: rows[0]?.total ?? (o.skip ? await countOnly(db, scope, production, extra) : 0), rows: rows.map(({ total: _t, ...r }) => r) };
}

async function countOnly(db: Tx, scope: DashboardScope, production: boolean, extra: Prisma.Sql) {
  const [r] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "deployment" d WHERE ${scopeWhere(scope, "d", { production })} ${extra}`;
  return r?.n ?? 0;
}
