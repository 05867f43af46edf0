/**
 * Search navigation as pure state, so wrap-around and truncated totals are unit-tested rather than eyeballed. The
 * count always shows the server's TRUE total: GitHub's per-step search is reported to stop counting at 100.
 */
import type { SearchResult } from "./types";

export type SearchNav = { result: SearchResult | null; index: number /* into result.lines; -1 = none */ };

export const EMPTY_NAV: SearchNav = { result: null, index: -1 };

/** Index of the first match at or after `line`, wrapping to the first match; -1 when there are none. */
export function indexAtOrAfter(lines: readonly number[], line: number): number {
  if (lines.length === 0) return -1;
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lines[mid]! < line) lo = mid + 1;
    else hi = mid;
  }
  return lo === lines.length ? 0 : lo;
}

/** A fresh result positioned at the first match at or after the line the user is looking at. */
export function navFromResult(result: SearchResult, fromLine: number): SearchNav {
  return { result, index: indexAtOrAfter(result.lines, fromLine) };
}

/**
 * A refreshed result (the live log grew) keeping the user on the match they were on: the same line if it still
 * matches, else the next one after it.
 */
export function navRefreshed(prev: SearchNav, result: SearchResult): SearchNav {
  const current = currentLine(prev);
  return current === null ? { result, index: -1 } : navFromResult(result, current);
}

/** Next (+1) or previous (-1) match, wrapping at both ends of the shown matches. */
export function step(nav: SearchNav, dir: 1 | -1): SearchNav {
  const n = nav.result?.lines.length ?? 0;
  if (n === 0) return nav;
  const index = nav.index < 0 ? (dir === 1 ? 0 : n - 1) : (nav.index + dir + n) % n;
  return { ...nav, index };
}

export function currentLine(nav: SearchNav): number | null {
  if (!nav.result || nav.index < 0) return null;
  return nav.result.lines[nav.index] ?? null;
}

const fmt = new Intl.NumberFormat("en-US");
export const formatCount = (n: number) => fmt.format(n);

/** "3 of 1,922", "No matches", or "3 of 12,345 (first 10,000 shown)" when the server capped the line list. */
export function describeNav(nav: SearchNav): string {
  const r = nav.result;
  if (!r) return "";
  if (r.total === 0) return "No matches";
  const pos = nav.index < 0 ? "–" : formatCount(nav.index + 1);
  const base = `${pos} of ${formatCount(r.total)}`;
  return r.truncated || r.lines.length < r.total ? `${base} (first ${formatCount(r.lines.length)} shown)` : base;
}
