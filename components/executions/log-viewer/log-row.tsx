"use client";
import { memo } from "react";
import { findMatches, segmentLine, type Segment } from "./highlight";
import styles from "./log-viewer.module.css";
import type { ParsedLine } from "./types";

type RowProps = {
  index: number;
  n: number;
  /** Offset inside the spacer, px (see scroll-space.ts for why it is not simply the virtual item's start). */
  top: number;
  line: ParsedLine | undefined;
  highlight: RegExp | null;
  selected: boolean;
  current: boolean;
  /** tanstack's measureElement, in wrap mode only: fixed-height rows are never measured. */
  measure?: (el: HTMLDivElement | null) => void;
};

const streamClass = (line: ParsedLine | undefined) =>
  line?.stream === "stderr" ? ` ${styles.stderr}` : line?.stream === "system" ? ` ${styles.system}` : "";

/**
 * One log row: a plain block of text (no per-row flex or sticky box: the line number lives in the gutter column).
 * Memoised on primitive props and the parsed line's identity (stable while its page is cached), so a scroll renders
 * only rows entering the window; the text is a further memo (LineText) for compressed logs, where every row's `top`
 * changes on each scroll.
 */
export const LogRow = memo(function LogRow({ index, n, top, line, highlight, selected, current, measure }: RowProps) {
  const cls = `${styles.row}${streamClass(line)}${selected ? ` ${styles.selected}` : ""}${current ? ` ${styles.current}` : ""}`;
  return (
    <div
      ref={measure}
      className={cls}
      data-index={index}
      data-line={n}
      data-testid="log-row"
      data-selected={selected || undefined}
      data-current={current || undefined}
      style={{ transform: `translateY(${top}px)` }}
    >
      {line?.lane && <span className={styles.lane}>{line.lane}</span>}
      {line ? <LineText line={line} highlight={highlight} /> : <span className={styles.placeholder}>…</span>}
    </div>
  );
});

type CellProps = { n: number; top: number; height: number; line: ParsedLine | undefined; selected: boolean };

/**
 * A line number in the gutter column (one sticky column for all rows, so sideways scrolling moves one box, not one
 * per row). A real link: "copy link address" works, and clicking sets #Ln, which the viewer turns into a selection.
 */
export const GutterCell = memo(function GutterCell({ n, top, height, line, selected }: CellProps) {
  return (
    <a
      className={`${styles.cell}${streamClass(line)}${selected ? ` ${styles.selected}` : ""}`}
      href={`#L${n}`}
      tabIndex={-1}
      aria-label={`Line ${n}`}
      style={{ transform: `translateY(${top}px)`, height }}
    >
      {n}
    </a>
  );
});

const LineText = memo(function LineText({ line, highlight }: { line: ParsedLine; highlight: RegExp | null }) {
  // Fast path: no colour and no search (most rows): one text node, no segmentation.
  if (!line.spans && !highlight) return line.text;
  return segmentLine(line.text, line.spans, findMatches(line.text, highlight)).map(renderSegment);
});

function renderSegment(s: Segment, i: number) {
  let cls = s.fg === null ? "" : styles[`fg${s.fg}`]!;
  if (s.bold) cls += ` ${styles.bold}`;
  if (s.mark)
    return (
      <mark key={i} className={`${styles.mark} ${cls}`}>
        {s.text}
      </mark>
    );
  return cls ? (
    <span key={i} className={cls}>
      {s.text}
    </span>
  ) : (
    s.text
  );
}
