/**
 * Search highlighting for the rows on screen: the server says WHICH lines match; this marks WHERE in each visible
 * line, client-side, over the escape-free text (so a match never splits an escape sequence).
 */
import type { AnsiSpan, SearchQuery } from "./types";

export type Segment = { text: string; fg: number | null; bold: boolean; mark: boolean };

/** The matcher for a query, or an error for an invalid regex; null for an empty query. */
export function buildMatcher(query: SearchQuery): { re: RegExp } | { error: string } | null {
  if (query.text === "") return null;
  const flags = query.caseSensitive ? "g" : "gi";
  if (!query.regex) return { re: new RegExp(query.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), flags) };
  try {
    return { re: new RegExp(query.text, flags) };
  } catch (e) {
    return { error: e instanceof Error ? e.message.replace(/^Invalid regular expression: /, "") : "Invalid regex" };
  }
}

/**
 * Match ranges [from, to) in `text`. Empty matches (the regex "x?" matches everywhere) are skipped rather than looping; `max` bounds the work
 * on pathological lines (a 100 KB minified bundle matching "e").
 */
export function findMatches(text: string, re: RegExp | null, max = 500): Array<[number, number]> {
  if (!re) return [];
  const out: Array<[number, number]> = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (out.length < max && (m = re.exec(text)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex++;
      if (re.lastIndex > text.length) break;
      continue;
    }
    out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

/** Splits a line into styled runs, cut additionally at match boundaries so marks can wrap coloured text. */
export function segmentLine(text: string, spans: AnsiSpan[] | null, matches: Array<[number, number]>): Segment[] {
  const runs: AnsiSpan[] = spans ?? [{ from: 0, to: text.length, fg: null, bold: false }];
  if (matches.length === 0)
    return runs.map((r) => ({ text: text.slice(r.from, r.to), fg: r.fg, bold: r.bold, mark: false }));
  const out: Segment[] = [];
  let mi = 0;
  for (const run of runs) {
    let pos = run.from;
    while (pos < run.to) {
      while (mi < matches.length && matches[mi]![1] <= pos) mi++;
      const match = matches[mi];
      let end: number;
      let mark = false;
      if (!match || match[0] >= run.to) end = run.to;
      else if (match[0] > pos) end = match[0];
      else {
        end = Math.min(match[1], run.to);
        mark = true;
      }
      const last = out[out.length - 1];
      // Adjacent pieces with the same style merge, so a plain unmatched line stays one text node.
      if (last && last.mark === mark && last.fg === run.fg && last.bold === run.bold) last.text += text.slice(pos, end);
      else out.push({ text: text.slice(pos, end), fg: run.fg, bold: run.bold, mark });
      pos = end;
    }
  }
  return out;
}
