"use client";
import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from "react";
import { toReal, toVirtual } from "./scroll-space";

/** Within this many px of the bottom counts as "at the bottom" (sub-pixel scroll positions, zoom). */
const BOTTOM_SLACK_PX = 2;

type Options = {
  live: boolean;
  lineCount: number;
  initiallyFollowing: boolean;
  /** True and spacer heights (see scroll-space.ts), to keep the reader's place when a compressed log grows. */
  virtualTotal: number;
  realTotal: number;
};

/**
 * Follow the tail while the step runs: stay pinned to the bottom as lines arrive, stop the moment the user scrolls
 * up (scroll position or wheel intent), resume when they come back to the bottom or press "Jump to latest".
 */
export function useFollowTail(scrollRef: RefObject<HTMLDivElement | null>, o: Options) {
  const [following, setFollowingState] = useState(o.live && o.initiallyFollowing);
  const [countAtStop, setCountAtStop] = useState(o.lineCount);
  const followRef = useRef(following);
  const countRef = useRef(o.lineCount);
  const lastTop = useRef(0);
  const prevSpace = useRef({ virtualTotal: o.virtualTotal, realTotal: o.realTotal });
  useLayoutEffect(() => {
    countRef.current = o.lineCount;
  }, [o.lineCount]);

  const setFollowing = useCallback((f: boolean) => {
    if (followRef.current === f) return;
    followRef.current = f;
    setFollowingState(f);
    if (!f) setCountAtStop(countRef.current);
  }, []);

  // After each growth, before paint: pin to the bottom, or (compressed logs only) keep the same lines on screen.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const prev = prevSpace.current;
    prevSpace.current = { virtualTotal: o.virtualTotal, realTotal: o.realTotal };
    if (!el) return;
    if (o.live && followRef.current) {
      el.scrollTop = el.scrollHeight;
    } else if (
      prev.virtualTotal !== o.virtualTotal &&
      (prev.virtualTotal > prev.realTotal || o.virtualTotal > o.realTotal)
    ) {
      const h = el.clientHeight;
      el.scrollTop = toReal(
        toVirtual(el.scrollTop, prev.virtualTotal, prev.realTotal, h),
        o.virtualTotal,
        o.realTotal,
        h,
      );
    }
    lastTop.current = el.scrollTop;
  }, [scrollRef, o.live, o.virtualTotal, o.realTotal]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const top = el.scrollTop;
    if (el.scrollHeight - el.clientHeight - top <= BOTTOM_SLACK_PX) setFollowing(true);
    else if (top < lastTop.current - 1) setFollowing(false);
    lastTop.current = top;
  }, [scrollRef, setFollowing]);

  /** An upward wheel stops following even if a growth re-pins before the scroll event arrives. */
  const onWheel = useCallback(
    (e: { deltaY: number }) => {
      if (e.deltaY < 0) setFollowing(false);
    },
    [setFollowing],
  );

  const jumpToLatest = useCallback(() => {
    const el = scrollRef.current;
    setFollowing(true);
    if (el) el.scrollTop = el.scrollHeight;
  }, [scrollRef, setFollowing]);

  return {
    following: o.live && following,
    newLines: o.live && !following ? Math.max(0, o.lineCount - countAtStop) : 0,
    onScroll,
    onWheel,
    jumpToLatest,
    setFollowing,
  };
}
