/**
 * One stream per execution page: every transition and every log chunk after the client's cursor, in cursor order
 * (commit order), as SSE with `id: <cursor>` so a reconnecting EventSource resumes exactly (Last-Event-ID).
 * Rows are stored before they are streamed; a NOTIFY only says "read again". The viewer's session and role are
 * re-checked every few seconds: signing out or losing access closes the stream.
 */
import type { Db } from "../db";
import { subscribe } from "../realtime/pg-listener";
import { createWaker, type SseWriter } from "../realtime/sse";

const BATCH = 500;
const RECHECK_MS = 5_000;

export async function runExecutionStream(o: { db: Db; executionId: string; after: bigint; w: SseWriter; stillAllowed: () => Promise<boolean> }) {
  const { db, executionId, w } = o;
  const waker = createWaker(w.signal);
  const unsub = subscribe("slipway_execution", executionId, waker.wake);
  let cursor = o.after;
  let checkedAt = Date.now();
  try {
    while (!w.closed) {
      await waker.wait(2_000);
      if (w.closed) break;
      if (Date.now() - checkedAt > RECHECK_MS) {
        checkedAt = Date.now();
        if (!(await o.stillAllowed())) {
          w.send({ event: "denied", data: { reason: "your session ended or you lost access" } });
          break;
        }
      }
      for (;;) {
        const [events, chunks] = await Promise.all([
          db.executionEvent.findMany({ where: { executionId, cursor: { gt: cursor } }, orderBy: { cursor: "asc" }, take: BATCH }),
          db.logChunk.findMany({ where: { executionId, cursor: { gt: cursor } }, orderBy: { cursor: "asc" }, take: BATCH, select: { cursor: true, stepRunId: true, firstLine: true, stream: true, lane: true, lines: true, ts: true } }),
        ]);
        const progress = await db.stepRun.findMany({ where: { executionId, progressCursor: { gt: cursor } }, select: { id: true, progress: true, progressCursor: true } });
        if (!events.length && !chunks.length && !progress.length) break;
        // Both lists are complete up to the smaller of their last cursors; send the merge up to there.
        const limit = [events.length === BATCH ? events.at(-1)!.cursor : null, chunks.length === BATCH ? chunks.at(-1)!.cursor : null].filter((c): c is bigint => c !== null).reduce<bigint | null>((m, c) => (m === null || c < m ? c : m), null);
        const steps = await db.stepRun.findMany({ where: { id: { in: events.map((e) => e.stepRunId).filter((x): x is string => !!x) } }, select: { id: true, stepId: true, attempt: true, inRollback: true, type: true, message: true, outcome: true, delegate: { select: { name: true } } } });
        const byId = new Map(steps.map((s) => [s.id, s]));
        const merged = [
          ...events.map((e) => ({ cursor: e.cursor, kind: "transition" as const, e })),
          ...chunks.map((c) => ({ cursor: c.cursor, kind: "log" as const, c })),
          ...progress.map((p) => ({ cursor: p.progressCursor!, kind: "progress" as const, p })),
        ]
          .filter((x) => limit === null || x.cursor <= limit)
          .sort((a, b) => (a.cursor < b.cursor ? -1 : 1));
        for (const m of merged) {
          if (m.kind === "transition") {
            const s = m.e.stepRunId ? byId.get(m.e.stepRunId) : undefined;
            w.send({ id: m.cursor, event: "transition", data: { cursor: m.cursor, at: m.e.at, scope: m.e.scope, stageId: m.e.stageId, stepRunId: m.e.stepRunId, from: m.e.from, to: m.e.to, cause: m.e.cause, ...(s ? { step: { stepId: s.stepId, attempt: s.attempt, inRollback: s.inRollback, type: s.type, message: s.message, outcome: s.outcome, delegate: s.delegate?.name ?? null } } : {}) } });
          } else if (m.kind === "progress") {
            w.send({ id: m.cursor, event: "progress", data: { cursor: m.cursor, stepRunId: m.p.id, progress: m.p.progress } });
          } else {
            w.send({ id: m.cursor, event: "log", data: { cursor: m.cursor, stepRunId: m.c.stepRunId, firstLine: m.c.firstLine, stream: m.c.stream, lane: m.c.lane, lines: m.c.lines, ts: m.c.ts.getTime() } });
          }
          cursor = m.cursor;
        }
        if (w.closed) break;
      }
    }
  } finally {
    unsub();
  }
}
