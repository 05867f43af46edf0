/**
 * A bounded LRU of fixed-size pages of parsed lines. The viewer never holds the whole log: it asks for the pages
 * around the viewport, in-flight requests are shared, requests for pages the user scrolled away from are aborted,
 * and the least recently wanted pages are evicted (never the ones on screen). ANSI is parsed once per page, here.
 */
import { parseAnsi } from "./ansi";
import type { LogLine, ParsedLine } from "./types";

export type PageFetcher = (from: number, to: number, signal: AbortSignal) => Promise<LogLine[]>;
export type PageCacheOptions = { pageSize?: number; maxPages?: number; retryMs?: number; onChange?: () => void };

export class PageCache {
  readonly pageSize: number;
  readonly maxPages: number;
  private readonly retryMs: number;
  /** Map order is recency: a touched page is re-inserted at the end, eviction takes from the front. */
  private readonly pages = new Map<number, ParsedLine[]>();
  private readonly loading = new Map<number, AbortController>();
  private readonly failedAt = new Map<number, number>();
  private pinned = new Set<number>();
  /**
   * Longest line (in characters) parsed so far. It only grows, so the viewer can give the content a stable width and
   * the horizontal scrollbar never flickers on and off as long lines scroll past (each toggle resizes the viewport).
   */
  maxLineLength = 0;
  onChange: () => void;

  constructor(
    private readonly fetcher: PageFetcher,
    options: PageCacheOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 500;
    this.maxPages = options.maxPages ?? 200;
    this.retryMs = options.retryMs ?? 1000;
    this.onChange = options.onChange ?? (() => {});
  }

  /** The parsed line, if its page is loaded (cheap: called for every visible row on every render). */
  line(n: number): ParsedLine | undefined {
    const p = Math.floor((n - 1) / this.pageSize);
    return this.pages.get(p)?.[n - 1 - p * this.pageSize];
  }

  /**
   * Makes lines [from, to] (inclusive) available for a log of `lineCount` lines: fetches missing or incomplete pages,
   * aborts in-flight pages outside the range, and pins the range against eviction.
   */
  ensure(from: number, to: number, lineCount: number, now = Date.now()): void {
    const first = Math.max(1, from);
    const last = Math.min(lineCount, to);
    const p0 = Math.floor((first - 1) / this.pageSize);
    const p1 = last < first ? p0 - 1 : Math.floor((last - 1) / this.pageSize);
    for (const [p, ctl] of this.loading) {
      if (p < p0 || p > p1) {
        ctl.abort();
        this.loading.delete(p);
      }
    }
    this.pinned = new Set();
    for (let p = p0; p <= p1; p++) {
      this.pinned.add(p);
      const page = this.pages.get(p);
      if (page) this.touch(p, page);
      const start = p * this.pageSize + 1;
      const need = Math.min(this.pageSize, lineCount - start + 1);
      if ((page?.length ?? 0) >= need || this.loading.has(p)) continue;
      const failed = this.failedAt.get(p);
      if (failed !== undefined && now - failed < this.retryMs) continue;
      this.load(p, start, start + need);
    }
  }

  /** Lines delivered by the live stream: appended to their page when contiguous, else left to a later fetch. */
  append(lines: readonly LogLine[]): void {
    for (const line of lines) {
      const p = Math.floor((line.n - 1) / this.pageSize);
      const idx = line.n - 1 - p * this.pageSize;
      const page = this.pages.get(p);
      if (page && idx === page.length) page.push(this.parse(line));
      else if (!page && idx === 0) this.pages.set(p, [this.parse(line)]);
    }
    this.evict();
  }

  get pageCount(): number {
    return this.pages.size;
  }

  get inFlight(): number {
    return this.loading.size;
  }

  /** Aborts everything in flight (unmount, or the source changed). */
  dispose(): void {
    for (const ctl of this.loading.values()) ctl.abort();
    this.loading.clear();
  }

  private load(p: number, from: number, to: number): void {
    const ctl = new AbortController();
    this.loading.set(p, ctl);
    this.fetcher(from, to, ctl.signal).then(
      (lines) => {
        if (ctl.signal.aborted || this.loading.get(p) !== ctl) return;
        this.loading.delete(p);
        // A short answer (the server has not stored the tail yet) backs off like a failure instead of re-asking
        // on every render.
        if (lines.length < to - from) this.backOff(p);
        else this.failedAt.delete(p);
        const fresh = lines.map(this.parse);
        // The live stream may have appended past what this (older) response covers: keep those lines.
        const old = this.pages.get(p);
        this.pages.delete(p);
        this.pages.set(p, old && old.length > fresh.length ? fresh.concat(old.slice(fresh.length)) : fresh);
        this.evict();
        this.onChange();
      },
      () => {
        if (this.loading.get(p) !== ctl) return; // aborted and already forgotten
        this.loading.delete(p);
        this.backOff(p); // the placeholder rows stay until a retry succeeds
        this.onChange();
      },
    );
  }

  private parse = (line: LogLine): ParsedLine => {
    const { text, spans } = parseAnsi(line.text);
    if (text.length > this.maxLineLength) this.maxLineLength = text.length;
    return line.lane ? { n: line.n, stream: line.stream, text, spans, lane: line.lane } : { n: line.n, stream: line.stream, text, spans };
  };

  /** Skip the page for `retryMs`, then ask the owner to re-render, which re-runs ensure() and retries. */
  private backOff(p: number): void {
    this.failedAt.set(p, Date.now());
    setTimeout(() => this.onChange(), this.retryMs);
  }

  private touch(p: number, page: ParsedLine[]): void {
    this.pages.delete(p);
    this.pages.set(p, page);
  }

  private evict(): void {
    if (this.pages.size <= this.maxPages) return;
    for (const p of this.pages.keys()) {
      if (this.pages.size <= this.maxPages) break;
      if (!this.pinned.has(p)) this.pages.delete(p);
    }
  }
}
