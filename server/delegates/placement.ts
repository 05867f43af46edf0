/**
 * Which delegate may take a step: selectors (tags) → connected and healthy → capacity, the reference's order
 * (seed 001 "DelegateSelection"). Also says, for every delegate that was not eligible, why — shown beside a
 * queued step in the execution view, so "why is my step not running?" has an answer on screen.
 */
import type { Tx } from "../db";
import { DELEGATE_TIMINGS } from "./timings";

export type DelegateView = { id: string; name: string; tags: string[]; kinds: string[]; maxTasks: number; status: string; lastHeartbeatAt: Date; running: number };
export type Placement = { checkedAt: string; eligible: string[]; delegates: { id: string; name: string; eligible: boolean; reason: string }[] };

export async function loadDelegates(tx: Tx): Promise<DelegateView[]> {
  const [delegates, running] = await Promise.all([
    tx.delegate.findMany({ where: { status: { in: ["CONNECTED", "DISCONNECTED"] } }, select: { id: true, name: true, tags: true, kinds: true, maxTasks: true, status: true, lastHeartbeatAt: true } }),
    tx.stepRun.groupBy({ by: ["delegateId"], where: { status: "RUNNING", delegateId: { not: null } }, _count: true }),
  ]);
  const counts = new Map(running.map((r) => [r.delegateId, r._count]));
  return delegates.map((d) => ({ ...d, running: counts.get(d.id) ?? 0 }));
}

/** One delegate's view (or none when it is not active), counting only its own running steps: one round trip. */
export async function loadDelegate(tx: Tx, delegateId: string): Promise<DelegateView[]> {
  return tx.$queryRaw<DelegateView[]>`
    SELECT d.id, d.name, d.tags, d.kinds, d."maxTasks", d.status::text AS status, d."lastHeartbeatAt",
      (SELECT count(*)::int FROM "step_run" s WHERE s."delegateId" = d.id AND s.status = 'RUNNING') AS running
    FROM "delegate" d WHERE d.id = ${delegateId} AND d.status IN ('CONNECTED', 'DISCONNECTED')`;
}

export function place(selectors: string[], delegates: DelegateView[], now = Date.now(), kind?: string): Placement {
  const verdicts = delegates.map((d) => {
    if (kind && d.kinds.length && !d.kinds.includes(kind)) return { id: d.id, name: d.name, eligible: false, reason: `cannot run ${kind} steps (runs ${d.kinds.join(", ")})` };
    const missing = selectors.filter((s) => !d.tags.includes(s));
    if (missing.length) return { id: d.id, name: d.name, eligible: false, reason: `missing tag${missing.length > 1 ? "s" : ""} ${missing.join(", ")}` };
    const silentFor = now - d.lastHeartbeatAt.getTime();
    if (d.status !== "CONNECTED" || silentFor > DELEGATE_TIMINGS.lostAfterMs) return { id: d.id, name: d.name, eligible: false, reason: `not connected (last heard ${Math.round(silentFor / 1000)} s ago)` };
    if (d.running >= d.maxTasks) return { id: d.id, name: d.name, eligible: false, reason: `at capacity (${d.running}/${d.maxTasks} tasks)` };
    return { id: d.id, name: d.name, eligible: true, reason: `eligible (${d.running}/${d.maxTasks} tasks)` };
  });
  return { checkedAt: new Date(now).toISOString(), eligible: verdicts.filter((v) => v.eligible).map((v) => v.id), delegates: verdicts };
}
