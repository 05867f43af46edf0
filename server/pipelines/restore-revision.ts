import type { Db } from "../db";
import type { AuditActor } from "../audit/record-audit";
import type { RequestInfo } from "../context";
import { getRevision } from "./list-revisions";
import { savePipelineRevision } from "./save-pipeline-revision";

/** Restoring is saving again: the old text becomes a new revision (history is never rewritten). */
export async function restoreRevision(o: { db: Db; projectId: string; pipelineId: string; number: number; baseRevision: number; userId: string; actor: AuditActor; request?: RequestInfo }) {
  const old = await getRevision({ db: o.db, projectId: o.projectId, pipelineId: o.pipelineId, number: o.number });
  return savePipelineRevision({ ...o, yaml: old.yaml, message: `Restored revision ${o.number}` });
}
