/**
 * Counts, success rate and duration of the deployments that ENDED in [from, to), overall, by service and by
 * environment (one query, GROUPING SETS).
 *
 *   success rate = SUCCESS ÷ (SUCCESS + FAILED + ROLLED_BACK). ABORTED ones are left out: someone stopped them,
 *                  which says nothing about the change. A success later found bad still counts here (it ran
 *                  successfully); it counts in the change failure rate instead.
 *   duration     = finishedAt − startedAt of SUCCESSFUL deployments (failed ones often stop early and would make
 *                  deployments look faster than they are); p50 / p90 with percentile_cont (interpolated).
 */
import { Prisma } from "~/generated/prisma/client";
import type { Tx } from "../db";
import { millisBetween, scopeWhere } from "./sql";
import type { DashboardScope } from "./types";

/** GROUPING(x) is 1 when the row aggregates over every x. */
type Row = { service: string | null; environment: string | null; allServices: number; allEnvironments: number; total: number; success: number; failed: number; rolledBack: number; aborted: number; failedLater: number; p50: number | null; p90: number | null };

export type DeploymentCounts = Omit<Row, "service" | "environment" | "allServices" | "allEnvironments"> & { successRate: number | null };

export async function deploymentStats(db: Tx, scope: DashboardScope) {
  const duration = millisBetween(Prisma.sql`d."finishedAt"`, Prisma.sql`d."startedAt"`);
  const rows = await db.$queryRaw<Row[]>`
    SELECT d.service, d.environment, GROUPING(d.service)::int AS "allServices", GROUPING(d.environment)::int AS "allEnvironments",
      count(*)::int AS total,
      count(*) FILTER (WHERE d.status = 'SUCCESS')::int AS success,
      count(*) FILTER (WHERE d.status = 'FAILED')::int AS failed,
      count(*) FILTER (WHERE d.status = 'ROLLED_BACK')::int AS "rolledBack",
      count(*) FILTER (WHERE d.status = 'ABORTED')::int AS aborted,
      count(*) FILTER (WHERE d.status = 'SUCCESS' AND d."failedLaterAt" IS NOT NULL)::int AS "failedLater",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY ${duration}) FILTER (WHERE d.status = 'SUCCESS') AS p50,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY ${duration}) FILTER (WHERE d.status = 'SUCCESS') AS p90
    FROM "deployment" d
    WHERE ${scopeWhere(scope, "d")}
    GROUP BY GROUPING SETS ((), (d.service), (d.environment))`;

  const counts = ({ service: _s, environment: _e, allServices: _as, allEnvironments: _ae, ...r }: Row): DeploymentCounts => {
    const decided = r.success + r.failed + r.rolledBack;
    return { ...r, successRate: decided ? r.success / decided : null };
  };
  const overall = rows.find((r) => r.allServices === 1 && r.allEnvironments === 1);
  const empty: DeploymentCounts = { total: 0, success: 0, failed: 0, rolledBack: 0, aborted: 0, failedLater: 0, p50: null, p90: null, successRate: null };
  return {
    overall: overall ? counts(overall) : empty,
    byService: rows.filter((r) => r.allServices === 0).map((r) => ({ service: r.service!, ...counts(r) })).sort((a, b) => b.total - a.total || a.service.localeCompare(b.service)),
    byEnvironment: rows.filter((r) => r.allEnvironments === 0).map((r) => ({ environment: r.environment!, ...counts(r) })).sort((a, b) => b.total - a.total || a.environment.localeCompare(b.environment)),
  };
}
