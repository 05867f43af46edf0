/**
 * Offers queued steps to eligible delegates and tells delegates to stop tasks. Both are notifications (rows in
 * delegate_event, replayable by Last-Event-ID, plus a NOTIFY that wakes the studio replica holding the delegate's
 * stream). They are hints: a delegate claims work with an idempotent request, and its poll of /tasks/offered
 * computes offers from the step table, so a lost notification delays nothing for long.
 */
import type { Tx } from "../db";
import { loadDelegate, loadDelegates, place, type Placement } from "./placement";

export const DELEGATE_CHANNEL = "slipway_delegate";

export async function sendDelegateEvent(tx: Tx, delegateId: string, type: string, payload: Record<string, unknown>): Promise<void> {
  await tx.delegateEvent.create({ data: { delegateId, type, payload: { type, ...payload } } });
  await tx.$executeRaw`SELECT pg_notify(${DELEGATE_CHANNEL}, ${delegateId})`;
}

/**
 * Offers each queued step to its eligible delegates and stores why the others were not chosen. With `onlyChanges`
 * (the periodic re-dispatch), delegates that were already offered the step are not notified again.
 */
export async function offerTasks(tx: Tx, stepRunIds: string[], onlyChanges = false): Promise<void> {
  if (!stepRunIds.length) return;
  const steps = await tx.stepRun.findMany({ where: { id: { in: stepRunIds }, status: "QUEUED" }, select: { id: true, selectors: true, type: true, placement: true } });
  const delegates = await loadDelegates(tx);
  for (const step of steps) {
    const placement = place(step.selectors, delegates, Date.now(), step.type);
    const before = step.placement as Placement | null;
    const same = before && JSON.stringify(before.delegates) === JSON.stringify(placement.delegates);
    if (onlyChanges && same) continue;
    await tx.stepRun.update({ where: { id: step.id }, data: { placement } });
    for (const id of placement.eligible) {
      if (onlyChanges && before?.eligible.includes(id)) continue;
      await sendDelegateEvent(tx, id, "task.offered", { taskId: step.id, kind: step.type });
    }
  }
}

export async function cancelTasks(tx: Tx, cancels: { id: string; reason: string }[]): Promise<void> {
  const steps = await tx.stepRun.findMany({ where: { id: { in: cancels.map((c) => c.id) } }, select: { id: true, delegateId: true } });
  for (const step of steps) {
    if (!step.delegateId) continue;
    const reason = cancels.find((c) => c.id === step.id)?.reason ?? "cancelled";
    await sendDelegateEvent(tx, step.delegateId, "task.cancel", { taskId: step.id, reason });
  }
}

/** Queued steps a given delegate may claim now (its poll, and the offers replayed when it connects). */
export async function offeredTo(tx: Tx, delegateId: string, limit = 50) {
  const [me] = await loadDelegate(tx, delegateId);
  if (!me) return [];
  const queued = await tx.stepRun.findMany({ where: { status: "QUEUED" }, orderBy: { queuedAt: "asc" }, take: 500, select: { id: true, selectors: true, type: true } });
  return queued.filter((s) => place(s.selectors, [me], Date.now(), s.type).eligible.length === 1).slice(0, limit).map((s) => ({ taskId: s.id, kind: s.type }));
}

/** Re-evaluates every queued step (a delegate connected, freed capacity, or was lost): new offers, fresh reasons. */
export async function redispatchQueued(tx: Tx): Promise<number> {
  const queued = await tx.stepRun.findMany({ where: { status: "QUEUED" }, select: { id: true } });
  await offerTasks(tx, queued.map((q) => q.id), true);
  return queued.length;
}
