/**
 * One LISTEN connection per studio process, fanned out in memory to the open SSE streams (delegates' and
 * browsers'). NOTIFY is only a wake-up: every stream re-reads the tables from its own cursor, so a notification
 * lost during a reconnect costs a short delay, never an event (streams also poll on a slow timer).
 * Lives on globalThis: Next gives route handlers separate module instances.
 */
import { EventEmitter } from "node:events";
import pg from "pg";
import { logger } from "../logger";

const CHANNELS = ["slipway_execution", "slipway_delegate"] as const;
export type Channel = (typeof CHANNELS)[number];

type Hub = { emitter: EventEmitter; client: pg.Client | null; connecting: Promise<void> | null };
const g = globalThis as unknown as { __slipwayHub?: Hub };

function hub(): Hub {
  if (!g.__slipwayHub) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    g.__slipwayHub = { emitter, client: null, connecting: null };
  }
  return g.__slipwayHub;
}

async function connect(h: Hub): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  client.on("notification", (n) => h.emitter.emit(`${n.channel}:${n.payload ?? ""}`));
  client.on("error", (err) => {
    logger().warn({ err }, "LISTEN connection lost; reconnecting");
    h.client = null;
    h.connecting = null;
    setTimeout(() => void ensureListening().catch(() => undefined), 1_000).unref();
  });
  await client.connect();
  for (const c of CHANNELS) await client.query(`LISTEN ${c}`);
  h.client = client;
  // Tell every stream to re-read: anything notified while we were not listening is caught up now.
  h.emitter.emit("reconnected");
}

export async function ensureListening(): Promise<void> {
  const h = hub();
  if (h.client) return;
  h.connecting ??= connect(h).catch((e) => {
    h.connecting = null;
    throw e;
  });
  await h.connecting;
}

/** Calls `onWake` whenever `channel` is notified for `key`, and after a LISTEN reconnect. Returns unsubscribe. */
export function subscribe(channel: Channel, key: string, onWake: () => void): () => void {
  const h = hub();
  void ensureListening().catch((err) => logger().warn({ err }, "cannot LISTEN yet; streams fall back to polling"));
  h.emitter.on(`${channel}:${key}`, onWake);
  h.emitter.on("reconnected", onWake);
  return () => {
    h.emitter.off(`${channel}:${key}`, onWake);
    h.emitter.off("reconnected", onWake);
  };
}
