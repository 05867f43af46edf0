import type { Prisma } from "~/generated/prisma/client";
import type { Db } from "../db";

export type AuditFilter = { projectId?: string | null; action?: string; actor?: string; from?: Date; to?: Date };

export function auditWhere(f: AuditFilter): Prisma.AuditEventWhereInput {
  return {
    ...(f.projectId ? { projectId: f.projectId } : {}),
    ...(f.action ? { action: { startsWith: f.action } } : {}),
    ...(f.actor ? { actorLabel: { contains: f.actor, mode: "insensitive" } } : {}),
    ...(f.from || f.to ? { at: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lte: f.to } : {}) } } : {}),
  };
}

/** Newest first, paged by id (stable under concurrent appends). */
export async function listAudit(o: { db: Db; filter: AuditFilter; before?: string; take: number }) {
  const rows = await o.db.auditEvent.findMany({ where: { ...auditWhere(o.filter), ...(o.before ? { id: { lt: BigInt(o.before) } } : {}) }, orderBy: { id: "desc" }, take: o.take });
  return { events: rows.map((r) => ({ ...r, id: r.id.toString() })), next: rows.length === o.take ? rows.at(-1)!.id.toString() : null };
}
