"use client";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { buildMatcher } from "./highlight";
import { currentLine, EMPTY_NAV, navFromResult, navRefreshed, step, type SearchNav } from "./search-nav";
import type { LogSource, SearchQuery } from "./types";

/** Line numbers the server returns per search; the count beyond it is still exact (`total`). */
export const SEARCH_LIMIT = 10_000;
const DEBOUNCE_MS = 250;
/** While the step runs, the total is refreshed at most this often so it stays true without hammering the server. */
const LIVE_REFRESH_MS = 2_000;

const keyOf = (q: SearchQuery) => `${q.caseSensitive ? "C" : "c"}${q.regex ? "R" : "r"}${q.text}`;

type Options = {
  source: LogSource;
  lineCount: number;
  live: boolean;
  /** The first line on screen: a new search starts from there, not from the top of the log. */
  topLine: () => number;
  jumpTo: (line: number) => void;
};

/** Server-side search over the whole log, with next/previous navigation and a client-side matcher for highlighting. */
export function useLogSearch({ source, lineCount, live, topLine, jumpTo }: Options) {
  const [query, setQuery] = useState<SearchQuery>({ text: "", caseSensitive: false, regex: false });
  const [nav, setNav] = useState<SearchNav>(EMPTY_NAV);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const matcher = useMemo(() => buildMatcher(query), [query]);

  // Callbacks read the latest values through refs so that `run` only changes when the query does.
  const navRef = useRef(nav);
  const shownKey = useRef("");
  const ctlRef = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastRun = useRef(0);
  const latest = useRef({ topLine, jumpTo });
  useLayoutEffect(() => {
    latest.current = { topLine, jumpTo };
  });

  const commit = (next: SearchNav) => {
    navRef.current = next;
    setNav(next);
  };

  const run = useCallback(
    (mode: "fresh" | "refresh") => {
      ctlRef.current?.abort();
      lastRun.current = Date.now();
      if (!matcher || "error" in matcher) {
        shownKey.current = keyOf(query);
        setBusy(false);
        commit(EMPTY_NAV);
        return;
      }
      const ctl = new AbortController();
      ctlRef.current = ctl;
      if (mode === "fresh") setBusy(true);
      source.search(query, SEARCH_LIMIT, ctl.signal).then(
        (result) => {
          if (ctl.signal.aborted) return;
          shownKey.current = keyOf(query);
          setBusy(false);
          setFailure(null);
          const next =
            mode === "fresh" ? navFromResult(result, latest.current.topLine()) : navRefreshed(navRef.current, result);
          commit(next);
          const line = currentLine(next);
          if (mode === "fresh" && line !== null) latest.current.jumpTo(line);
        },
        (err: unknown) => {
          if (ctl.signal.aborted) return;
          setBusy(false);
          setFailure(err instanceof Error ? err.message : "Search failed");
        },
      );
    },
    [source, query, matcher],
  );

  // A new query searches after a short pause in typing; clearing the box clears at once.
  useEffect(() => {
    timer.current = setTimeout(() => run("fresh"), query.text ? DEBOUNCE_MS : 0);
    return () => {
      if (timer.current !== null) clearTimeout(timer.current);
    };
  }, [run, query.text]);

  // A growing log changes the total: refresh it (keeping the current match) at a bounded rate.
  useEffect(() => {
    if (!live || !query.text || busy || shownKey.current !== keyOf(query)) return;
    const t = setTimeout(() => run("refresh"), Math.max(0, LIVE_REFRESH_MS - (Date.now() - lastRun.current)));
    return () => clearTimeout(t);
  }, [lineCount, live, query, busy, run]);

  useEffect(() => () => ctlRef.current?.abort(), []);

  /** Enter / Shift+Enter: next or previous match; on a query not searched yet, search now instead of waiting. */
  const go = useCallback(
    (dir: 1 | -1) => {
      if (shownKey.current !== keyOf(query)) {
        if (timer.current !== null) clearTimeout(timer.current);
        if (!busy) run("fresh");
        return;
      }
      const next = step(navRef.current, dir);
      commit(next);
      const line = currentLine(next);
      if (line !== null) latest.current.jumpTo(line);
    },
    [query, busy, run],
  );

  return {
    query,
    setQuery,
    nav,
    busy,
    go,
    current: currentLine(nav),
    highlight: matcher && "re" in matcher ? matcher.re : null,
    error: matcher && "error" in matcher ? matcher.error : failure,
  };
}
