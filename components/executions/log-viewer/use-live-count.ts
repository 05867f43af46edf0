"use client";
import { useEffect, useState } from "react";
import type { PageCache } from "./page-cache";
import type { LogSource } from "./types";

/**
 * How often a growing log re-renders. Each new count makes tanstack rebuild its offsets, O(lines) (≈15 ms at 1M
 * lines), so per-message updates at 5,000 lines/s would eat the frame budget. 250 ms matches the cadence users
 * already know from GitHub's runner (250–500 ms flushes) and keeps the rebuild under 10% of a core.
 */
export const COUNT_INTERVAL_MS = 250;

/** The log's line count, following the source's growth; streamed lines go straight into the page cache. */
export function useLiveCount(source: LogSource, cache: PageCache): number {
  const [count, setCount] = useState(() => source.lineCount());

  useEffect(() => {
    setCount(source.lineCount());
    let pending: number | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastFlush = 0;
    const flush = () => {
      timer = null;
      lastFlush = Date.now();
      if (pending !== null) setCount(pending);
      pending = null;
    };
    const unsubscribe = source.subscribe((lineCount, newLines) => {
      if (newLines.length > 0) cache.append(newLines);
      pending = lineCount;
      // Leading edge after a quiet period (the first line of a burst shows at once), then at most one per interval.
      if (timer === null) timer = setTimeout(flush, Math.max(0, COUNT_INTERVAL_MS - (Date.now() - lastFlush)));
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [source, cache]);

  return count;
}
