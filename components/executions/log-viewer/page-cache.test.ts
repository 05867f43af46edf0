import { describe, expect, it, vi } from "vitest";
import { PageCache, type PageFetcher } from "./page-cache";
import type { LogLine } from "./types";

const line = (n: number): LogLine => ({ n, text: `line ${n}`, stream: "stdout" });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => line(from + i));

/** A fetcher whose requests resolve only when the test says so, recording each call and its signal. */
function manualFetcher() {
  const calls: Array<{
    from: number;
    to: number;
    signal: AbortSignal;
    resolve: (lines: LogLine[]) => void;
    reject: (e: unknown) => void;
  }> = [];
  const fetcher: PageFetcher = (from, to, signal) =>
    new Promise((resolve, reject) => {
      calls.push({ from, to, signal, resolve, reject });
    });
  const settle = async (i: number, lines?: LogLine[]) => {
    const c = calls[i]!;
    c.resolve(lines ?? range(c.from, c.to));
    await Promise.resolve();
    await Promise.resolve();
  };
  return { fetcher, calls, settle };
}

describe("PageCache", () => {
  it("fetches only the pages covering the requested range, never the whole log", () => {
    const { fetcher, calls } = manualFetcher();
    const cache = new PageCache(fetcher, { pageSize: 100 });
    cache.ensure(250, 420, 1_000_000);
    expect(calls.map((c) => [c.from, c.to])).toEqual([
      [201, 301],
      [301, 401],
      [401, 501],
    ]);
  });

  it("shares an in-flight request instead of fetching a page twice", async () => {
    const { fetcher, calls, settle } = manualFetcher();
    const onChange = vi.fn();
    const cache = new PageCache(fetcher, { pageSize: 100, onChange });
    cache.ensure(1, 50, 1000);
    cache.ensure(10, 60, 1000);
    expect(calls).toHaveLength(1);
    await settle(0);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(cache.line(42)?.text).toBe("line 42");
    cache.ensure(1, 50, 1000);
    expect(calls).toHaveLength(1); // loaded: no refetch
  });

  it("aborts requests for pages scrolled away from and ignores their late answers", async () => {
    const { fetcher, calls, settle } = manualFetcher();
    const onChange = vi.fn();
    const cache = new PageCache(fetcher, { pageSize: 100, onChange });
    cache.ensure(1, 50, 1_000_000);
    cache.ensure(500_001, 500_050, 1_000_000);
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(calls[1]!.signal.aborted).toBe(false);
    expect(cache.inFlight).toBe(1);
    await settle(0);
    expect(cache.line(1)).toBeUndefined();
    expect(onChange).not.toHaveBeenCalled();
  });

  it("evicts the least recently wanted pages, never the ones on screen", async () => {
    const { fetcher, calls, settle } = manualFetcher();
    const cache = new PageCache(fetcher, { pageSize: 10, maxPages: 3 });
    for (const first of [1, 11, 21]) {
      cache.ensure(first, first, 1000);
      await settle(calls.length - 1);
    }
    cache.ensure(1, 1, 1000); // touch page 0: page 1 (lines 11–20) is now the oldest
    cache.ensure(31, 31, 1000);
    await settle(calls.length - 1);
    expect(cache.pageCount).toBe(3);
    expect(cache.line(11)).toBeUndefined();
    expect(cache.line(1)?.n).toBe(1);
    expect(cache.line(21)?.n).toBe(21);
    expect(cache.line(31)?.n).toBe(31);
  });

  it("keeps pinned pages even when the visible range alone exceeds the bound", async () => {
    const { fetcher, settle } = manualFetcher();
    const cache = new PageCache(fetcher, { pageSize: 10, maxPages: 2 });
    cache.ensure(1, 40, 1000); // 4 pages on screen
    for (let i = 0; i < 4; i++) await settle(i);
    expect(cache.pageCount).toBe(4);
    cache.ensure(500, 500, 1000);
    await settle(4);
    expect(cache.pageCount).toBe(2);
  });

  it("parses ANSI once, when the page arrives", async () => {
    const { fetcher, calls, settle } = manualFetcher();
    const cache = new PageCache(fetcher, { pageSize: 10 });
    cache.ensure(1, 1, 5);
    await settle(0, [{ n: 1, text: "\x1b[31mred\x1b[0m", stream: "stderr" }]);
    expect(calls).toHaveLength(1);
    expect(cache.line(1)).toEqual({
      n: 1,
      stream: "stderr",
      text: "red",
      spans: [{ from: 0, to: 3, fg: 1, bold: false }],
    });
  });

  it("appends streamed lines to the tail page and refetches a tail that only grew in count", async () => {
    const { fetcher, calls, settle } = manualFetcher();
    const cache = new PageCache(fetcher, { pageSize: 10, retryMs: 0 });
    cache.ensure(1, 10, 5);
    await settle(0);
    cache.append([line(6), line(7)]);
    expect(cache.line(7)?.text).toBe("line 7");
    cache.append([line(9)]); // gap (8 missing): not appended
    expect(cache.line(9)).toBeUndefined();
    cache.append([line(11)]); // first line of the next page starts it
    expect(cache.line(11)?.n).toBe(11);
    cache.ensure(1, 10, 9); // count says 9, page 0 holds 7: refetch
    expect(calls.map((c) => [c.from, c.to])).toEqual([
      [1, 6],
      [1, 10],
    ]);
  });

  it("keeps streamed lines that arrived while an older, shorter fetch was in flight", async () => {
    const { fetcher, settle } = manualFetcher();
    const cache = new PageCache(fetcher, { pageSize: 10 });
    cache.ensure(1, 10, 3);
    cache.append([line(1), line(2), line(3), line(4), line(5)]);
    await settle(0); // answers lines 1–3 only
    expect(cache.line(5)?.text).toBe("line 5");
  });

  it("backs off after a failed fetch instead of retrying on every render", async () => {
    const { fetcher, calls } = manualFetcher();
    const onChange = vi.fn();
    const cache = new PageCache(fetcher, { pageSize: 10, retryMs: 1000, onChange });
    cache.ensure(1, 10, 100, 0);
    calls[0]!.reject(new Error("503"));
    await Promise.resolve();
    await Promise.resolve();
    cache.ensure(1, 10, 100);
    expect(calls).toHaveLength(1);
    cache.ensure(1, 10, 100, Date.now() + 1001);
    expect(calls).toHaveLength(2);
  });

  it("dispose aborts everything in flight", () => {
    const { fetcher, calls } = manualFetcher();
    const cache = new PageCache(fetcher, { pageSize: 10 });
    cache.ensure(1, 30, 100);
    cache.dispose();
    expect(calls.every((c) => c.signal.aborted)).toBe(true);
    expect(cache.inFlight).toBe(0);
  });
});
