/**
 * The notification stream: GET /api/delegate/v1/stream, kept open for as long as the process lives. It carries
 * hints only (task offered, cancel, revoked); work is claimed over plain requests, so losing the stream costs
 * latency, never correctness (poll-fallback.ts covers the gap).
 *
 *   connect (Last-Event-ID) ─▶ read + parse ─▶ onEvent ...   watchdog: no byte for 3 keepalives = dead
 *        ▲                                   │ drop / error / watchdog
 *        └──── jittered backoff (backoff.ts) ◀┘               401/403/revoked: run() rejects (unrecoverable)
 *
 * Edit when the stream's transport behaviour changes (new headers, watchdog rules). Event meaning belongs to the
 * worker (src/worker/delegate-worker.ts); the byte-level parsing to sse-parser.ts.
 * @see buildkite/agent agent/agent_worker_streaming.go  pipeline-spec/src/protocol.ts (StreamEventSchema)
 */
import { StreamEventSchema, type StreamEvent } from "@slipway/pipeline-spec/protocol";
import type { Logger } from "../logger";
import { isApiError, type ApiClient } from "./api-client";
import { Backoff } from "./backoff";
import { SseParser } from "./sse-parser";

export interface SseClientOptions {
  api: ApiClient;
  log: Logger;
  backoff: Backoff;
  /** How often the studio is expected to send a keepalive; the watchdog fires after 3 silent intervals. */
  keepaliveMs: number | (() => number);
  /** How long to wait for the response headers before giving up on a connection attempt (default 15 s). */
  connectTimeoutMs?: number;
  onEvent(event: StreamEvent): void;
  /** true once a connection is established, false when it is lost. */
  onStateChange(up: boolean): void;
}

export class SseClient {
  /** Sent as Last-Event-ID so the studio replays what was missed. */
  lastEventId = "";
  private current: AbortController | null = null;
  /** Whether the current/last attempt got as far as an open stream. */
  private connected = false;
  /** A `retry:` sent by the studio: never reconnect sooner than it asked. */
  private retryFloorMs = 0;

  constructor(private readonly options: SseClientOptions) {}

  /** Forget the replay position (a new registration is a new instance with its own event sequence). */
  resetLastEventId(): void {
    this.lastEventId = "";
  }

  /** Drop the current connection; the loop reconnects at once (used after re-registering). */
  reconnectNow(): void {
    this.options.backoff.reset();
    this.current?.abort(new Error("reconnect requested"));
  }

  /**
   * Runs until `signal` aborts. Rejects only with an unrecoverable ApiError (bad or revoked token): everything else
   * is a reason to reconnect.
   */
  async run(signal: AbortSignal): Promise<void> {
    const { log, backoff } = this.options;
    // Bounded by `signal`; each turn either waits a backoff delay or had a connection that lasted a while.
    while (!signal.aborted) {
      const started = Date.now();
      this.connected = false;
      try {
        await this.session(signal);
        log.info("stream ended by the studio; reconnecting", { lastEventId: this.lastEventId || undefined });
      } catch (err) {
        if (isApiError(err, "unrecoverable")) throw err;
        if (!signal.aborted) {
          const reason = err instanceof Error ? err.message : String(err);
          log.warn(`stream lost: ${reason}`, { lastEventId: this.lastEventId || undefined });
        }
      } finally {
        this.current = null;
        if (this.connected) this.options.onStateChange(false);
      }
      if (this.connected) backoff.sessionEnded(Date.now() - started);
      if (signal.aborted) break;
      const delay = await backoff.wait(signal, this.retryFloorMs);
      log.debug("reconnecting after jitter", { delayMs: delay, attempt: backoff.attempts });
    }
  }

  /** One connection. Resolves when the studio ended it cleanly; rejects on errors, the watchdog, or an abort. */
  private async session(signal: AbortSignal): Promise<void> {
    const { api, log } = this.options;
    const keepaliveMs = typeof this.options.keepaliveMs === "function" ? this.options.keepaliveMs() : this.options.keepaliveMs;
    const ctrl = new AbortController();
    this.current = ctrl;
    const onOuterAbort = () => ctrl.abort(signal.reason);
    signal.addEventListener("abort", onOuterAbort, { once: true });
    const connectTimer = setTimeout(
      () => ctrl.abort(new Error(`no response headers within ${this.options.connectTimeoutMs ?? 15_000} ms`)),
      this.options.connectTimeoutMs ?? 15_000,
    );
    let watchdog: NodeJS.Timeout | undefined;
    try {
      const res = await api.openStream(this.lastEventId, ctrl.signal).catch((err: unknown) => {
        // A connect timeout aborts fetch with a bland AbortError: report our reason instead.
        throw ctrl.signal.aborted && !signal.aborted && ctrl.signal.reason instanceof Error ? ctrl.signal.reason : err;
      });
      clearTimeout(connectTimer);
      this.connected = true;
      this.options.onStateChange(true);
      log.info("stream connected", { lastEventId: this.lastEventId || undefined });
      // Any byte (event or `: ping`) proves the connection alive; ~3 missed keepalives mean a half-open socket
      // that TCP alone could take many minutes to notice.
      const deadAfter = keepaliveMs * 3;
      const arm = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => ctrl.abort(new Error(`no data or keepalive for ${deadAfter} ms`)), deadAfter);
      };
      arm();
      const parser = new SseParser({
        onMessage: (m) => this.dispatch(m.event, m.data),
        onRetry: (ms) => (this.retryFloorMs = ms),
      });
      const reader = res.body!.getReader();
      try {
        // Bounded by the stream: it ends, errors, or the watchdog/abort cancels it.
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          arm();
          parser.feed(value);
          this.lastEventId = parser.lastEventId || this.lastEventId;
        }
      } catch (err) {
        // Report why we cut it (watchdog, reconnect) rather than the reader's generic "aborted".
        throw ctrl.signal.aborted && ctrl.signal.reason instanceof Error ? ctrl.signal.reason : err;
      } finally {
        reader.cancel().catch(() => {});
      }
      parser.end();
    } finally {
      clearTimeout(connectTimer);
      clearTimeout(watchdog);
      signal.removeEventListener("abort", onOuterAbort);
    }
  }

  private dispatch(eventName: string, data: string): void {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.options.log.warn("stream event with invalid JSON ignored", { event: eventName });
      return;
    }
    const parsed = StreamEventSchema.safeParse(json);
    if (!parsed.success) {
      // A newer studio may send event types this delegate does not know: ignore them rather than reconnect.
      this.options.log.debug("unknown stream event ignored", { event: eventName });
      return;
    }
    this.options.onEvent(parsed.data);
  }
}
