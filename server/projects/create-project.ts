import type { Db } from "../db";
import { fromPrismaUnique } from "../errors";
import { recordAudit, type AuditActor } from "../audit/record-audit";
import type { RequestInfo } from "../context";

/** Creates a project; its creator becomes its Admin. */
export async function createProject(o: { db: Db; slug: string; name: string; description?: string; userId: string; actor: AuditActor; request?: RequestInfo }) {
  return o.db.$transaction(async (tx) => {
    const project = await tx.project
      .create({
        data: { slug: o.slug, name: o.name, description: o.description ?? "", memberships: { create: { userId: o.userId, role: "ADMIN" } } },
        select: { id: true, slug: true, name: true },
      })
      .catch((e: unknown) => fromPrismaUnique(e, "slug", `A project with slug "${o.slug}"`));
    await recordAudit(tx, { actor: o.actor, action: "project.create", projectId: project.id, target: { type: "project", id: project.id }, summary: { slug: o.slug, name: o.name }, request: o.request });
    return project;
  });
}
