/**
 * A deliberately tiny ANSI parser: build tools colour their output with SGR (30–37, 90–97, bold, reset) and users
 * expect to see those colours; everything else a terminal understands (cursor moves, titles, hyperlinks, charsets)
 * is meaningless in a scrollback view and is stripped. Guiding rule for malformed input: never hide log text because
 * an escape is broken; drop the broken introducer and keep what follows.
 */
import type { AnsiSpan } from "./types";

const ESC = 0x1b;
const CSI_8BIT = 0x9b;
/** Anything a plain line never contains: C0 controls except TAB, DEL, and the 8-bit CSI. */
const NEEDS_PARSING = /[\x00-\x08\x0a-\x1f\x7f\x9b]/;

export type ParsedAnsi = { text: string; spans: AnsiSpan[] | null };

/** Parses one log line. Lines without escapes (most of them) take the fast path and allocate nothing. */
export function parseAnsi(raw: string): ParsedAnsi {
  if (!NEEDS_PARSING.test(raw)) return { text: raw, spans: null };
  let text = "";
  let spans: AnsiSpan[] = [];
  let fg: number | null = null;
  let bold = false;
  let runStart = 0;
  let styled = false; // whether any span carries a style: if not, spans stay null
  let pendingCr = false;
  const closeRun = () => {
    if (text.length === runStart) return;
    const last = spans[spans.length - 1];
    if (last && last.fg === fg && last.bold === bold && last.to === runStart) last.to = text.length;
    else spans.push({ from: runStart, to: text.length, fg, bold });
    if (fg !== null || bold) styled = true;
    runStart = text.length;
  };

  let i = 0;
  while (i < raw.length) {
    const c = raw.charCodeAt(i);
    if (c === ESC || c === CSI_8BIT) {
      const isCsi = c === CSI_8BIT || raw[i + 1] === "[";
      if (isCsi) {
        const start = c === CSI_8BIT ? i + 1 : i + 2;
        const end = csiEnd(raw, start);
        if (end < 0) {
          // Unterminated or invalid CSI: drop the introducer and its parameter bytes, keep the text after.
          i = -end;
          continue;
        }
        if (raw[end] === "m") {
          closeRun();
          [fg, bold] = applySgr(raw.slice(start, end), fg, bold);
        }
        i = end + 1;
        continue;
      }
      i = skipOtherEscape(raw, i);
      continue;
    }
    if (c === 0x0d) {
      // Carriage return: progress bars redraw the line. Show the last redraw, but only once new text arrives, so a
      // trailing CR (or CR + reset) keeps the text it follows.
      pendingCr = true;
      i++;
      continue;
    }
    if (c < 0x20 && c !== 0x09) {
      i++; // other C0 controls (bell, backspace, …) have no meaning here
      continue;
    }
    if (c === 0x7f) {
      i++;
      continue;
    }
    // Copy the longest plain stretch at once rather than char by char.
    let j = i + 1;
    while (j < raw.length) {
      const d = raw.charCodeAt(j);
      if (d < 0x20 || d === 0x7f || d === CSI_8BIT) break;
      j++;
    }
    if (pendingCr) {
      text = "";
      spans = [];
      runStart = 0;
      styled = false;
      pendingCr = false;
    }
    text += raw.slice(i, j);
    i = j;
  }
  closeRun();
  return { text, spans: styled ? spans : null };
}

/** The log text without any escapes: what search matches against and what a copy should contain. */
export function stripAnsi(raw: string): string {
  return parseAnsi(raw).text;
}

/**
 * Index of the CSI final byte (0x40–0x7E) after parameter (0x30–0x3F) and intermediate (0x20–0x2F) bytes; or, when
 * the sequence is malformed, minus the index where plain text resumes.
 */
function csiEnd(raw: string, start: number): number {
  let k = start;
  while (k < raw.length) {
    const b = raw.charCodeAt(k);
    if (b >= 0x40 && b <= 0x7e) return k;
    if (b < 0x20 || b > 0x3f) return -k;
    k++;
  }
  return -k;
}

/** Skips a non-CSI escape starting at `i` (the ESC) and returns where text resumes. */
function skipOtherEscape(raw: string, i: number): number {
  const next = raw[i + 1];
  if (next === undefined) return i + 1;
  if (next === "]" || next === "P" || next === "X" || next === "^" || next === "_") {
    // String sequences (OSC titles and hyperlinks, DCS, …) end with BEL or ESC \.
    for (let k = i + 2; k < raw.length; k++) {
      if (raw.charCodeAt(k) === 0x07) return k + 1;
      if (raw.charCodeAt(k) === ESC && raw[k + 1] === "\\") return k + 2;
    }
    return i + 2; // unterminated: drop only the introducer rather than swallow the rest of the line
  }
  // Charset designations take one more byte: ESC ( B.
  if ((next === "(" || next === ")" || next === "*" || next === "+") && i + 2 < raw.length) return i + 3;
  return i + 2; // two-byte escapes: ESC 7, ESC =, ESC c, …
}

/** Applies SGR parameters ("1;31", "" = reset) to the current style; unknown codes are ignored. */
export function applySgr(params: string, fg: number | null, bold: boolean): [number | null, boolean] {
  const codes = params === "" ? [0] : params.split(";").map((p) => (p === "" ? 0 : Number(p)));
  for (let k = 0; k < codes.length; k++) {
    const code = codes[k]!;
    if (code === 0) [fg, bold] = [null, false];
    else if (code === 1) bold = true;
    else if (code === 22) bold = false;
    else if (code >= 30 && code <= 37) fg = code - 30;
    else if (code >= 90 && code <= 97) fg = code - 90 + 8;
    else if (code === 39) fg = null;
    else if (code === 38 || code === 48 || code === 58) {
      // Extended colours: 5;n (256-colour) or 2;r;g;b. Only 38;5;0–15 maps onto our palette; the rest is skipped.
      const mode = codes[k + 1];
      if (mode === 5) {
        const n = codes[k + 2];
        if (code === 38 && n !== undefined && n >= 0 && n <= 15) fg = n;
        k += 2;
      } else if (mode === 2) k += 4;
    }
  }
  return [fg, bold];
}
