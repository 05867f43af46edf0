import type { Tx } from "../db";
import { AppError } from "../errors";

/** A pipeline with its head revision's YAML (the editor's starting point) and saved layout. */
export async function getPipeline(o: { db: Tx; projectId: string; pipelineId: string }) {
  const pipeline = await o.db.pipeline.findFirst({
    where: { id: o.pipelineId, projectId: o.projectId, deletedAt: null },
    select: { id: true, name: true, description: true, headRevision: true, layout: true, createdAt: true, updatedAt: true },
  });
  if (!pipeline) throw new AppError("NOT_FOUND", "Pipeline not found", { field: "pipelineId" });
  const head = await o.db.pipelineRevision.findUnique({
    where: { pipelineId_number: { pipelineId: pipeline.id, number: pipeline.headRevision } },
    select: { number: true, yaml: true, message: true, createdAt: true, author: { select: { name: true, email: true } } },
  });
  if (!head) throw new AppError("NOT_FOUND", "The pipeline has no revision", { field: "pipelineId" });
  return { ...pipeline, layout: pipeline.layout as Record<string, { x: number; y: number }>, head };
}
