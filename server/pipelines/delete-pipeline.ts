import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type AuditActor } from "../audit/record-audit";
import type { RequestInfo } from "../context";

/** Soft delete: the pipeline disappears from lists, its name is free again, and its history stays for audit. */
export async function deletePipeline(o: { db: Db; projectId: string; pipelineId: string; actor: AuditActor; request?: RequestInfo }) {
  return o.db.$transaction(async (tx) => {
    const done = await tx.pipeline.updateMany({ where: { id: o.pipelineId, projectId: o.projectId, deletedAt: null }, data: { deletedAt: new Date() } });
    if (done.count !== 1) throw new AppError("NOT_FOUND", "Pipeline not found", { field: "pipelineId" });
    await recordAudit(tx, { actor: o.actor, action: "pipeline.delete", projectId: o.projectId, target: { type: "pipeline", id: o.pipelineId }, request: o.request });
    return { id: o.pipelineId };
  });
}
