// Bounded HTTP load for zero-downtime assertions. Every request opens a fresh TCP connection
// (agent: false + Connection: close) so each one is routed by HAProxy on its own; a kept-alive
// client connection would pin to one server-side path and hide routing mistakes.
import { request } from "node:http";

export interface LoadOptions {
  url: string;
  concurrency: number;
  /** Stop after this many requests. At least one of maxRequests / durationMs is required. */
  maxRequests?: number;
  durationMs?: number;
  /** Optional pacing across all workers, so a fixed request budget spans a slow operation. */
  ratePerSecond?: number;
  expectStatus?: number;
  requestTimeoutMs?: number;
  /** Aborting stops new requests; in-flight ones finish (each bounded by requestTimeoutMs). */
  signal?: AbortSignal;
}

export interface LoadFailure {
  /** ms since the run started. */
  time: number;
  status?: number;
  error?: string;
  servedBy?: string;
}

export interface LoadResult {
  total: number;
  ok: number;
  failed: number;
  failures: LoadFailure[];
  /** Successful responses by X-App-Version. */
  byVersion: Record<string, number>;
  /** Successful responses by X-Served-By (`backend/server`, set by the lab's HAProxy config). */
  byServer: Record<string, number>;
  durationMs: number;
}

// Hard ceilings so a typo can never turn a test into an unbounded loop.
const MAX_REQUESTS = 1_000_000;
const MAX_DURATION_MS = 10 * 60_000;
const MAX_FAILURES_KEPT = 1_000;

interface Reply {
  status: number;
  version?: string;
  servedBy?: string;
}

function once(url: string, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: "close" } }, (res) => {
      const header = (n: string) => {
        const v = res.headers[n];
        return Array.isArray(v) ? v[0] : v;
      };
      res.resume(); // drain the body: the response only counts once it fully arrived
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, version: header("x-app-version"), servedBy: header("x-served-by") }),
      );
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const { url, concurrency, expectStatus = 200, requestTimeoutMs = 5_000, signal, ratePerSecond } = opts;
  if (opts.maxRequests === undefined && opts.durationMs === undefined) {
    throw new Error("runLoad needs maxRequests or durationMs (unbounded load is not allowed)");
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1_000)
    throw new Error("concurrency must be 1-1000");
  const maxRequests = Math.min(opts.maxRequests ?? MAX_REQUESTS, MAX_REQUESTS);
  const durationMs = Math.min(opts.durationMs ?? MAX_DURATION_MS, MAX_DURATION_MS);

  const start = performance.now();
  const elapsed = () => performance.now() - start;
  const result: LoadResult = { total: 0, ok: 0, failed: 0, failures: [], byVersion: {}, byServer: {}, durationMs: 0 };
  let issued = 0;

  const fail = (f: LoadFailure) => {
    result.failed++;
    if (result.failures.length < MAX_FAILURES_KEPT) result.failures.push(f);
  };

  const worker = async () => {
    for (;;) {
      if (signal?.aborted || issued >= maxRequests || elapsed() >= durationMs) return;
      const n = issued++;
      if (ratePerSecond) {
        const due = (n * 1000) / ratePerSecond - elapsed();
        if (due > 0) await sleep(due);
        if (signal?.aborted || elapsed() >= durationMs) return;
      }
      const time = Math.round(elapsed());
      try {
        const r = await once(url, requestTimeoutMs);
        if (r.status === expectStatus) {
          result.ok++;
          if (r.version) result.byVersion[r.version] = (result.byVersion[r.version] ?? 0) + 1;
          if (r.servedBy) result.byServer[r.servedBy] = (result.byServer[r.servedBy] ?? 0) + 1;
        } else {
          fail({ time, status: r.status, servedBy: r.servedBy });
        }
      } catch (err) {
        fail({ time, error: (err as Error).message });
      }
      result.total++;
    }
  };

  await Promise.all(Array.from({ length: concurrency }, worker));
  result.durationMs = Math.round(elapsed());
  return result;
}

/** Polls `url` until it answers `status` (default 200); bounded by timeoutMs. Returns the body. */
export async function waitForHttp(
  url: string,
  opts: { status?: number; timeoutMs?: number; intervalMs?: number } = {},
): Promise<string> {
  const { status = 200, timeoutMs = 10_000, intervalMs = 50 } = opts;
  const deadline = Date.now() + timeoutMs;
  let last = "no attempt";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(Math.min(2_000, timeoutMs)) });
      const body = await res.text();
      if (res.status === status) return body;
      last = `HTTP ${res.status}: ${body.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(intervalMs);
  }
  throw new Error(`${url} did not return ${status} within ${timeoutMs} ms (last: ${last})`);
}
