import type { Tx } from "../db";

/** All records of a project, for the records page and the editor's reference checks. */
export async function listRecords(o: { db: Tx; projectId: string }) {
  const where = { projectId: o.projectId };
  const orderBy = { name: "asc" } as const;
  const [services, environments, infrastructures] = await Promise.all([
    o.db.service.findMany({ where, orderBy, select: { id: true, name: true, description: true, type: true, spec: true, updatedAt: true } }),
    o.db.environment.findMany({ where, orderBy, select: { id: true, name: true, description: true, type: true, variables: true, policy: true, updatedAt: true } }),
    o.db.infrastructure.findMany({ where, orderBy, select: { id: true, name: true, description: true, type: true, spec: true, updatedAt: true, environment: { select: { name: true } } } }),
  ]);
  return { services, environments, infrastructures: infrastructures.map(({ environment, ...i }) => ({ ...i, environment: environment.name })) };
}
