/**
 * A TCP proxy on 127.0.0.1 for cutting a delegate's connections to the studio: `cutAll()` resets every open
 * connection (both sides), `pause()` refuses new ones (reset on accept) until `resume()`. It reads the request
 * lines going through (plain HTTP/1.1 on loopback) so a test can tell which cut connections carried the
 * delegate's SSE stream.
 */
import net from "node:net";

export type ProxyConnection = {
  id: number;
  openedAt: number;
  /** Request lines seen on this connection, e.g. "POST /api/delegate/v1/tasks/abc/claim". */
  requests: string[];
  readonly isStream: boolean;
  /** From now on, bytes from the studio are thrown away instead of forwarded: requests arrive, answers are lost. */
  dropResponses(): void;
};

export type ProxyStats = {
  /** Connections accepted and forwarded. */
  accepted: number;
  /** Connections refused while paused. */
  refused: number;
  /** Connections destroyed by cutAll(). */
  cut: number;
  /** Of those, connections that had carried GET /api/delegate/v1/stream. */
  cutStreams: number;
  /** Calls to cutAll(). */
  cutCalls: number;
  /** Open right now. */
  open: number;
  openStreams: number;
};

export type TcpProxy = {
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly stats: ProxyStats;
  /** Resets every open connection; returns how many were cut. */
  cutAll(): number;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
};

const REQUEST_LINE = /(?:^|\r\n)(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) (\S+) HTTP\/1\.[01]\r\n/g;
const STREAM_PATH = "/api/delegate/v1/stream";

export async function tcpProxy(o: {
  target: { host?: string; port: number } | number;
  port?: number;
  /** Called for each request line as it passes (before it is forwarded), e.g. to drop that request's answer. */
  onRequest?: (requestLine: string, conn: ProxyConnection) => void;
}): Promise<TcpProxy> {
  const target = typeof o.target === "number" ? { host: "127.0.0.1", port: o.target } : { host: o.target.host ?? "127.0.0.1", port: o.target.port };
  const open = new Map<number, { client: net.Socket; upstream: net.Socket; conn: ProxyConnection }>();
  let paused = false;
  let nextId = 1;
  const counters = { accepted: 0, refused: 0, cut: 0, cutStreams: 0, cutCalls: 0 };

  const server = net.createServer((client) => {
    if (paused) {
      counters.refused++;
      client.resetAndDestroy();
      return;
    }
    counters.accepted++;
    const requests: string[] = [];
    const upstream = net.connect({ host: target.host, port: target.port });
    const conn: ProxyConnection = {
      id: nextId++,
      openedAt: Date.now(),
      requests,
      get isStream() {
        return requests.some((r) => r.startsWith(`GET ${STREAM_PATH}`));
      },
      dropResponses() {
        upstream.unpipe(client);
        upstream.on("data", () => {}); // keep reading so the studio is never blocked on a full socket
      },
    };
    open.set(conn.id, { client, upstream, conn });
    const forget = () => open.delete(conn.id);
    client.on("data", (d: Buffer) => {
      // Request lines start a request; a body could in theory contain one too, which only mislabels a counter.
      for (const m of d.toString("latin1").matchAll(REQUEST_LINE)) {
        const line = `${m[1]} ${m[2]}`;
        if (requests.length < 1000) requests.push(line);
        o.onRequest?.(line, conn);
      }
    });
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => {
      upstream.destroy();
      forget();
    });
    upstream.on("close", () => {
      client.destroy();
      forget();
    });
  });
  server.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: o.port ?? 0 }, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get stats(): ProxyStats {
      const conns = [...open.values()].map((c) => c.conn);
      return { ...counters, open: conns.length, openStreams: conns.filter((c) => c.isStream).length };
    },
    cutAll() {
      counters.cutCalls++;
      let n = 0;
      for (const { client, upstream, conn } of [...open.values()]) {
        n++;
        if (conn.isStream) counters.cutStreams++;
        open.delete(conn.id);
        for (const s of [client, upstream]) {
          try {
            s.resetAndDestroy();
          } catch {
            s.destroy();
          }
        }
      }
      counters.cut += n;
      return n;
    },
    pause: () => void (paused = true),
    resume: () => void (paused = false),
    async close() {
      for (const { client, upstream } of open.values()) {
        client.destroy();
        upstream.destroy();
      }
      open.clear();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
