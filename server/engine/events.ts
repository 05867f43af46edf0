/**
 * Execution events: every transition with time and cause, numbered by the execution's cursor in commit order
 * (the cursor is bumped under the execution's row lock), then a NOTIFY so browsers' streams wake up. The same
 * cursor numbers log chunks, so one Last-Event-ID resumes both.
 */
import type { Tx } from "../db";
import type { Transition } from "./working";

export const EXECUTION_CHANNEL = "slipway_execution";

/**
 * Reserves `n` cursor values for the execution; returns the first. Must run inside the execution's transaction.
 * Whatever takes cursor values stores events or log chunks for the browsers, so the same statement also queues the
 * execution's NOTIFY (delivered only when the transaction commits, like notifyExecution: one round trip, not two).
 */
export async function allocateCursor(tx: Tx, executionId: string, n: number): Promise<bigint> {
  const rows = await tx.$queryRaw<{ cursor: bigint }[]>`UPDATE "execution" SET cursor = cursor + ${n} WHERE id = ${executionId} RETURNING cursor, length(pg_notify(${EXECUTION_CHANNEL}, id)::text) AS notified`;
  if (!rows[0]) throw new Error(`execution ${executionId} not found`);
  return rows[0].cursor - BigInt(n) + 1n;
}

export async function recordTransitions(tx: Tx, executionId: string, transitions: Transition[], actorId: string | null = null): Promise<void> {
  if (!transitions.length) return;
  const first = await allocateCursor(tx, executionId, transitions.length);
  await tx.executionEvent.createMany({
    data: transitions.map((t, i) => ({
      executionId,
      cursor: first + BigInt(i),
      scope: t.scope,
      stageId: t.stageId ?? null,
      stepRunId: t.scope === "step" ? t.id : null,
      from: t.from,
      to: t.to,
      cause: t.cause.slice(0, 2000),
      actorId,
    })),
  });
  // allocateCursor queued the NOTIFY.
}

/** Delivered when the transaction commits (PostgreSQL holds NOTIFYs until then), so listeners never see uncommitted rows. */
export async function notifyExecution(tx: Tx, executionId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${EXECUTION_CHANNEL}, ${executionId})`;
}
