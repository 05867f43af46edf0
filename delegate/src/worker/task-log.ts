/**
 * The StepLog a task's executor writes to: per output stream, masking first (redactor.ts, on the raw character
 * stream), then line cutting (line-splitter.ts), then the shipper (log-shipper.ts). System lines are masked too:
 * they can quote a URL or an error message that carries a secret.
 *
 * Steps that work on several targets at once (SSH hosts) write through `lane(name)`: each lane has its own masking
 * and line cutting, so one host's partial line never merges with another's, and its chunks carry the lane's name.
 *
 * Edit when the log pipeline gains a stage (e.g. ANSI handling).
 */
import type { Logger } from "../logger";
import { LineSplitter } from "../logs/line-splitter";
import type { LogShipper } from "../logs/log-shipper";
import { Redactor } from "../logs/redactor";
import { MIN_SECRET_CHARS } from "../logs/secret-variants";
import type { StepLog } from "../steps/types";

type OutputStream = "stdout" | "stderr";
type Pipes = Record<OutputStream, { redactor: Redactor; splitter: LineSplitter }>;

/** Lanes per task: a bound on memory if a step invents lane names without end (the rest share the last one). */
const MAX_LANES = 1_000;
const MAX_LANE_CHARS = 200;

export class TaskLog implements StepLog {
  private readonly pipes: Pipes;
  private readonly lanes = new Map<string, { pipes: Pipes; log: StepLog }>();
  private readonly systemRedactor: Redactor;
  private closed = false;

  private readonly shipper: LogShipper;
  private readonly mask: readonly string[];
  private readonly partialFlushMs: number | undefined;

  constructor(options: { mask: readonly string[]; shipper: LogShipper; log: Logger; partialFlushMs?: number }) {
    const { mask, shipper, log } = options;
    this.shipper = shipper;
    this.mask = mask;
    this.partialFlushMs = options.partialFlushMs;
    this.pipes = this.makePipes(undefined);
    this.systemRedactor = new Redactor(mask);
    if (this.systemRedactor.skipped > 0) {
      // Masking "ab" or "1" would shred every line; say so instead of doing it silently.
      const text = `${this.systemRedactor.skipped} secret value(s) shorter than ${MIN_SECRET_CHARS} characters are not masked in this log`;
      log.warn(text);
      this.system(text);
    }
  }

  stdout(chunk: Uint8Array | string): void {
    this.write(this.pipes, "stdout", chunk);
  }

  stderr(chunk: Uint8Array | string): void {
    this.write(this.pipes, "stderr", chunk);
  }

  system(line: string): void {
    this.systemLine(line, undefined);
  }

  /** The log of one lane (SSH: a host). Lines written to it carry `lane` on the wire. */
  lane(name: string): StepLog {
    let lane = name.slice(0, MAX_LANE_CHARS);
    if (!this.lanes.has(lane) && this.lanes.size >= MAX_LANES) lane = [...this.lanes.keys()].pop()!;
    let entry = this.lanes.get(lane);
    if (!entry) {
      const pipes = this.makePipes(lane);
      const log: StepLog = {
        stdout: (chunk) => this.write(pipes, "stdout", chunk),
        stderr: (chunk) => this.write(pipes, "stderr", chunk),
        system: (line) => this.systemLine(line, lane),
      };
      entry = { pipes, log };
      this.lanes.set(lane, entry);
    }
    return entry.log;
  }

  /** Masks a complete text that leaves the delegate outside the log (the result's message and outputs). */
  redact(text: string): string {
    return this.systemRedactor.redactAll(text);
  }

  /** Flush everything held back (masking tails, partial lines) and seal the last chunk. */
  close(): void {
    if (this.closed) return;
    for (const pipes of [this.pipes, ...[...this.lanes.values()].map((l) => l.pipes)]) {
      for (const { redactor, splitter } of Object.values(pipes)) {
        splitter.write(redactor.end());
        splitter.end();
      }
    }
    this.closed = true;
    this.shipper.close();
  }

  private makePipes(lane: string | undefined): Pipes {
    const pipe = (stream: OutputStream) => ({
      redactor: new Redactor(this.mask),
      splitter: new LineSplitter({ onLine: (line) => this.shipper.push(stream, line, Date.now(), lane), partialFlushMs: this.partialFlushMs }),
    });
    return { stdout: pipe("stdout"), stderr: pipe("stderr") };
  }

  private systemLine(line: string, lane: string | undefined): void {
    if (this.closed) return;
    for (const part of line.split(/\r?\n/)) this.shipper.push("system", this.systemRedactor.redactAll(part), Date.now(), lane);
  }

  private write(pipes: Pipes, stream: OutputStream, chunk: Uint8Array | string): void {
    if (this.closed) return;
    const { redactor, splitter } = pipes[stream];
    const safe = redactor.write(chunk);
    if (safe) splitter.write(safe);
  }
}
