"use client";
import {
  useCallback,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
  type CSSProperties,
  type JSX,
  type KeyboardEvent,
} from "react";
import { GutterCell, LogRow } from "./log-row";
import { LogToolbar } from "./log-toolbar";
import styles from "./log-viewer.module.css";
import { PageCache } from "./page-cache";
import { formatCount } from "./search-nav";
import type { LogSource } from "./types";
import { useFollowTail } from "./use-follow-tail";
import { useLineSelection } from "./use-line-selection";
import { useLiveCount } from "./use-live-count";
import { useLogSearch } from "./use-log-search";
import { useLogVirtualizer } from "./use-log-virtualizer";

/** Pages are requested this many lines beyond the window, so a steady scroll rarely meets a placeholder. */
const PREFETCH_LINES = 150;
/** At most one page request batch per interval: dragging the scrollbar across 1M lines must not flood the server. */
const ENSURE_INTERVAL_MS = 60;

export type LogViewerProps = {
  source: LogSource;
  title?: string;
  live: boolean;
  height?: number | string;
  initialLine?: number;
};

/** A virtualised, paged, searchable view of one step's log; stays fast on millions of lines (see README.md). */
export function LogViewer({ source, title, live, height = 600, initialLine }: LogViewerProps): JSX.Element {
  const scrollRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [version, pageArrived] = useReducer((x: number) => x + 1, 0);
  const cache = useMemo(() => new PageCache((from, to, signal) => source.fetchLines(from, to, signal)), [source]);
  useEffect(() => {
    cache.onChange = pageArrived;
    return () => cache.dispose();
  }, [cache]);
  const lineCount = useLiveCount(source, cache);
  const [wrap, setWrap] = useState(false);

  const { virtualizer, ready, k, rows, realTotal, virtualTotal, topLine, scrollToLine, prepareWrapChange, bindLayer } =
    useLogVirtualizer(scrollRef, lineCount, wrap);
  const follow = useFollowTail(scrollRef, {
    live,
    lineCount,
    initiallyFollowing: initialLine === undefined,
    virtualTotal,
    realTotal,
  });
  const { setFollowing } = follow;
  const jumpTo = useCallback(
    (n: number) => {
      setFollowing(false); // before the scroll: a growth must not re-pin to the bottom first
      scrollToLine(n, "center");
    },
    [scrollToLine, setFollowing],
  );
  const search = useLogSearch({ source, lineCount, live, topLine, jumpTo });

  const stopFollowing = useCallback(() => setFollowing(false), [setFollowing]);
  const { selected, copied, copyLink } = useLineSelection({ ready, initialLine, scrollToLine, stopFollowing });

  const toggleWrap = useCallback(() => {
    prepareWrapChange();
    setWrap((w) => !w);
  }, [prepareWrapChange]);

  const focusLog = useCallback(() => scrollRef.current?.focus(), []);

  const firstLine = rows[0]?.n ?? 0;
  const lastLine = rows.at(-1)?.n ?? 0;

  // Fetch the pages around the window (throttled); `version` re-checks after each arrival (a live tail page can
  // come back shorter than the count that is known by then).
  const lastEnsure = useRef(0);
  useEffect(() => {
    if (lastLine === 0) return;
    const run = () => {
      lastEnsure.current = Date.now();
      cache.ensure(firstLine - PREFETCH_LINES, lastLine + PREFETCH_LINES, lineCount);
    };
    const wait = ENSURE_INTERVAL_MS - (Date.now() - lastEnsure.current);
    if (wait <= 0) return run();
    const t = setTimeout(run, wait);
    return () => clearTimeout(t);
  }, [cache, firstLine, lastLine, lineCount, version]);

  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "f") {
      e.preventDefault(); // Ctrl/Cmd+F inside the viewer searches the whole log, not the ~80 rows in the DOM
      inputRef.current?.focus();
      inputRef.current?.select();
    }
  };
  const onScrollerKeyDown = (e: KeyboardEvent) => {
    const el = scrollRef.current;
    if (!el || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Home") {
      e.preventDefault();
      setFollowing(false);
      el.scrollTop = 0;
    } else if (e.key === "End") {
      e.preventDefault();
      follow.jumpToLatest();
    }
  };

  return (
    <div
      className={`${styles.viewer} ${wrap ? styles.wrap : ""}`}
      style={{ height }}
      onKeyDown={onKeyDown}
      data-testid="log-viewer"
    >
      <LogToolbar
        title={title}
        lineCount={lineCount}
        live={live}
        query={search.query}
        onQuery={search.setQuery}
        nav={search.nav}
        busy={search.busy}
        error={search.error}
        onStep={search.go}
        onEscape={focusLog}
        inputRef={inputRef}
        wrap={wrap}
        onToggleWrap={toggleWrap}
        selected={selected}
        copied={copied}
        onCopyLink={copyLink}
        downloadUrl={source.downloadUrl}
      />
      <div
        ref={scrollRef}
        className={styles.scroller}
        tabIndex={0}
        role="region"
        // Static name: the line count changes 4×/s while live and screen readers re-announce a focused name's changes.
        aria-label={`${title ?? "Step"} log`}
        aria-keyshortcuts="Home End Control+F Meta+F"
        onScroll={follow.onScroll}
        onWheel={follow.onWheel}
        onKeyDown={onScrollerKeyDown}
        data-testid="log-scroller"
        data-compression={k.toFixed(3)}
        style={{ "--digits": String(lineCount).length } as CSSProperties}
      >
        <div
          className={styles.sizer}
          style={{ height: realTotal, minWidth: `calc(${cache.maxLineLength}ch + var(--gutter-w) + 24px)` }}
        >
          <div className={styles.gutter}>
            <div className={styles.layer} ref={bindLayer}>
              {rows.map((row) => (
                <GutterCell
                  key={row.key}
                  n={row.n}
                  top={row.top}
                  height={row.height}
                  line={cache.line(row.n)}
                  selected={row.n === selected}
                />
              ))}
            </div>
          </div>
          <div className={styles.layer} ref={bindLayer}>
            {rows.map((row) => (
              <LogRow
                key={row.key}
                index={row.index}
                n={row.n}
                top={row.top}
                line={cache.line(row.n)}
                highlight={search.highlight}
                selected={row.n === selected}
                current={row.n === search.current}
                measure={wrap ? virtualizer.measureElement : undefined}
              />
            ))}
          </div>
        </div>
      </div>
      {live && !follow.following && (
        <button type="button" className={styles.jump} onClick={follow.jumpToLatest} data-testid="jump-latest">
          Jump to latest ({formatCount(follow.newLines)} new {follow.newLines === 1 ? "line" : "lines"})
        </button>
      )}
    </div>
  );
}
