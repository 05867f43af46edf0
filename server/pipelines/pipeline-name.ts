import type { Tx } from "../db";
import { AppError } from "../errors";

/**
 * Serialises name checks per project: the project row is locked for the rest of the transaction, so two creates or
 * renames to the same name cannot both pass. (A partial unique index would do it too, but Prisma cannot express one
 * and the schema must stay diffable.)
 */
export async function assertPipelineNameFree(tx: Tx, projectId: string, name: string, exceptPipelineId?: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "project" WHERE id = ${projectId} FOR UPDATE`;
  const clash = await tx.pipeline.findFirst({
    where: { projectId, name: { equals: name, mode: "insensitive" }, deletedAt: null, ...(exceptPipelineId ? { id: { not: exceptPipelineId } } : {}) },
    select: { id: true },
  });
  if (clash) throw new AppError("ALREADY_EXISTS", `A pipeline named "${name}" already exists in this project`, { field: "name" });
}
