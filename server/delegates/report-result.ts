/**
 * A delegate reports how a task ended. Refused until every log chunk it sent is stored (no line may be lost
 * because the result overtook it). Idempotent for a repeated report. The failure strategy is not applied here:
 * the reconcile it queues decides (retry, ignore, rollback, …).
 */
import type { ResultRequest } from "@slipway/pipeline-spec/protocol";
import type { Db, Tx } from "../db";
import { allocateCursor } from "../engine/events";
import { lockExecutionOfStep } from "../engine/load-state";
import { enqueueReconcile } from "../engine/queue";
import { redispatchQueued } from "./dispatch";
import { pinLearnedHostKeys } from "./pin-host-keys";
import { DelegateProtocolError } from "./protocol-error";
import { requireLease } from "./task-lease";

/** Whether the delegate was running its maximum before this result (its RUNNING rows still count the step). */
async function wasAtCapacity(tx: Tx, delegateId: string): Promise<boolean> {
  const [d] = await tx.$queryRaw<{ maxTasks: number; running: number }[]>`
    SELECT d."maxTasks", (SELECT count(*)::int FROM "step_run" s WHERE s."delegateId" = d.id AND s.status = 'RUNNING') AS running
    FROM "delegate" d WHERE d.id = ${delegateId}`;
  // +1: the step reported here was RUNNING a moment ago, in this transaction.
  return !d || d.running + 1 >= d.maxTasks;
}

const STATUS = { success: "SUCCESS", failure: "FAILED", timedOut: "FAILED", cancelled: "ABORTED" } as const;

export async function reportResult(o: { db: Db; delegateId: string; delegateName: string; taskId: string; body: ResultRequest }) {
  return o.db.$transaction(async (tx) => {
    if (!(await lockExecutionOfStep(tx, o.taskId))) throw new DelegateProtocolError("not_found", "no such task");
    const step = await requireLease(tx, o.taskId, o.delegateId, o.body.fencingToken, { forUpdate: true });
    const status = STATUS[o.body.outcome];
    if (step.status !== "RUNNING") {
      if (step.outcome === o.body.outcome) return { ok: true as const }; // a repeat of a result we already have
      throw new DelegateProtocolError("lease_lost", `the task is already ${step.status.toLowerCase()}`);
    }
    if (o.body.lastLogSeq !== step.logSeq) throw new DelegateProtocolError("logs_incomplete", `log chunks up to ${o.body.lastLogSeq} were sent, ${step.logSeq} are stored`, step.logSeq + 1);
    await tx.stepRun.update({
      where: { id: step.id },
      data: { status, outcome: o.body.outcome, exitCode: o.body.exitCode, message: o.body.message, outputs: o.body.outputs, finishedAt: new Date(), leaseExpiresAt: null },
    });
    await pinLearnedHostKeys(tx, step.id, o.body.outputs);
    const cursor = await allocateCursor(tx, step.executionId, 1);
    const cause = `${o.body.outcome} on delegate ${o.delegateName}${o.body.message ? `: ${o.body.message}` : ""}`;
    await tx.executionEvent.create({ data: { executionId: step.executionId, cursor, scope: "step", stageId: step.stageId, stepRunId: step.id, from: "RUNNING", to: status, cause: cause.slice(0, 2000) } });
    await enqueueReconcile(tx, step.executionId);
    // Freed capacity makes a difference only to a delegate that was full: then re-offer queued steps (it was left
    // out of their placements). Otherwise it was eligible for them and already offered them; re-evaluating every
    // queued step here rewrote their placements on each result and held their rows against concurrent claims.
    // The sweep refreshes placement reasons every 2 s either way.
    if (await wasAtCapacity(tx, o.delegateId)) await redispatchQueued(tx);
    return { ok: true as const };
  });
}
