/**
 * The services and environments a project's dashboards can be filtered by, and the deployed-where matrix's rows
 * and columns: the service and environment records, plus any names deployments carry that no record has any more
 * (a renamed or deleted record keeps its history). Environments: pre-production first, then production; by name.
 */
import type { Tx } from "../db";
import type { EnvironmentType } from "./types";

export async function filterOptions(db: Tx, projectId: string) {
  const [services, environments, deployed] = await Promise.all([
    db.service.findMany({ where: { projectId }, select: { name: true } }),
    db.environment.findMany({ where: { projectId }, select: { name: true, type: true } }),
    db.$queryRaw<{ service: string; environment: string; environmentType: string }[]>`
      SELECT DISTINCT ON (service, environment) service, environment, "environmentType"
      FROM "deployment" WHERE "projectId" = ${projectId}
      ORDER BY service, environment, "finishedAt" DESC`,
  ]);
  const envTypes = new Map<string, EnvironmentType>();
  for (const d of deployed) envTypes.set(d.environment, d.environmentType === "PRODUCTION" ? "PRODUCTION" : "PRE_PRODUCTION");
  for (const e of environments) envTypes.set(e.name, e.type);
  const rank = (t: EnvironmentType) => (t === "PRODUCTION" ? 1 : 0);
  return {
    services: [...new Set([...services.map((s) => s.name), ...deployed.map((d) => d.service)])].sort((a, b) => a.localeCompare(b)),
    environments: [...envTypes].map(([name, type]) => ({ name, type })).sort((a, b) => rank(a.type) - rank(b.type) || a.name.localeCompare(b.name)),
  };
}
