/**
 * What is deployed where: for every service × environment, the latest SUCCESSFUL deployment (all time, by
 * finishedAt) — version, when, by whom, its execution, and whether it was later found bad (failedLaterAt). When a
 * later attempt did not succeed (failed, rolled back, aborted), that attempt is given too: what runs is still the
 * last success, but someone tried to change it.
 */
import { Prisma } from "~/generated/prisma/client";
import type { Tx } from "../db";
import { filterOptions } from "./filter-options";

type Row = { id: string; service: string; environment: string; environmentType: string; status: string; version: string; executionId: string; startedAt: Date; finishedAt: Date; failedLaterAt: Date | null; failedLaterCause: string | null; byName: string | null; byEmail: string | null };

export type DeployedCell = {
  deploymentId: string;
  version: string;
  executionId: string;
  finishedAt: Date;
  by: string | null;
  failedLater: { at: Date; cause: string } | null;
  lastAttempt: { status: string; executionId: string; finishedAt: Date; version: string } | null;
};

export async function deployedWhere(db: Tx, o: { projectId: string; service?: string; environment?: string }) {
  const [options, latestSuccess, latestAttempt] = await Promise.all([
    filterOptions(db, o.projectId),
    latest(db, o.projectId, true),
    latest(db, o.projectId, false),
  ]);
  const attempts = new Map(latestAttempt.map((r) => [`${r.service}\u0000${r.environment}`, r]));
  const cells: ({ service: string; environment: string } & DeployedCell)[] = latestSuccess.map((r) => {
    const a = attempts.get(`${r.service}\u0000${r.environment}`);
    return {
      service: r.service,
      environment: r.environment,
      deploymentId: r.id,
      version: r.version,
      executionId: r.executionId,
      finishedAt: r.finishedAt,
      by: r.byName || r.byEmail,
      failedLater: r.failedLaterAt ? { at: r.failedLaterAt, cause: r.failedLaterCause ?? "" } : null,
      lastAttempt: a && a.id !== r.id && a.finishedAt > r.finishedAt ? { status: a.status, executionId: a.executionId, finishedAt: a.finishedAt, version: a.version } : null,
    };
  });
  const keep = (s: string, e: string) => (!o.service || s === o.service) && (!o.environment || e === o.environment);
  return {
    services: options.services.filter((s) => !o.service || s === o.service),
    environments: options.environments.filter((e) => !o.environment || e.name === o.environment),
    cells: cells.filter((c) => keep(c.service, c.environment)),
  };
}

function latest(db: Tx, projectId: string, successOnly: boolean) {
  return db.$queryRaw<Row[]>`
    SELECT DISTINCT ON (d.service, d.environment) d.id, d.service, d.environment, d."environmentType", d.status, d.version, d."executionId",
      d."startedAt", d."finishedAt", d."failedLaterAt", d."failedLaterCause", u.name AS "byName", u.email AS "byEmail"
    FROM "deployment" d
    LEFT JOIN "user" u ON u.id = d."triggeredById"
    WHERE d."projectId" = ${projectId} ${successOnly ? Prisma.sql`AND d.status = 'SUCCESS'` : Prisma.empty}
    ORDER BY d.service, d.environment, d."finishedAt" DESC, d.id DESC`;
}
