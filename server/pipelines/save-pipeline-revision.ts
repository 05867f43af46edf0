import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import { recordAudit, type AuditActor } from "../audit/record-audit";
import type { RequestInfo } from "../context";
import { assertPipelineNameFree } from "./pipeline-name";
import { parsePipelineOrThrow } from "./parse-pipeline-or-throw";

export type SavePipelineRevisionOptions = {
  db: Db;
  projectId: string;
  pipelineId: string;
  yaml: string;
  message: string;
  /** The revision the user's edit started from. If someone saved since, the save is refused as a conflict. */
  baseRevision: number;
  userId: string;
  actor: AuditActor;
  request?: RequestInfo;
};

/**
 * Saves the YAML as a new revision. All or nothing: invalid documents are refused before the transaction, and a
 * stale base revision is refused with the newer revision attached (never a silent overwrite).
 */
export async function savePipelineRevision(o: SavePipelineRevisionOptions) {
  const { spec } = parsePipelineOrThrow(o.yaml);
  const message = o.message.trim() || "Update pipeline";
  return o.db.$transaction(async (tx) => {
    const pipeline = await tx.pipeline.findFirst({ where: { id: o.pipelineId, projectId: o.projectId, deletedAt: null }, select: { id: true, name: true, headRevision: true } });
    if (!pipeline) throw new AppError("NOT_FOUND", "Pipeline not found", { field: "pipelineId" });
    if (pipeline.headRevision !== o.baseRevision) throw await conflict(tx, o.pipelineId, pipeline.headRevision, o.baseRevision);
    if (spec.name !== pipeline.name) await assertPipelineNameFree(tx, o.projectId, spec.name, pipeline.id);
    const number = pipeline.headRevision + 1;
    // Conditional update: if another save committed between our read and here, zero rows change.
    const moved = await tx.pipeline.updateMany({
      where: { id: pipeline.id, headRevision: pipeline.headRevision },
      data: { headRevision: number, name: spec.name, description: spec.description ?? "" },
    });
    if (moved.count !== 1) throw await conflict(tx, o.pipelineId, number, o.baseRevision);
    const revision = await tx.pipelineRevision.create({
      data: { pipelineId: pipeline.id, number, yaml: o.yaml, spec: spec as object, authorId: o.userId, message },
      select: { id: true, number: true, createdAt: true, message: true },
    });
    await recordAudit(tx, {
      actor: o.actor,
      action: "pipeline.save",
      projectId: o.projectId,
      target: { type: "pipeline", id: pipeline.id },
      summary: { revision: number, message, ...(spec.name !== pipeline.name ? { renamedFrom: pipeline.name, renamedTo: spec.name } : {}) },
      request: o.request,
    });
    return revision;
  });
}

async function conflict(tx: Tx, pipelineId: string, head: number, base: number) {
  const theirs = await tx.pipelineRevision.findUnique({
    where: { pipelineId_number: { pipelineId, number: head } },
    select: { number: true, yaml: true, message: true, createdAt: true, author: { select: { name: true, email: true } } },
  });
  return new AppError("CONFLICT", `Revision ${head} was saved after you started editing revision ${base}`, {
    userMessage: `Someone saved revision ${head}${theirs?.author ? ` (${theirs.author.name})` : ""} while you were editing revision ${base}. Review their changes before saving.`,
    details: { headRevision: head, baseRevision: base, theirs },
  });
}
