// Free-port allocation for lab daemons.
// Ports are drawn from BELOW the kernel's ephemeral range on purpose: the load generator opens
// thousands of short-lived client connections (keep-alive off), and those take ephemeral ports.
// If an app port lived in that range, a restart mid-test could find its port taken by a client
// socket in TIME_WAIT/ESTABLISHED and fail with EADDRINUSE — a flake that only shows under load.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { Server } from "node:net";

const HOST = "127.0.0.1";

function ephemeralLow(): number {
  try {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/);
    const n = Number(low);
    return Number.isInteger(n) && n > 2048 ? n : 32768;
  } catch {
    return 32768;
  }
}

function listen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(undefined));
    // exclusive: do not share the port with a cluster primary; we want a real "is it free" answer.
    srv.listen({ port, host: HOST, exclusive: true }, () => resolve(srv));
  });
}

const close = (s: Server) => new Promise<void>((r) => s.close(() => r()));

/**
 * Returns `count` distinct ports that were bindable on 127.0.0.1 a moment ago.
 * All probe sockets are held open until every port is chosen, so one call never returns duplicates.
 * Another process can still grab a port before the daemon binds it (TOCTOU); daemon start-up
 * retries on "address in use" to cover that.
 */
export async function allocatePorts(count: number, range?: { low: number; high: number }): Promise<number[]> {
  const high = range?.high ?? ephemeralLow() - 1;
  const low = range?.low ?? Math.min(10_000, high - 1000);
  if (count > high - low + 1) throw new Error(`cannot allocate ${count} ports in ${low}-${high}`);
  const held: Server[] = [];
  const ports: number[] = [];
  const tried = new Set<number>();
  try {
    // Bounded: at most 20 probes per requested port before giving up.
    for (let attempts = 0; ports.length < count && attempts < count * 20; attempts++) {
      const port = low + Math.floor(Math.random() * (high - low + 1));
      if (tried.has(port)) continue;
      tried.add(port);
      const srv = await listen(port);
      if (srv) {
        held.push(srv);
        ports.push(port);
      }
    }
  } finally {
    await Promise.all(held.map(close));
  }
  if (ports.length < count) throw new Error(`only found ${ports.length}/${count} free ports in ${low}-${high}`);
  return ports;
}

/** A sequential block starting at `base` (for callers that want predictable ports); all must be free. */
export async function portsFromBase(base: number, count: number): Promise<number[]> {
  const ports = Array.from({ length: count }, (_, i) => base + i);
  const held = await Promise.all(ports.map(listen));
  await Promise.all(held.filter((s): s is Server => !!s).map(close));
  const busy = ports.filter((_, i) => !held[i]);
  if (busy.length) throw new Error(`ports already in use: ${busy.join(", ")}`);
  return ports;
}
