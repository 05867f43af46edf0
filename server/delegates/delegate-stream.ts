/**
 * The delegate's notification stream (GET /api/delegate/v1/stream): hello, then every delegate_event after the
 * client's Last-Event-ID (or, on a fresh connection, the tasks currently offered to it), then new events as they
 * are notified. The stream closes as soon as the token is revoked or the delegate removed (a `revoked` event is
 * sent first). While at least one stream is open the delegate is marked streamOpen, for the health page.
 */
import type { Db } from "../db";
import { subscribe } from "../realtime/pg-listener";
import { createWaker, type SseWriter } from "../realtime/sse";
import { offeredTo } from "./dispatch";
import { DELEGATE_TIMINGS } from "./timings";

/**
 * How long a transaction may hold a delegate_event it inserted before it commits (the reconcile's 30 s transaction
 * timeout, plus margin for clocks of other replicas). Event ids come from a sequence, so they are handed out in
 * insert order but become visible in commit order: an offer can commit after a higher id was already sent. Reading
 * only `id > last sent` skipped it for good (the delegate never heard of that step; found by
 * bench/dispatch-latency.bench.ts once the delegate stopped polling after every task). So each read covers every id
 * above a low-water mark that trails the sent ids by this long, minus the ids already sent.
 */
const IN_FLIGHT_MS = 40_000;

type EventRow = { id: bigint; type: string; payload: unknown };

export async function runDelegateStream(o: { db: Db; delegateId: string; tokenId: string; lastEventId: string | null; w: SseWriter }) {
  const { db, delegateId, w } = o;
  const waker = createWaker(w.signal);
  const unsub = subscribe("slipway_delegate", delegateId, waker.wake);
  await db.delegate.update({ where: { id: delegateId }, data: { streamOpen: true, lastHeartbeatAt: new Date(), status: "CONNECTED" } });
  try {
    const resumeFrom = o.lastEventId && /^\d+$/.test(o.lastEventId) ? BigInt(o.lastEventId) : null;
    let cursor: bigint = resumeFrom ?? 0n;
    if (resumeFrom === null) {
      // A fresh connection has nothing to replay: start after the newest event and offer what is claimable now.
      const newest = await db.delegateEvent.findFirst({ where: { delegateId }, orderBy: { id: "desc" }, select: { id: true } });
      cursor = newest?.id ?? 0n;
      w.send({ id: cursor, event: "hello", data: { type: "hello", delegateId, serverTime: Date.now() } });
      for (const t of await db.$transaction((tx) => offeredTo(tx, delegateId))) w.send({ id: cursor, event: "task.offered", data: { type: "task.offered", ...t } });
    } else {
      w.send({ id: cursor, event: "hello", data: { type: "hello", delegateId, serverTime: Date.now() } });
    }
    // Ids up to `cursor` count as delivered (replayed above, or by the client's Last-Event-ID) — except those still
    // in flight: everything committed before IN_FLIGHT_MS ago is settled, the ids after it that exist now are known.
    const settled = await db.delegateEvent.findFirst({ where: { delegateId, id: { lte: cursor }, createdAt: { lt: new Date(Date.now() - IN_FLIGHT_MS) } }, orderBy: { id: "desc" }, select: { id: true } });
    let lowWater = settled?.id ?? 0n;
    const sent = new Set<bigint>((await db.delegateEvent.findMany({ where: { delegateId, id: { gt: lowWater, lte: cursor } }, select: { id: true } })).map((e) => e.id));
    /** (time, cursor) pairs: once IN_FLIGHT_MS has passed since one, nothing at or below its cursor can still appear. */
    const marks: { at: number; cursor: bigint }[] = [];
    while (!w.closed) {
      await waker.wait(DELEGATE_TIMINGS.streamPingMs);
      if (w.closed) break;
      const now = Date.now();
      if (!marks.length || now - marks.at(-1)!.at >= 1_000) marks.push({ at: now, cursor });
      while (marks.length && now - marks[0]!.at >= IN_FLIGHT_MS) lowWater = marks.shift()!.cursor;
      for (const id of sent) if (id <= lowWater) sent.delete(id);
      // Side by side: this read is on the way of every offer to the delegate.
      const [token, events] = await Promise.all([
        db.delegateToken.findUnique({ where: { id: o.tokenId }, select: { revokedAt: true } }),
        db.$queryRaw<EventRow[]>`
          SELECT id, type, payload FROM "delegate_event"
          WHERE "delegateId" = ${delegateId} AND id > ${lowWater} AND NOT (id = ANY(${[...sent].map(String)}::bigint[]))
          ORDER BY id LIMIT 500`,
      ]);
      for (const e of events) {
        sent.add(e.id);
        if (e.id > cursor) cursor = e.id;
        // A late one carries the highest id sent so far: Last-Event-ID must never move backwards.
        w.send({ id: cursor, event: e.type, data: e.payload });
      }
      if (token?.revokedAt || events.some((e) => e.type === "revoked")) {
        if (!events.some((e) => e.type === "revoked")) w.send({ id: cursor, event: "revoked", data: { type: "revoked", reason: "the delegate token was revoked" } });
        break;
      }
    }
  } finally {
    unsub();
    await db.delegate.update({ where: { id: delegateId }, data: { streamOpen: false } }).catch(() => undefined);
  }
}
