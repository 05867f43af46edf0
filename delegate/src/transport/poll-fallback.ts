/**
 * Polling while the notification stream is down: GET /tasks/offered every `pollIntervalMs` (a value the studio
 * hands out at registration), stopped as soon as the stream is back. buildkite's agent degrades from its stream
 * to its classic ping loop the same way; offers are hints, so a duplicate from both paths is harmless.
 *
 * Edit when the fallback policy changes (e.g. polling alongside a healthy stream).
 * @see src/transport/sse-client.ts  src/worker/delegate-worker.ts
 */
import type { Logger } from "../logger";
import { isApiError, type ApiClient, type ApiError } from "./api-client";
import { sleep } from "./backoff";

export interface PollFallbackOptions {
  api: ApiClient;
  log: Logger;
  /** Read on every turn: a re-registration may hand out a new interval. */
  intervalMs: () => number;
  onOffers(tasks: { taskId: string; kind: string }[]): void;
  /** An unrecoverable error (token revoked): the worker stops. */
  onFatal(err: ApiError): void;
}

export class PollFallback {
  private loop: AbortController | null = null;
  private stopped = false;

  constructor(private readonly options: PollFallbackOptions) {}

  /** The stream went up (stop polling) or down (start). */
  setStreamUp(up: boolean): void {
    if (up) {
      this.loop?.abort();
      this.loop = null;
    } else if (!this.loop && !this.stopped) {
      this.options.log.info("stream down: polling for offered tasks", { everyMs: this.options.intervalMs() });
      const ctrl = new AbortController();
      this.loop = ctrl;
      void this.run(ctrl.signal);
    }
  }

  /** One poll, e.g. right after (re)connecting, to pick up offers made while nobody was listening. */
  async pollOnce(signal?: AbortSignal): Promise<void> {
    try {
      const { tasks } = await this.options.api.offeredTasks(signal);
      if (tasks.length > 0) this.options.onOffers(tasks);
    } catch (err) {
      if (isApiError(err, "unrecoverable")) return this.options.onFatal(err);
      this.options.log.debug(`poll failed: ${(err as Error).message}`);
    }
  }

  stop(): void {
    this.stopped = true;
    this.loop?.abort();
    this.loop = null;
  }

  private async run(signal: AbortSignal): Promise<void> {
    // Bounded by `signal`, aborted when the stream comes back or the worker stops.
    while (!signal.aborted) {
      await this.pollOnce(signal);
      await sleep(this.options.intervalMs(), signal);
    }
  }
}
