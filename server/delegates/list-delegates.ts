import type { Db } from "../db";
import { DELEGATE_TIMINGS } from "./timings";

/** Tokens (never the token itself) and delegate processes with their health, for the delegates page. */
export async function listDelegates(o: { db: Db }) {
  const [tokens, delegates, running] = await Promise.all([
    o.db.delegateToken.findMany({ orderBy: { createdAt: "desc" }, select: { id: true, name: true, prefix: true, createdAt: true, revokedAt: true, lastUsedAt: true } }),
    o.db.delegate.findMany({ where: { OR: [{ status: { in: ["CONNECTED", "DISCONNECTED", "LOST"] } }, { lastHeartbeatAt: { gt: new Date(Date.now() - 86_400_000) } }] }, orderBy: { connectedAt: "desc" }, include: { token: { select: { name: true } } } }),
    o.db.stepRun.groupBy({ by: ["delegateId"], where: { status: "RUNNING" }, _count: true }),
  ]);
  const counts = new Map(running.map((r) => [r.delegateId, r._count]));
  const now = Date.now();
  return {
    tokens,
    delegates: delegates.map((d) => ({
      id: d.id,
      name: d.name,
      hostname: d.hostname,
      version: d.version,
      tags: d.tags,
      maxTasks: d.maxTasks,
      token: d.token.name,
      status: d.status === "CONNECTED" && now - d.lastHeartbeatAt.getTime() > DELEGATE_TIMINGS.lostAfterMs ? "LOST" : d.status,
      streamOpen: d.streamOpen,
      connectedAt: d.connectedAt,
      lastHeartbeatAt: d.lastHeartbeatAt,
      running: counts.get(d.id) ?? 0,
    })),
  };
}

export async function connectedDelegateCount(db: Db): Promise<number> {
  return db.delegate.count({ where: { status: "CONNECTED", lastHeartbeatAt: { gt: new Date(Date.now() - DELEGATE_TIMINGS.lostAfterMs) } } });
}
