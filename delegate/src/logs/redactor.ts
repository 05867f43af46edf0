/**
 * Streaming secret masking for one output stream of one task. It works on the character stream *before* lines
 * are cut, so a secret split across two writes (`printf sup; sleep 1; printf ersecret`), across a chunk boundary,
 * or across lines (a PEM key) is still caught. Every match becomes `***`.
 *
 * The trick (buildkite's replacer): after each write, emit everything except the longest tail that could still be
 * the start of a secret — at most (longest needle − 1) characters — and hold that tail back until the next write
 * decides it. Held characters already known to be inside a match keep that mark, so overlapping secrets never leak
 * a fragment. Nothing is held by time: a tail is released only by more output or by `end()`.
 *
 * Edit here for matching behaviour; which strings are needles is in secret-variants.ts.
 * @see buildkite/agent internal/replacer/replacer.go  src/logs/secret-variants.ts
 */
import { secretNeedles } from "./secret-variants";

export const MASK = "***";

export class Redactor {
  private readonly needles: string[];
  private readonly decoder = new TextDecoder("utf-8");
  /** Characters not yet emitted, and which of them are already known to be secret. */
  private held = "";
  private heldMask: Uint8Array = new Uint8Array(0);
  /** The last emitted text ended inside a mask: a held secret continuing it adds no second `***`. */
  private endedMasked = false;

  /** How many values were too short to mask safely (the caller warns about them). */
  readonly skipped: number;

  constructor(values: readonly string[]) {
    const { needles, skipped } = secretNeedles(values);
    this.needles = needles;
    this.skipped = skipped;
  }

  get active(): boolean {
    return this.needles.length > 0;
  }

  /** Masks what can be decided now and returns it; keeps a possible secret prefix for later. */
  write(chunk: Uint8Array | string): string {
    const text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    if (!this.active) return text;
    const buf = this.held + text;
    const mask = this.markMatches(buf);
    const hold = this.holdLength(buf);
    const cut = buf.length - hold;
    this.held = buf.slice(cut);
    this.heldMask = mask.slice(cut);
    return this.render(buf, mask, 0, cut);
  }

  /** The stream ended: release whatever is held, masked. */
  end(): string {
    const rest = this.decoder.decode();
    const out = this.write(rest);
    const buf = this.held;
    const mask = this.heldMask;
    this.held = "";
    this.heldMask = new Uint8Array(0);
    return out + this.render(buf, mask, 0, buf.length);
  }

  /** Masks a complete text (system lines) without touching the streaming state. */
  redactAll(text: string): string {
    if (!this.active) return text;
    const saved = this.endedMasked;
    this.endedMasked = false;
    const out = this.render(text, this.markMatches(text, true), 0, text.length);
    this.endedMasked = saved;
    return out;
  }

  private markMatches(buf: string, fresh = false): Uint8Array {
    const mask = new Uint8Array(buf.length);
    if (!fresh) mask.set(this.heldMask.subarray(0, Math.min(this.heldMask.length, buf.length)));
    for (const needle of this.needles) {
      // Step by one, not by the needle's length, so overlapping occurrences are all found.
      for (let at = buf.indexOf(needle); at !== -1; at = buf.indexOf(needle, at + 1)) mask.fill(1, at, at + needle.length);
    }
    return mask;
  }

  /** Length of the longest tail of `buf` that is a proper prefix of some needle. */
  private holdLength(buf: string): number {
    let best = 0;
    for (const needle of this.needles) {
      // Scan from the earliest possible start: the first hit is this needle's longest tail. Only tails longer
      // than the best so far are worth checking.
      for (let p = Math.max(0, buf.length - (needle.length - 1)); p < buf.length - best; p++) {
        if (buf.charCodeAt(p) === needle.charCodeAt(0) && needle.startsWith(buf.slice(p))) {
          best = buf.length - p;
          break;
        }
      }
    }
    return best;
  }

  /** Text of buf[from, to) with every masked run replaced by MASK. */
  private render(buf: string, mask: Uint8Array, from: number, to: number): string {
    let out = "";
    let i = from;
    while (i < to) {
      if (mask[i]) {
        const runStart = i;
        while (i < to && mask[i]) i++;
        // A run at the very start continues the previous emission's mask when that one ended masked.
        if (!(runStart === from && this.endedMasked)) out += MASK;
        this.endedMasked = true;
        continue;
      }
      const start = i;
      while (i < to && !mask[i]) i++;
      out += buf.slice(start, i);
      this.endedMasked = false;
    }
    return out;
  }
}
