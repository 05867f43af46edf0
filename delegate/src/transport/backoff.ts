/**
 * Jittered exponential backoff, buildkite's shape: the window doubles from `initialMs` up to `capMs`, and the wait
 * is uniform over the whole window ("full jitter") so that a fleet of delegates cut off by the same studio restart
 * does not come back in lockstep. A session that stayed healthy long enough resets the window.
 *
 * Edit when reconnect behaviour changes; every retry loop in the delegate (stream, polls, log and result POSTs)
 * uses this class, so one change here moves them all.
 * @see buildkite/agent agent/agent_worker_streaming.go (jitter window)  src/transport/sse-client.ts
 */

export interface BackoffOptions {
  /** First window (default 500 ms). */
  initialMs?: number;
  /** Largest window (default 30 s). */
  capMs?: number;
  /** A session at least this long counts as healthy and resets the window (default 30 s). */
  healthyAfterMs?: number;
  /** Source of randomness in [0, 1); tests pin it. */
  random?: () => number;
  /** Tests: never actually wait (buildkite's `noWaitBetweenPingsForTesting`). */
  noWait?: boolean;
}

export class Backoff {
  readonly initialMs: number;
  readonly capMs: number;
  readonly healthyAfterMs: number;
  private readonly random: () => number;
  private readonly noWait: boolean;
  private failures = 0;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    this.capMs = Math.max(options.capMs ?? 30_000, this.initialMs);
    this.healthyAfterMs = options.healthyAfterMs ?? 30_000;
    this.random = options.random ?? Math.random;
    this.noWait = options.noWait ?? false;
  }

  /** Consecutive failures since the last reset. */
  get attempts(): number {
    return this.failures;
  }

  /** The window the next delay is drawn from: initial × 2^attempts, capped. */
  window(): number {
    // Clamp the exponent so 2^n never overflows into Infinity on a delegate that has been failing for days.
    return Math.min(this.capMs, this.initialMs * 2 ** Math.min(this.failures, 30));
  }

  /** Draws the next delay (uniform in [0, window)) and widens the window for the one after. */
  next(): number {
    const delay = Math.floor(this.random() * this.window());
    this.failures++;
    return delay;
  }

  reset(): void {
    this.failures = 0;
  }

  /** Call when a connection ends: a long, healthy session means the next failure starts from a small window again. */
  sessionEnded(durationMs: number): void {
    if (durationMs >= this.healthyAfterMs) this.reset();
  }

  /** Waits the next delay; resolves early (never rejects) when `signal` aborts. Returns the delay drawn. */
  async wait(signal?: AbortSignal, floorMs = 0): Promise<number> {
    const delay = Math.min(Math.max(this.next(), floorMs), this.capMs);
    if (!this.noWait) await sleep(delay, signal);
    return delay;
  }
}

/** setTimeout as a promise that resolves early when `signal` aborts (callers check `signal.aborted`). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
