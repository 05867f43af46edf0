/**
 * The delegate's event stream against PostgreSQL: events whose transactions commit out of id order (an offer that
 * took its id first but committed after a later one was already sent) still reach the delegate, each once.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "~/test-support/db";
import { createUser } from "~/test-support/factories";
import { fakeDelegate } from "~/test-support/fake-delegate";
import type { SseWriter } from "../realtime/sse";
import { ensureListening } from "../realtime/pg-listener";
import { runDelegateStream } from "./delegate-stream";
import { sendDelegateEvent } from "./dispatch";

const { db } = useTestDatabase();
beforeAll(async () => {
  await createUser(db); // the fake delegate's token needs a creator
  await ensureListening();
});

async function until<T>(what: string, fn: () => T | null | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A writer that records what the stream sent. */
function recorder() {
  const done = new AbortController();
  const frames: { id?: string; event?: string; data: { taskId?: string } }[] = [];
  const w: SseWriter = {
    send: (f) => void frames.push({ id: f.id?.toString(), event: f.event, data: f.data as { taskId?: string } }),
    comment: () => undefined,
    close: () => done.abort(),
    get closed() {
      return done.signal.aborted;
    },
    signal: done.signal,
  };
  return { w, frames, offers: () => frames.filter((f) => f.event === "task.offered").map((f) => f.data.taskId) };
}

let stop: (() => void) | null = null;
afterAll(() => stop?.());

describe("delegate event stream", () => {
  it("delivers an event that commits after a higher id was already sent, once, without moving Last-Event-ID back", async () => {
    const d = await fakeDelegate(db, { name: "stream" });
    const token = await db.delegate.findUniqueOrThrow({ where: { id: d.id }, select: { tokenId: true } });
    const r = recorder();
    stop = () => r.w.close();
    const running = runDelegateStream({ db, delegateId: d.id, tokenId: token.tokenId, lastEventId: null, w: r.w });
    await until("hello", () => r.frames.some((f) => f.event === "hello"));

    // The slow transaction takes the lower id and holds it uncommitted while a later one commits and is sent.
    let release!: () => void;
    const held = new Promise<void>((res) => (release = res));
    let inserted!: () => void;
    const lowerInserted = new Promise<void>((res) => (inserted = res));
    const slow = db.$transaction(
      async (tx) => {
        await sendDelegateEvent(tx, d.id, "task.offered", { taskId: "slow", kind: "shell" });
        inserted();
        await held;
      },
      { timeout: 20_000 },
    );
    await lowerInserted;
    await db.$transaction((tx) => sendDelegateEvent(tx, d.id, "task.offered", { taskId: "fast", kind: "shell" }));
    await until("the later event", () => r.offers().includes("fast"));
    const fastId = r.frames.find((f) => f.data.taskId === "fast")!.id!;

    release();
    await slow;
    await until("the event that committed late", () => r.offers().includes("slow"));
    const late = r.frames.find((f) => f.data.taskId === "slow")!;
    expect(BigInt(late.id!)).toBeGreaterThanOrEqual(BigInt(fastId)); // never behind what the client already has

    // Later wake-ups send neither again.
    await db.$transaction((tx) => sendDelegateEvent(tx, d.id, "task.offered", { taskId: "after", kind: "shell" }));
    await until("a later event", () => r.offers().includes("after"));
    expect(r.offers().filter((t) => t === "slow" || t === "fast").sort()).toEqual(["fast", "slow"]);

    r.w.close();
    await running;
    stop = null;
  });
});
