/**
 * A small server-sent-events writer for route handlers: event frames with ids, keep-alive comments, and a clean
 * close when the client goes away. Next does not buffer or compress text/event-stream, so frames leave at once.
 */
export type SseWriter = {
  send(event: { id?: string | number | bigint; event?: string; data: unknown }): void;
  comment(text: string): void;
  close(): void;
  readonly closed: boolean;
  readonly signal: AbortSignal;
};

export function sseResponse(request: Request, run: (w: SseWriter) => Promise<void> | void, opts: { pingMs?: number } = {}): Response {
  const encoder = new TextEncoder();
  const done = new AbortController();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      done.abort();
    },
  });
  const write = (text: string) => {
    if (done.signal.aborted) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      done.abort();
    }
  };
  const writer: SseWriter = {
    send({ id, event, data }) {
      const body = typeof data === "string" ? data : JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
      write(`${id !== undefined ? `id: ${id}\n` : ""}${event ? `event: ${event}\n` : ""}${body.split("\n").map((l) => `data: ${l}`).join("\n")}\n\n`);
    },
    comment(text) {
      write(`: ${text}\n\n`);
    },
    close() {
      if (done.signal.aborted) return;
      done.abort();
      try {
        controller.close();
      } catch {
        // already closed
      }
    },
    get closed() {
      return done.signal.aborted;
    },
    signal: done.signal,
  };
  request.signal.addEventListener("abort", () => done.abort());
  const ping = setInterval(() => writer.comment("ping"), opts.pingMs ?? 5_000);
  done.signal.addEventListener("abort", () => clearInterval(ping));
  writer.comment("connected");
  void Promise.resolve()
    .then(() => run(writer))
    .catch(() => undefined)
    .finally(() => writer.close());
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" },
  });
}

/**
 * A stream's wake-up switch: `wait(ms)` resolves early when a notification arrived (even one that arrived while
 * the stream was busy writing), so each loop iteration reads the tables at most once per burst of NOTIFYs.
 */
export function createWaker(signal: AbortSignal) {
  let pending = true;
  let resolve: (() => void) | null = null;
  const wake = () => {
    pending = true;
    resolve?.();
  };
  signal.addEventListener("abort", wake);
  return {
    wake,
    async wait(ms: number): Promise<void> {
      if (pending || signal.aborted) {
        pending = false;
        return;
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, ms);
        resolve = () => {
          clearTimeout(t);
          r();
        };
      });
      resolve = null;
      pending = false;
    },
  };
}
