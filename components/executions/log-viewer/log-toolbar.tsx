"use client";
import { memo, type RefObject } from "react";
import styles from "./log-viewer.module.css";
import { describeNav, formatCount, type SearchNav } from "./search-nav";
import type { SearchQuery } from "./types";

type Props = {
  title?: string;
  lineCount: number;
  live: boolean;
  query: SearchQuery;
  onQuery: (q: SearchQuery) => void;
  nav: SearchNav;
  busy: boolean;
  error: string | null;
  onStep: (dir: 1 | -1) => void;
  onEscape: () => void;
  inputRef: RefObject<HTMLInputElement | null>;
  wrap: boolean;
  onToggleWrap: () => void;
  selected: number | null;
  copied: boolean;
  onCopyLink: () => void;
  downloadUrl: string;
};

/** Title, size, search (with the server's true count), wrap, line link and download. Memoised: scrolling never re-renders it. */
export const LogToolbar = memo(function LogToolbar(p: Props) {
  const status = p.error ? p.error : p.busy ? "Searching…" : describeNav(p.nav);
  const canStep = (p.nav.result?.lines.length ?? 0) > 0;
  return (
    <div className={styles.toolbar}>
      {p.title && <span className={styles.title}>{p.title}</span>}
      <span className={styles.meta} data-testid="log-line-count">
        {formatCount(p.lineCount)} {p.lineCount === 1 ? "line" : "lines"}
      </span>
      {p.live && <span className={styles.liveBadge}>live</span>}
      <span className={styles.spacer} />
      <div className={styles.search} role="search">
        <input
          ref={p.inputRef}
          className={styles.searchInput}
          type="search"
          placeholder="Search log"
          aria-label="Search log"
          aria-invalid={p.error ? true : undefined}
          value={p.query.text}
          onChange={(e) => p.onQuery({ ...p.query, text: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              p.onStep(e.shiftKey ? -1 : 1);
            } else if (e.key === "Escape") {
              e.preventDefault();
              p.onEscape();
            }
          }}
        />
        <button
          type="button"
          className={styles.toggle}
          aria-pressed={p.query.caseSensitive}
          aria-label="Match case"
          title="Match case"
          onClick={() => p.onQuery({ ...p.query, caseSensitive: !p.query.caseSensitive })}
        >
          Aa
        </button>
        <button
          type="button"
          className={styles.toggle}
          aria-pressed={p.query.regex}
          aria-label="Regular expression"
          title="Regular expression"
          onClick={() => p.onQuery({ ...p.query, regex: !p.query.regex })}
        >
          .*
        </button>
        <span
          className={p.error ? styles.searchError : styles.searchCount}
          data-testid="search-count"
          aria-live="polite"
        >
          {p.query.text ? status : ""}
        </span>
        <button
          type="button"
          className={styles.tool}
          aria-label="Previous match"
          title="Previous match (Shift+Enter)"
          disabled={!canStep}
          onClick={() => p.onStep(-1)}
        >
          ↑
        </button>
        <button
          type="button"
          className={styles.tool}
          aria-label="Next match"
          title="Next match (Enter)"
          disabled={!canStep}
          onClick={() => p.onStep(1)}
        >
          ↓
        </button>
      </div>
      <button
        type="button"
        className={styles.toggle}
        aria-pressed={p.wrap}
        onClick={p.onToggleWrap}
        title="Wrap long lines"
      >
        Wrap
      </button>
      {p.selected !== null && (
        <button type="button" className={styles.tool} onClick={p.onCopyLink} aria-live="polite">
          {p.copied ? "Link copied" : `Copy link to line ${formatCount(p.selected)}`}
        </button>
      )}
      <a className={styles.tool} href={p.downloadUrl} download aria-label="Download full log">
        Download
      </a>
    </div>
  );
});
