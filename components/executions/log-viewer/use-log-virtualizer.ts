"use client";
import { useVirtualizer, type VirtualItem } from "@tanstack/react-virtual";
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from "react";
import { compression, FALLBACK_MAX_PX, maxScrollPx, toReal, toVirtual } from "./scroll-space";

/** Row height in px; must match `.row` in log-viewer.module.css. */
export const ROW_PX = 18;
/** Rows rendered beyond each edge: covers what threaded (compositor) scrolling shows before the main thread renders. */
export const OVERSCAN_ROWS = 15;

/** Compressed logs re-base row offsets every this many virtual px (≈55,000 lines), re-rendering the window once. */
const BASE_STEP_PX = 1_000_000;

export type WindowRow = { key: VirtualItem["key"]; index: number; n: number; top: number; height: number };

/**
 * tanstack-virtual over the log's lines, in the compressed space of scroll-space.ts when the log is taller than the
 * browser can lay out (rows are sized 1/k there and mapped back when positioned). Returns the rows to render, and
 * line-based navigation that works the same in both spaces.
 */
export function useLogVirtualizer(scrollRef: RefObject<HTMLDivElement | null>, lineCount: number, wrap: boolean) {
  // The height limit is probed before the first paint (the server render and hydration use the fallback); `ready`
  // lets callers hold back an initial line jump until then, since a position computed with the fallback points at
  // another line afterwards. k goes to a ref during render because measureElement runs in this same commit.
  const [probedMaxPx, setProbedMaxPx] = useState<number | null>(null);
  useLayoutEffect(() => setProbedMaxPx(maxScrollPx()), []);
  const maxPx = probedMaxPx ?? FALLBACK_MAX_PX;
  const k = compression(lineCount * ROW_PX, maxPx);
  const kRef = useRef(k);
  kRef.current = k;

  // tanstack rebuilds its offsets when count or getItemKey changes, not when estimateSize does; k also changes when the
  // probe replaces the fallback, so a new getItemKey per maxPx forces that rebuild.
  const getItemKey = useCallback((index: number) => index, [maxPx]);
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    count: lineCount,
    getItemKey,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_PX / k,
    overscan: OVERSCAN_ROWS,
    measureElement: (el, entry) =>
      (entry?.borderBoxSize[0]?.blockSize ?? el.getBoundingClientRect().height) / kRef.current,
  });
  const realTotal = virtualizer.getTotalSize();
  const virtualTotal = realTotal * k;

  /** The first line on screen, read from the DOM so that callers need not re-bind on every scroll. */
  const topLine = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return 1;
    const total = virtualizer.getTotalSize();
    const v = toVirtual(el.scrollTop, total * kRef.current, total, el.clientHeight);
    return (virtualizer.getVirtualItemForOffset(v / kRef.current)?.index ?? 0) + 1;
  }, [scrollRef, virtualizer]);

  /** Scrolls line `n` to the centre ("center"), the top ("start"), or only if it is off screen ("reveal"). */
  const scrollToLine = useCallback(
    (n: number, how: "center" | "start" | "reveal") => {
      const el = scrollRef.current;
      const item = virtualizer.measurementsCache[Math.min(n, virtualizer.options.count) - 1];
      if (!el || !item) return;
      const c = kRef.current;
      const [total, h, start, size] = [virtualizer.getTotalSize(), el.clientHeight, item.start * c, item.size * c];
      const v = toVirtual(el.scrollTop, total * c, total, h);
      if (how === "reveal" && start >= v && start + size <= v + h) return;
      el.scrollTop = toReal(how === "start" ? start : start - (h - size) / 2, total * c, total, h);
    },
    [scrollRef, virtualizer],
  );

  // Keep the reader's first line in place when wrapping changes every row's height.
  const wrapAnchor = useRef<number | null>(null);
  const prepareWrapChange = useCallback(() => {
    wrapAnchor.current = topLine();
    virtualizer.measure(); // drop measured sizes before the re-render measures the new ones
  }, [topLine, virtualizer]);
  useLayoutEffect(() => {
    if (wrapAnchor.current !== null) scrollToLine(wrapAnchor.current, "start");
    wrapAnchor.current = null;
  }, [wrap, scrollToLine]);

  // tanstack's window, mapped into the compressed space when k > 1 (then its window is a superset: trim it). Rows
  // are placed at their true offset minus a coarse `base`, and the layers holding them are shifted by the rest (see
  // bindLayer): so a row's `top` only changes when the base steps, and rows that stay on screen skip re-rendering,
  // compressed or not. Uncompressed, base = 0 and `top` is exactly item.start.
  const r = virtualizer.scrollOffset ?? 0;
  const h = virtualizer.scrollRect?.height ?? 0;
  const v = toVirtual(r, virtualTotal, realTotal, h);
  const base = k === 1 ? 0 : Math.floor(v / BASE_STEP_PX) * BASE_STEP_PX;
  const rows: WindowRow[] = [];
  for (const item of virtualizer.getVirtualItems()) {
    const y = item.start * k - v;
    if (k > 1 && (y + item.size * k < -OVERSCAN_ROWS * ROW_PX || y > h + OVERSCAN_ROWS * ROW_PX)) continue;
    rows.push({
      key: item.key,
      index: item.index,
      n: item.index + 1,
      top: k === 1 ? item.start : item.start * k - base,
      height: item.size * k,
    });
  }

  // The layers' shift (real scrollTop − virtual offset + base) changes with every scroll event when compressed: it is
  // written straight to the DOM from a scroll listener, one style write per layer, with no React render in between.
  const layers = useRef(new Set<HTMLElement>());
  const shift = useRef({ k, base });
  const applyShift = useCallback(() => {
    const el = scrollRef.current;
    const { k: c, base: b } = shift.current;
    let transform = "";
    if (el && c !== 1) {
      const total = virtualizer.getTotalSize();
      const viewport = virtualizer.scrollRect?.height ?? el.clientHeight;
      transform = `translateY(${el.scrollTop - toVirtual(el.scrollTop, total * c, total, viewport) + b}px)`;
    }
    for (const layer of layers.current) layer.style.transform = transform;
  }, [scrollRef, virtualizer]);
  useLayoutEffect(() => {
    shift.current = { k, base };
    applyShift();
  });
  useEffect(() => {
    const el = scrollRef.current;
    el?.addEventListener("scroll", applyShift, { passive: true });
    return () => el?.removeEventListener("scroll", applyShift);
  }, [scrollRef, applyShift]);
  const bindLayer = useCallback(
    (el: HTMLElement | null) => {
      if (!el) return;
      layers.current.add(el);
      applyShift();
      return () => void layers.current.delete(el);
    },
    [applyShift],
  );

  return {
    virtualizer,
    ready: probedMaxPx !== null,
    k,
    rows,
    realTotal,
    virtualTotal,
    topLine,
    scrollToLine,
    prepareWrapChange,
    bindLayer,
  };
}
