/**
 * The sweep, every 2 s on one studio replica at a time (a self-rescheduling job with a single key): leases that
 * ran out (the delegate died: its attempt fails, and the step's strategy decides about a retry), delegates that
 * went silent (LOST: no new work; queued steps are offered elsewhere), timers that are due (backstop for the
 * wake-up jobs), and fresh placement reasons for queued steps.
 *
 * Grace after start: a studio that was down could not renew anyone's lease; for one lease period after the
 * process starts it does not expire leases or mark delegates lost, giving delegates time to come back.
 */
import type { Db } from "../db";
import { allocateCursor } from "./events";
import { lockExecution } from "./load-state";
import { enqueueReconcile } from "./queue";
import { redispatchQueued } from "../delegates/dispatch";
import { DELEGATE_TIMINGS } from "../delegates/timings";
import { logger } from "../logger";

const processStartedAt = Date.now();
export const SWEEP_INTERVAL_MS = 2_000;

export async function sweep(db: Db, now = Date.now()): Promise<{ expired: number; lost: number; due: number }> {
  const graceOver = now - processStartedAt > DELEGATE_TIMINGS.leaseTtlMs;
  let expired = 0;
  let lost = 0;
  if (graceOver) {
    const stale = await db.stepRun.findMany({ where: { status: "RUNNING", leaseExpiresAt: { lt: new Date(now) } }, select: { id: true, executionId: true, delegate: { select: { name: true } } } });
    for (const s of stale) if (await expireLease(db, s.id, s.executionId, s.delegate?.name ?? "unknown", now)) expired++;
    const gone = await db.delegate.updateMany({ where: { status: "CONNECTED", lastHeartbeatAt: { lt: new Date(now - DELEGATE_TIMINGS.lostAfterMs) } }, data: { status: "LOST" } });
    lost = gone.count;
  }
  const due = await db.stepRun.findMany({
    where: { waitUntil: { lte: new Date(now) }, status: { in: ["PENDING", "WAITING", "APPROVAL_REQUIRED", "INTERVENTION_REQUIRED"] }, execution: { status: { notIn: ["SUCCESS", "FAILED", "ABORTED", "ROLLED_BACK"] } } },
    select: { executionId: true },
    distinct: ["executionId"],
  });
  await db.$transaction(async (tx) => {
    for (const d of due) await enqueueReconcile(tx, d.executionId);
    await redispatchQueued(tx);
  });
  if (expired || lost) logger().info({ expired, lost }, "sweep");
  return { expired, lost, due: due.length };
}

async function expireLease(db: Db, stepRunId: string, executionId: string, delegateName: string, now: number): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await lockExecution(tx, executionId);
    const message = `delegate ${delegateName} stopped responding (its lease on the task expired)`;
    const done = await tx.stepRun.updateMany({ where: { id: stepRunId, status: "RUNNING", leaseExpiresAt: { lt: new Date(now) } }, data: { status: "FAILED", outcome: "failure", message, finishedAt: new Date(now), leaseExpiresAt: null } });
    if (!done.count) return false;
    const cursor = await allocateCursor(tx, executionId, 1);
    const step = await tx.stepRun.findUniqueOrThrow({ where: { id: stepRunId }, select: { stageId: true } });
    await tx.executionEvent.create({ data: { executionId, cursor, scope: "step", stageId: step.stageId, stepRunId, from: "RUNNING", to: "FAILED", cause: message } });
    await enqueueReconcile(tx, executionId);
    return true;
  });
}
