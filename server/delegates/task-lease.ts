/**
 * Calls about a claimed task must come from the delegate holding its lease, with its fencing token, while the
 * attempt is still RUNNING. Anything else is `lease_lost`: the delegate stops that work and reports nothing.
 */
import type { Tx } from "../db";
import type { StepStatus } from "~/generated/prisma/client";
import { DelegateProtocolError } from "./protocol-error";

type LeaseRow = { id: string; executionId: string; stageId: string; stepId: string; status: StepStatus; delegateId: string | null; fencingToken: number | null; logSeq: number; logLines: number; cancelRequested: boolean; cancelReason: string | null; outcome: string | null };

export async function requireLease(tx: Tx, taskId: string, delegateId: string, fencingToken: number, opts: { forUpdate?: boolean } = {}): Promise<LeaseRow> {
  // With forUpdate, the row is locked and read in one statement (logs and results: every one of them comes here).
  const step = opts.forUpdate
    ? (
        await tx.$queryRaw<LeaseRow[]>`
          SELECT id, "executionId", "stageId", "stepId", status::text AS status, "delegateId", "fencingToken", "logSeq", "logLines", "cancelRequested", "cancelReason", outcome
          FROM "step_run" WHERE id = ${taskId} FOR UPDATE`
      )[0]
    : await tx.stepRun.findUnique({
        where: { id: taskId },
        select: { id: true, executionId: true, stageId: true, stepId: true, status: true, delegateId: true, fencingToken: true, logSeq: true, logLines: true, cancelRequested: true, cancelReason: true, outcome: true },
      });
  if (!step) throw new DelegateProtocolError("not_found", "no such task");
  if (step.delegateId !== delegateId || step.fencingToken !== fencingToken) throw new DelegateProtocolError("lease_lost", "this delegate no longer holds the task (another claim or an expired lease)");
  return step;
}
