import { db } from "../db";
import { connectedDelegateCount } from "../delegates/list-delegates";

/**
 * Readiness for load balancers and scripts: 200 once the database answers. Deliberately unauthenticated and
 * deliberately terse (no versions, no hostnames).
 */
export async function checkHealth(): Promise<{ ok: boolean; body: Record<string, unknown> }> {
  const started = Date.now();
  try {
    await db().$queryRaw`SELECT 1`;
    const latencyMs = Date.now() - started;
    return { ok: true, body: { status: "ok", database: { status: "ok", latencyMs }, delegates: { connected: await connectedDelegateCount(db()) } } };
  } catch {
    return { ok: false, body: { status: "unavailable", database: { status: "unreachable" } } };
  }
}
