/**
 * Where a multi-host or multi-phase step stands, reported by its delegate while it works (per-host lanes for
 * SSH, phase and weights for ECS). Kept as the step's latest progress, numbered with the execution's cursor so
 * browsers' streams pick it up in order.
 */
import type { Progress } from "@slipway/pipeline-spec/protocol";
import type { Db } from "../db";
import { allocateCursor } from "../engine/events";
import { lockExecutionOfStep } from "../engine/load-state";
import { DelegateProtocolError } from "./protocol-error";
import { requireLease } from "./task-lease";

export async function reportProgress(o: { db: Db; delegateId: string; taskId: string; fencingToken: number; progress: Progress }) {
  return o.db.$transaction(async (tx) => {
    if (!(await lockExecutionOfStep(tx, o.taskId))) throw new DelegateProtocolError("not_found", "no such task");
    const step = await requireLease(tx, o.taskId, o.delegateId, o.fencingToken);
    if (step.status !== "RUNNING") throw new DelegateProtocolError("lease_lost", `the task is ${step.status.toLowerCase()}`);
    const cursor = await allocateCursor(tx, step.executionId, 1);
    await tx.stepRun.update({ where: { id: step.id }, data: { progress: o.progress, progressCursor: cursor } });
    return { ok: true as const };
  });
}
