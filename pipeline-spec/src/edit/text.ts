/**
 * Text-level helpers for the structural editor: lines (LF or CRLF), and text changes (splices) — applying,
 * merging, composing and shrinking them. Offsets are JavaScript string indexes (UTF-16 code units), the unit
 * Monaco's `getOffsetAt` and the yaml package's node ranges use.
 */

/** Replace `text.slice(start, end)` of the ORIGINAL text with `text`. Like an LSP TextEdit, in offsets. */
export type TextChange = { start: number; end: number; text: string };

/** The end-of-line sequence of a document: CRLF when its first line break is CRLF, else LF. */
export function detectEol(text: string): "\n" | "\r\n" {
  const newline = text.indexOf("\n");
  return newline > 0 && text[newline - 1] === "\r" ? "\r\n" : "\n";
}

/** Offset of the first character of the line containing `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** Offset of the line break ending the line that contains `offset` (before a CR), or text.length. */
export function lineContentEnd(text: string, offset: number): number {
  const newline = text.indexOf("\n", offset);
  if (newline === -1) return text.length;
  return newline > 0 && text[newline - 1] === "\r" ? newline - 1 : newline;
}

/** Offset just after the line break ending the line that contains `offset`, or text.length. */
export function nextLineStart(text: string, offset: number): number {
  const newline = text.indexOf("\n", offset);
  return newline === -1 ? text.length : newline + 1;
}

/** The smallest line boundary at or after `offset` (offset itself when it already starts a line). */
export function lineBoundaryAtOrAfter(text: string, offset: number): number {
  if (offset <= 0 || text[offset - 1] === "\n") return offset;
  return nextLineStart(text, offset);
}

/** The line starting at `start`, without its line break. */
export function lineAt(text: string, start: number): string {
  return text.slice(start, lineContentEnd(text, start));
}

/** Start of the previous line, or -1 when `start` is on the first line. */
export function previousLineStart(text: string, start: number): number {
  if (start <= 0) return -1;
  return lineStart(text, start - 1);
}

export const isBlankLine = (line: string): boolean => /^[ \t]*\r?$/.test(line);
export const isCommentLine = (line: string): boolean => /^[ \t]*#/.test(line);
export const indentOf = (line: string): number => /^ */.exec(line)?.[0].length ?? 0;

/** Column (0-based) of `offset` on its line. */
export function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** True when only spaces precede `offset` on its line. */
export function startsLine(text: string, offset: number): boolean {
  return /^[ ]*$/.test(text.slice(lineStart(text, offset), offset));
}

export const spaces = (count: number): string => " ".repeat(Math.max(0, count));

/**
 * Shifts every line of `block` right (delta > 0) or left (delta < 0) by `delta` spaces; lines with fewer
 * leading spaces than a left shift needs lose only the spaces they have. Blank lines stay empty.
 */
export function reindent(block: string, delta: number, skipFirstLine = false): string {
  if (delta === 0) return block;
  const lines = block.split("\n");
  return lines
    .map((line, i) => {
      if (i === 0 && skipFirstLine) return line;
      if (isBlankLine(line)) return line.endsWith("\r") ? "\r" : "";
      if (delta > 0) return spaces(delta) + line;
      const remove = Math.min(-delta, indentOf(line));
      return line.slice(remove);
    })
    .join("\n");
}

/** Sorts changes by position (stable) and checks that they do not overlap; null when they do. */
export function normalizeChanges(changes: readonly TextChange[]): TextChange[] | null {
  const sorted = changes
    .map((change, i) => ({ change, i }))
    .sort((a, b) => a.change.start - b.change.start || a.change.end - b.change.end || a.i - b.i)
    .map(({ change }) => change);
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i] as TextChange).start < (sorted[i - 1] as TextChange).end) return null;
  }
  return sorted;
}

/** Applies sorted, non-overlapping changes (see normalizeChanges). */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  let out = "";
  let at = 0;
  for (const change of changes) {
    out += text.slice(at, change.start) + change.text;
    at = change.end;
  }
  return out + text.slice(at);
}

/**
 * Folds `next` (changes on the text produced by `base`) into `base` (changes on the original), so the result
 * applies to the original directly. `current` is the text `base` produced. Changes that touch are merged.
 */
