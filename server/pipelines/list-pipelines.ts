import type { Tx } from "../db";

/** Active pipelines of a project with their newest revision's author and time, newest change first. */
export async function listPipelines(o: { db: Tx; projectId: string }) {
  const rows = await o.db.pipeline.findMany({
    where: { projectId: o.projectId, deletedAt: null },
    orderBy: { updatedAt: "desc" },
    select: {
      id: true,
      name: true,
      description: true,
      headRevision: true,
      updatedAt: true,
      revisions: { orderBy: { number: "desc" }, take: 1, select: { createdAt: true, message: true, author: { select: { name: true } } } },
    },
  });
  return rows.map(({ revisions, ...p }) => ({ ...p, lastRevision: revisions[0] ?? null }));
}
