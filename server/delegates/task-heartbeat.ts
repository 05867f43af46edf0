import type { Db } from "../db";
import { DelegateProtocolError } from "./protocol-error";
import { requireLease } from "./task-lease";
import { DELEGATE_TIMINGS } from "./timings";

/** Renews a task's lease; tells the delegate when the user (or a timeout) asked to stop the task. */
export async function renewTaskLease(o: { db: Db; delegateId: string; taskId: string; fencingToken: number }) {
  const step = await requireLease(o.db, o.taskId, o.delegateId, o.fencingToken);
  if (step.status !== "RUNNING") throw new DelegateProtocolError("lease_lost", `the task is ${step.status.toLowerCase()} on the studio side`);
  const expiresAt = Date.now() + DELEGATE_TIMINGS.leaseTtlMs;
  const renewed = await o.db.stepRun.updateMany({ where: { id: o.taskId, fencingToken: o.fencingToken, status: "RUNNING" }, data: { leaseExpiresAt: new Date(expiresAt) } });
  if (!renewed.count) throw new DelegateProtocolError("lease_lost", "the lease ended while renewing it");
  await o.db.delegate.update({ where: { id: o.delegateId }, data: { lastHeartbeatAt: new Date(), status: "CONNECTED" } });
  return { lease: { fencingToken: o.fencingToken, expiresAt }, cancel: step.cancelRequested, ...(step.cancelReason ? { cancelReason: step.cancelReason } : {}) };
}
