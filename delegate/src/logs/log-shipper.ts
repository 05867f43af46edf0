/**
 * Ships one task's log lines to the studio as numbered, contiguous chunks (POST /tasks/:id/logs), so that through
 * any outage every line is stored exactly once and in order:
 *
 *   push(line) ─▶ open chunk (one stream, ≤ MAX_CHUNK_LINES, sealed every ~100 ms or when big)
 *              ─▶ queue of sealed chunks, each with its seq, kept until the studio acknowledges it
 *              ─▶ one request in flight: the oldest unacknowledged chunks; ackedThrough drops them
 *
 * Resending is always "from the oldest unacknowledged chunk", which covers a lost response (the studio ignores the
 * duplicate seq), a 409 log_gap (its expectedSeq tells what is stored) and a studio restart. Memory is bounded:
 * past `memoryCapBytes` sealed chunks go to a spill file in the work dir instead of being dropped.
 *
 * Edit when the chunking or delivery policy changes. Masking and line cutting happen before (task-log.ts).
 * @see buildkite/agent agent/log_streamer.go  pipeline-spec/src/protocol.ts (LogChunkSchema)
 */
import { MAX_CHUNK_LINES, MAX_LOG_LINE_CHARS, type LOG_STREAMS } from "@slipway/pipeline-spec/protocol";
import type { Logger } from "../logger";
import { ApiError, isTransient } from "../transport/api-client";
import { Backoff, type BackoffOptions } from "../transport/backoff";
import { LINE_CUT_MARKER } from "./line-splitter";
import { SpillFile, type SpillRef } from "./spill-file";

export type LogStream = (typeof LOG_STREAMS)[number];

/** Sends a serialised AppendLogsRequest; resolves with the studio's ackedThrough. */
export type LogSink = (body: string, signal: AbortSignal) => Promise<{ ackedThrough: number }>;

export interface LogShipperOptions {
  sink: LogSink;
  log: Logger;
  /** The first seq to use (the claim's nextLogSeq). */
  firstSeq: number;
  fencingToken: () => number;
  spillPath: string;
  memoryCapBytes?: number;
  /**
   * How long a chunk stays open for more lines (default 100 ms). It is most of a line's way to the browser: at
   * 200 ms, bench/log-throughput.bench.ts measured p95 231–509 ms line → browser at 5,000 lines/s (over the 500 ms
   * goal on a loaded machine); at 100 ms, 134–192 ms, for about 1.6× the studio CPU on a continuously logging task.
   */
  flushIntervalMs?: number;
  backoff?: BackoffOptions;
  /** A failure no retry can fix (lease lost, token revoked, chunk refused). */
  onFatal(err: ApiError): void;
}

interface Sealed {
  seq: number;
  bytes: number;
  json?: string;
  spill?: SpillRef;
}

const SEAL_BYTES = 256 * 1024;
const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_REQUEST_CHUNKS = 200;

export class LogShipper {
  private nextSeq: number;
  /** Highest seq the studio has confirmed. */
  ackedThrough: number;
  private open: { stream: LogStream; lane: string | undefined; lines: string[]; ts: number; bytes: number } | null = null;
  private queue: Sealed[] = [];
  private memBytes = 0;
  private spill: SpillFile | null = null;
  private flushTimer: NodeJS.Timeout | undefined;
  private sending = false;
  private closed = false;
  private failure: ApiError | null = null;
  private readonly stopped = new AbortController();
  private readonly backoff: Backoff;
  private waiters: (() => void)[] = [];

  constructor(private readonly options: LogShipperOptions) {
    this.nextSeq = options.firstSeq;
    this.ackedThrough = options.firstSeq - 1;
    this.backoff = new Backoff(options.backoff);
  }

  /** The seq of the last chunk created (what the result's lastLogSeq must be). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** `lane`: the target the line belongs to (SSH: the host), for steps that work on several at once. */
  push(stream: LogStream, line: string, ts = Date.now(), lane?: string): void {
    if (this.closed) return;
    // Output lines arrive cut already (line-splitter.ts); this guards system lines, which skip the splitter.
    const safe = line.length > MAX_LOG_LINE_CHARS ? line.slice(0, MAX_LOG_LINE_CHARS - LINE_CUT_MARKER.length) + LINE_CUT_MARKER : line;
    // One stream and lane per chunk: a line from another closes the open chunk, which keeps the interleaving order.
    if (this.open && (this.open.stream !== stream || this.open.lane !== lane || this.open.lines.length >= MAX_CHUNK_LINES || this.open.bytes >= SEAL_BYTES)) this.seal();
    if (!this.open) {
      this.open = { stream, lane, lines: [], ts, bytes: 0 };
      this.flushTimer = setTimeout(() => this.seal(), this.options.flushIntervalMs ?? 100);
    }
    this.open.lines.push(safe);
    this.open.bytes += safe.length + 4;
  }

