import type { RegisterRequest, RegisterResponse } from "@slipway/pipeline-spec/protocol";
import type { Db } from "../db";
import { recordAudit } from "../audit/record-audit";
import type { DelegateCaller } from "./authenticate";
import { redispatchQueued } from "./dispatch";
import { DELEGATE_TIMINGS } from "./timings";

/**
 * A delegate process introduces itself: a new instance row under its token. Tasks it says it is still running
 * (it lost its instance, not its work) move to the new instance when they belong to the same token, so a
 * reconnect never orphans a running step. Queued steps are re-offered: there is new capacity.
 */
export async function registerDelegate(o: { db: Db; caller: DelegateCaller; body: RegisterRequest; ip: string | null }): Promise<RegisterResponse> {
  return o.db.$transaction(async (tx) => {
    const d = await tx.delegate.create({
      data: { tokenId: o.caller.tokenId, name: o.body.name, hostname: o.body.hostname, version: o.body.version, tags: o.body.tags, kinds: o.body.kinds, maxTasks: o.body.maxTasks, status: "CONNECTED" },
      select: { id: true },
    });
    if (o.body.runningTaskIds.length) {
      await tx.stepRun.updateMany({ where: { id: { in: o.body.runningTaskIds }, status: "RUNNING", delegate: { tokenId: o.caller.tokenId } }, data: { delegateId: d.id } });
    }
    await tx.delegateToken.update({ where: { id: o.caller.tokenId }, data: { lastUsedAt: new Date() } });
    await recordAudit(tx, { actor: { type: "delegate", id: d.id, label: o.body.name }, action: "delegate.register", target: { type: "delegate", id: d.id }, summary: { token: o.caller.tokenName, tags: o.body.tags, maxTasks: o.body.maxTasks, version: o.body.version }, request: { ip: o.ip, userAgent: null } });
    await redispatchQueued(tx);
    const t = DELEGATE_TIMINGS;
    return { delegateId: d.id, heartbeatIntervalMs: t.heartbeatIntervalMs, leaseTtlMs: t.leaseTtlMs, pollIntervalMs: t.pollIntervalMs, streamKeepaliveMs: t.streamPingMs, selfFenceAfterMs: t.selfFenceAfterMs, serverTime: Date.now() };
  });
}

/** Liveness: refreshes the delegate, and names tasks it runs that it should not (cancelled, or no longer its). */
export async function delegateHeartbeat(o: { db: Db; delegateId: string; runningTaskIds: string[] }) {
  const before = await o.db.delegate.findUniqueOrThrow({ where: { id: o.delegateId }, select: { status: true } });
  await o.db.delegate.update({ where: { id: o.delegateId }, data: { lastHeartbeatAt: new Date(), status: "CONNECTED" } });
  if (before.status !== "CONNECTED") await o.db.$transaction((tx) => redispatchQueued(tx));
  if (!o.runningTaskIds.length) return { ok: true as const, stopTaskIds: [] };
  const mine = await o.db.stepRun.findMany({ where: { id: { in: o.runningTaskIds }, delegateId: o.delegateId, status: "RUNNING", cancelRequested: false }, select: { id: true } });
  const keep = new Set(mine.map((m) => m.id));
  return { ok: true as const, stopTaskIds: o.runningTaskIds.filter((id) => !keep.has(id)) };
}
