/**
 * Posts a task's progress (POST /tasks/:id/progress: where each SSH host stands) without ever slowing the work
 * down: the executor hands over the latest state as often as it likes; only the newest is kept, at most one post is
 * in flight, posts are spaced by `minIntervalMs` (≤ 4 per second by default), and `flush()` delivers the final
 * state before the result goes out. Progress is a view, not a record: a failed post is logged and superseded by
 * the next one, and only the final state is retried.
 *
 * Edit when progress delivery changes. What a progress says is the executors' business (src/steps/ssh/progress.ts).
 */
import type { Progress } from "@slipway/pipeline-spec/protocol";
import type { Logger } from "../logger";
import { isApiError, isTransient } from "../transport/api-client";
import { sleep } from "../transport/backoff";

export interface ProgressPosterOptions {
  send(progress: Progress, signal: AbortSignal): Promise<void>;
  log: Logger;
  /** Least time between two posts (default 250 ms). */
  minIntervalMs?: number;
}

export class ProgressPoster {
  private latest: Progress | null = null;
  private version = 0;
  /** The newest version the studio has stored, and the newest one a post was attempted for. */
  private deliveredVersion = 0;
  private attemptedVersion = 0;
  private lastPostAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | null = null;
  private disabled = false;
  private readonly stopped = new AbortController();
  private readonly minIntervalMs: number;

  constructor(private readonly options: ProgressPosterOptions) {
    this.minIntervalMs = options.minIntervalMs ?? 250;
  }

  /** Posts posted so far (for tests and the bench). */
  posts = 0;

  update(progress: Progress): void {
    if (this.disabled || this.stopped.signal.aborted) return;
    this.latest = progress;
    this.version++;
    this.schedule();
  }

  /** Sends the latest state if the studio does not have it yet; resolves within `timeoutMs` either way. */
  async flush(timeoutMs = 10_000): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + timeoutMs;
    if (this.inFlight) {
      const giveUp = new AbortController();
      await Promise.race([this.inFlight, sleep(timeoutMs, AbortSignal.any([this.stopped.signal, giveUp.signal]))]);
      giveUp.abort();
    }
    // Bounded: three attempts, each bounded by the request timeout, inside the deadline.
    for (let attempt = 1; attempt <= 3 && !this.disabled && this.deliveredVersion < this.version && Date.now() < deadline; attempt++) {
      const ok = await this.post();
      if (ok !== "retry") break;
      await sleep(Math.min(500 * attempt, Math.max(0, deadline - Date.now())), this.stopped.signal);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.stopped.abort();
  }

  private schedule(): void {
    if (this.timer || this.inFlight || this.disabled) return;
    const wait = Math.max(0, this.lastPostAt + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.post().then(() => {
        this.inFlight = null;
        if (this.version > this.attemptedVersion) this.schedule();
      });
    }, wait);
  }

  /** One post of the latest state: "ok", "retry" (worth trying again) or "drop". */
  private async post(): Promise<"ok" | "retry" | "drop"> {
    const progress = this.latest;
    const version = this.version;
    if (!progress) return "drop";
    this.attemptedVersion = version;
    this.lastPostAt = Date.now();
    this.posts++;
    try {
      await this.options.send(progress, this.stopped.signal);
      this.deliveredVersion = Math.max(this.deliveredVersion, version);
      return "ok";
    } catch (err) {
      if (this.stopped.signal.aborted) return "drop";
      if (isTransient(err)) {
        this.options.log.debug(`progress post failed, the next one replaces it: ${(err as Error).message}`);
        return "retry";
      }
      // Refused for good (a studio without the endpoint, a lost lease): stop posting for this task.
      this.disabled = true;
      this.options.log.warn(`progress is not posted for this task any more: ${isApiError(err) ? err.message : String(err)}`);
      return "drop";
    }
  }
}
