/**
 * Delegate health for the dashboards: every delegate process (organisation-wide) with its state — connected or
 * lost (a CONNECTED row whose heartbeat is older than the lost-after timeout is reported LOST, as on the
 * delegates page) — last heartbeat, tasks in flight and version. Tokens are not included.
 */
import type { Db } from "../db";
import { listDelegates } from "../delegates/list-delegates";

export async function delegateHealth(db: Db) {
  const { delegates } = await listDelegates({ db });
  return {
    connected: delegates.filter((d) => d.status === "CONNECTED").length,
    lost: delegates.filter((d) => d.status === "LOST").length,
    delegates: delegates.map((d) => ({ id: d.id, name: d.name, hostname: d.hostname, status: d.status, streamOpen: d.streamOpen, lastHeartbeatAt: d.lastHeartbeatAt, connectedAt: d.connectedAt, running: d.running, maxTasks: d.maxTasks, version: d.version, tags: d.tags })),
  };
}
