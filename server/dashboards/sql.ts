/**
 * SQL fragments shared by the dashboard reads. Deployment times are `timestamp(3)` columns holding UTC wall time,
 * so every instant passed in is turned into UTC wall time explicitly — never left to the session's TimeZone.
 */
import { Prisma } from "~/generated/prisma/client";
import type { DashboardScope } from "./types";

/** A JavaScript instant as the UTC wall time the deployment table stores. */
export function instant(d: Date): Prisma.Sql {
  return Prisma.sql`(${d.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}

/**
 * The WHERE conditions of a scope on the deployment table aliased `alias`: the project, deployments that ENDED in
 * [from, to), and the optional service / environment / environment-type filters (`production` forces PRODUCTION).
 */
export function scopeWhere(scope: DashboardScope, alias: string, o: { production?: boolean } = {}): Prisma.Sql {
  const a = Prisma.raw(`"${alias.replace(/"/g, "")}"`);
  const parts = [
    Prisma.sql`${a}."projectId" = ${scope.projectId}`,
    Prisma.sql`${a}."finishedAt" >= ${instant(scope.from)}`,
    Prisma.sql`${a}."finishedAt" < ${instant(scope.to)}`,
  ];
  if (scope.service) parts.push(Prisma.sql`${a}.service = ${scope.service}`);
  if (scope.environment) parts.push(Prisma.sql`${a}.environment = ${scope.environment}`);
  const type = o.production ? "PRODUCTION" : scope.environmentType;
  if (type) parts.push(Prisma.sql`${a}."environmentType" = ${type}`);
  return Prisma.join(parts, " AND ");
}

/** Milliseconds between two timestamp columns, as float8. */
export function millisBetween(later: Prisma.Sql, earlier: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(extract(epoch FROM (${later} - ${earlier})) * 1000)::float8`;
}