  /** No more lines: seal what is open. */
  close(): void {
    this.seal();
    this.closed = true;
    this.notify();
  }

  /** The studio said (logs_incomplete) it has everything before `seq`: resend from there. */
  resendFrom(seq: number): void {
    this.acknowledge(seq - 1);
    this.kick();
  }

  /** Resolves when every sealed chunk is acknowledged; rejects with the fatal error if delivery became impossible. */
  async drained(signal: AbortSignal): Promise<void> {
    const onAbort = () => this.notify();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      // Bounded: each turn waits for an acknowledgement, a failure, or the abort.
      while (!signal.aborted) {
        if (this.failure) throw this.failure;
        if (!this.open && this.queue.length === 0) return;
        this.kick();
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Stop sending and remove the spill file (task over, or abandoned). */
  dispose(): void {
    clearTimeout(this.flushTimer);
    this.closed = true;
    this.stopped.abort();
    this.spill?.dispose();
    this.notify();
  }

  private seal(): void {
    clearTimeout(this.flushTimer);
    const open = this.open;
    if (!open) return;
    this.open = null;
    const json = JSON.stringify({ seq: this.nextSeq, stream: open.stream, ...(open.lane !== undefined ? { lane: open.lane } : {}), lines: open.lines, ts: open.ts });
    const entry: Sealed = { seq: this.nextSeq++, bytes: json.length };
    if (this.memBytes + json.length > (this.options.memoryCapBytes ?? 64 * 1024 * 1024)) {
      this.spill ??= new SpillFile(this.options.spillPath);
      entry.spill = this.spill.append(json);
    } else {
      entry.json = json;
      this.memBytes += json.length;
    }
    this.queue.push(entry);
    this.kick();
  }

  private acknowledge(through: number): void {
    if (through <= this.ackedThrough) return;
    this.ackedThrough = through;
    while (this.queue.length > 0 && this.queue[0]!.seq <= through) {
      const done = this.queue.shift()!;
      if (done.json !== undefined) this.memBytes -= done.json.length;
    }
    if (this.spill && !this.queue.some((e) => e.spill)) {
      this.spill.dispose(); // everything spilled is stored; start a fresh file if we overflow again
      this.spill = null;
    }
    this.notify();
  }

  private kick(): void {
    if (this.sending || this.failure || this.stopped.signal.aborted || this.queue.length === 0) return;
    this.sending = true;
    void this.sendLoop().finally(() => {
      this.sending = false;
      this.notify();
    });
  }

  private async sendLoop(): Promise<void> {
    const signal = this.stopped.signal;
    // Bounded by the queue emptying, a fatal error, or dispose(); retries wait a jittered backoff.
    while (this.queue.length > 0 && !signal.aborted) {
      const batch = this.batch();
      const before = this.ackedThrough;
      try {
        const { ackedThrough } = await this.options.sink(batch, signal);
        this.acknowledge(ackedThrough);
        if (this.ackedThrough > before) this.backoff.reset();
        else await this.backoff.wait(signal); // answered but took nothing: do not spin
      } catch (err) {
        if (signal.aborted) return;
        const e = err instanceof ApiError ? err : new ApiError("retryable", String(err));
        if (e.code === "log_gap" && e.expectedSeq !== undefined && e.expectedSeq - 1 >= this.ackedThrough) {
          this.options.log.info("studio asked to resend logs", { fromSeq: e.expectedSeq });
          this.acknowledge(e.expectedSeq - 1);
        } else if (isTransient(e)) {
          this.options.log.warn(`log upload failed, will retry: ${e.message}`, { pendingChunks: this.queue.length });
          await this.backoff.wait(signal);
        } else {
          const fatal = e.code === "log_gap" ? new ApiError("protocol", `studio lost acknowledged log chunks: ${e.message}`, e.status, e.code) : e;
          this.failure = fatal;
          this.options.onFatal(fatal);
          return;
        }
      }
    }
  }

  /** The oldest unacknowledged chunks, up to the request limits (always at least one). */
  private batch(): string {
    const parts: string[] = [];
    let bytes = 0;
    for (const entry of this.queue) {
      if (parts.length >= MAX_REQUEST_CHUNKS || (parts.length > 0 && bytes + entry.bytes > MAX_REQUEST_BYTES)) break;
      parts.push(entry.json ?? this.spill!.read(entry.spill!));
      bytes += entry.bytes;
    }
    return `{"fencingToken":${this.options.fencingToken()},"chunks":[${parts.join(",")}]}`;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
