import { setTopLevelString } from "@slipway/pipeline-spec/edit-scalar";
import type { Db } from "../db";
import { AppError } from "../errors";
import type { AuditActor } from "../audit/record-audit";
import type { RequestInfo } from "../context";
import { savePipelineRevision } from "./save-pipeline-revision";
import { getPipeline } from "./get-pipeline";

/**
 * The document's `name` is the pipeline's name, so renaming is a revision that changes exactly the bytes of that
 * scalar (comments and layout elsewhere are untouched). One source of truth; the history shows the rename.
 */
export async function renamePipeline(o: { db: Db; projectId: string; pipelineId: string; name: string; userId: string; actor: AuditActor; request?: RequestInfo }) {
  const current = await getPipeline(o);
  const yaml = setTopLevelString(current.head.yaml, "name", o.name);
  if (yaml === null) throw new AppError("PRECONDITION_FAILED", "The pipeline document has no top-level `name` to change");
  return savePipelineRevision({ ...o, yaml, baseRevision: current.headRevision, message: `Renamed to "${o.name}"` });
}
