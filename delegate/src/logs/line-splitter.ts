/**
 * Turns one output stream (bytes or already-masked text) into log lines:
 *
 * - UTF-8 safe: a multi-byte character split across two reads is decoded whole (TextDecoder in stream mode).
 * - `\n` and `\r\n` end a line. A lone `\r` is a terminal "return to column 0" (progress bars): what follows
 *   overwrites the line, so only the final state is kept, as a terminal would show it. A `\r` at the end of a read
 *   waits for the next read to tell CRLF from a progress update.
 * - A line longer than MAX_LOG_LINE_CHARS is cut, the piece marked with LINE_CUT_MARKER, and the rest continues as
 *   the next line (nothing is dropped). Piece + marker stay within MAX_LOG_LINE_CHARS: the protocol would allow 64
 *   more, but the studio re-cuts anything longer (server/delegates/append-logs.ts), which would eat our marker.
 * - A partial line (a prompt, `printf` without newline) is flushed after `partialFlushMs` of silence, so it shows up
 *   live; whatever follows starts a new line.
 *
 * Edit when log line semantics change; masking happens before this (redactor.ts), shipping after (log-shipper.ts).
 */
import { MAX_LOG_LINE_CHARS } from "@slipway/pipeline-spec/protocol";

/** Appended to a piece of a cut line. */
export const LINE_CUT_MARKER = " [… line cut, continues on the next line]";

export interface LineSplitterOptions {
  onLine(line: string): void;
  /** Silence after which a partial line is emitted (default 500 ms; 0 disables the timer). */
  partialFlushMs?: number;
  /** Longest line emitted, marker included (default MAX_LOG_LINE_CHARS). */
  maxLineChars?: number;
}

export class LineSplitter {
  private readonly decoder = new TextDecoder("utf-8");
  private line = "";
  /** Saw "\r" as the last character so far: CRLF if "\n" comes next, an overwrite otherwise. */
  private pendingCr = false;
  private timer: NodeJS.Timeout | undefined;
  /** Longest piece of a cut line, so that piece + marker fit in maxLineChars. */
  private readonly maxChars: number;
  private readonly flushMs: number;

  constructor(private readonly options: LineSplitterOptions) {
    this.maxChars = Math.max(2, (options.maxLineChars ?? MAX_LOG_LINE_CHARS) - LINE_CUT_MARKER.length);
    this.flushMs = options.partialFlushMs ?? 500;
  }

  write(chunk: Uint8Array | string): void {
    const text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.append(text.slice(start, i));
      start = i + 1;
      if (c === 10) {
        this.pendingCr = false;
        this.emit();
      } else {
        this.pendingCr = true;
      }
    }
    this.append(text.slice(start));
    this.armTimer();
  }

  /** Emit the partial line now (also what the silence timer does). */
  flushPartial(): void {
    clearTimeout(this.timer);
    if (this.line.length > 0) this.emit();
    this.pendingCr = false;
  }

  /** The stream ended: decode what is left and emit any partial line. */
  end(): void {
    const rest = this.decoder.decode();
    if (rest) this.append(rest);
    this.flushPartial();
  }

  private append(piece: string): void {
    if (piece.length === 0) return;
    if (this.pendingCr) {
      // "\r" followed by more text: the text overwrites the line, as on a terminal.
      this.line = "";
      this.pendingCr = false;
    }
    this.line += piece;
    while (this.line.length > this.maxChars) {
      let cut = this.maxChars;
      // Never cut between the two halves of a surrogate pair.
      const code = this.line.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--;
      this.options.onLine(this.line.slice(0, cut) + LINE_CUT_MARKER);
      this.line = this.line.slice(cut);
    }
  }

  private emit(): void {
    const line = this.line;
    this.line = "";
    this.options.onLine(line);
  }

  private armTimer(): void {
    clearTimeout(this.timer);
    if (this.flushMs > 0 && this.line.length > 0) {
      this.timer = setTimeout(() => this.flushPartial(), this.flushMs);
      this.timer.unref?.();
    }
  }
}
