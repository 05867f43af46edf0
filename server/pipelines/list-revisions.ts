import type { Tx } from "../db";
import { AppError } from "../errors";

/** Revision history, newest first: number, author, time and message (not the YAML; open one for that). */
export async function listRevisions(o: { db: Tx; projectId: string; pipelineId: string }) {
  const pipeline = await o.db.pipeline.findFirst({ where: { id: o.pipelineId, projectId: o.projectId }, select: { id: true } });
  if (!pipeline) throw new AppError("NOT_FOUND", "Pipeline not found", { field: "pipelineId" });
  return o.db.pipelineRevision.findMany({
    where: { pipelineId: pipeline.id },
    orderBy: { number: "desc" },
    select: { number: true, message: true, createdAt: true, author: { select: { name: true, email: true } } },
  });
}

/** One revision with its YAML, for read-only viewing and diffs. */
export async function getRevision(o: { db: Tx; projectId: string; pipelineId: string; number: number }) {
  const revision = await o.db.pipelineRevision.findFirst({
    where: { number: o.number, pipeline: { id: o.pipelineId, projectId: o.projectId } },
    select: { number: true, yaml: true, message: true, createdAt: true, author: { select: { name: true, email: true } } },
  });
  if (!revision) throw new AppError("NOT_FOUND", `Revision ${o.number} not found`, { field: "number" });
  return revision;
}