export function composeChanges(base: TextChange[], next: readonly TextChange[], current: string): TextChange[] {
  let result = [...base];
  // From last to first: a change only shifts what follows it, so earlier positions stay valid.
  const ordered = [...next].sort((a, b) => b.start - a.start || b.end - a.end);
  let text = current;
  for (const change of ordered) {
    result = foldOne(result, change, text);
    text = text.slice(0, change.start) + change.text + text.slice(change.end);
  }
  return result;
}

function foldOne(base: TextChange[], change: TextChange, current: string): TextChange[] {
  // Where each base change's inserted text sits in `current`.
  let delta = 0;
  const placed = base.map((b) => {
    const from = b.start + delta;
    delta += b.text.length - (b.end - b.start);
    return { b, from, to: from + b.text.length, deltaAfter: delta };
  });
  const touching = placed.filter((p) => p.from <= change.end && p.to >= change.start);
  if (touching.length === 0) {
    const before = placed.filter((p) => p.to <= change.start);
    const shift = before.length > 0 ? (before[before.length - 1] as (typeof placed)[number]).deltaAfter : 0;
    const mapped = { start: change.start - shift, end: change.end - shift, text: change.text };
    return (normalizeChanges([...base, mapped]) ?? [...base, mapped]) as TextChange[];
  }
  const first = touching[0] as (typeof placed)[number];
  const last = touching[touching.length - 1] as (typeof placed)[number];
  const lo = Math.min(change.start, first.from);
  const hi = Math.max(change.end, last.to);
  const shiftBefore = first.deltaAfter - (first.b.text.length - (first.b.end - first.b.start));
  const start = lo === first.from ? first.b.start : lo - shiftBefore;
  const end = hi === last.to ? last.b.end : hi - last.deltaAfter;
  const text = current.slice(lo, change.start) + change.text + current.slice(change.end, hi);
  const merged = { start, end, text };
  const kept = base.filter((b) => !touching.some((t) => t.b === b));
  return normalizeChanges([...kept, merged]) ?? [...kept, merged];
}

/**
 * Shrinks each change to the part that really differs (common prefix and suffix with the replaced text are
 * dropped), so a rename of `build` to `build-all` inserts `-all` and nothing else. Never splits a CRLF pair or
 * a surrogate pair.
 */
export function shrinkChanges(original: string, changes: readonly TextChange[]): TextChange[] {
  const out: TextChange[] = [];
  for (const change of changes) {
    const old = original.slice(change.start, change.end);
    const max = Math.min(old.length, change.text.length);
    let prefix = 0;
    while (prefix < max && old.charCodeAt(prefix) === change.text.charCodeAt(prefix)) prefix++;
    while (prefix > 0 && !safeCut(change.text, prefix)) prefix--;
    let suffix = 0;
    while (
      suffix < max - prefix &&
      old.charCodeAt(old.length - 1 - suffix) === change.text.charCodeAt(change.text.length - 1 - suffix)
    ) {
      suffix++;
    }
    while (suffix > 0 && !safeCut(change.text, change.text.length - suffix)) suffix--;
    const shrunk = {
      start: change.start + prefix,
      end: change.end - suffix,
      text: change.text.slice(prefix, change.text.length - suffix),
    };
    if (shrunk.start === shrunk.end && shrunk.text === "") continue;
    out.push(shrunk);
  }
  return out;
}

/** Whether cutting `text` at `index` keeps CRLF pairs and surrogate pairs whole. */
function safeCut(text: string, index: number): boolean {
  if (index <= 0 || index >= text.length) return true;
  if (text[index - 1] === "\r" && text[index] === "\n") return false;
  const code = text.charCodeAt(index);
  return !(code >= 0xdc00 && code <= 0xdfff);
}

/** The range of the new text covered by `changes` (sorted, on the original): from the first to the last. */
export function changedRange(changes: readonly TextChange[]): { start: number; end: number } {
  if (changes.length === 0) return { start: 0, end: 0 };
  let delta = 0;
  let start = 0;
  let end = 0;
  changes.forEach((change, i) => {
    if (i === 0) start = change.start + delta;
    delta += change.text.length - (change.end - change.start);
    end = change.end + delta;
  });
  return { start, end };
}

/** Maps an offset of the original text through `changes` (positions inside a change map to its end). */
export function mapOffset(changes: readonly TextChange[], offset: number): number {
  let delta = 0;
  for (const change of changes) {
    if (change.end <= offset) delta += change.text.length - (change.end - change.start);
    else if (change.start < offset) return change.start + delta + change.text.length;
  }
  return offset + delta;
}

/** 1-based line number of `offset`. */
export function lineNumber(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
