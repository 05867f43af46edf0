/**
 * Browsers cap an element's height (Chromium ≈ 33.5M px, Firefox ≈ 17.9M px): at 18 px a row, Firefox cannot lay out
 * 1,000,000 lines and Chromium stops at ≈1.86M, after which the tail is silently unreachable. Past the cap the viewer
 * compresses: the spacer is `real` px tall, rows are sized 1/k in the virtualizer, and the real scroll position is
 * mapped linearly onto the true ("virtual") one so both ends line up. Under the cap k = 1 and every mapping is the
 * identity, so the common case is plain tanstack virtualisation.
 */

/** Under Firefox's cap; used on the server and if probing fails. */
export const FALLBACK_MAX_PX = 15_000_000;

let probed: number | null = null;

/** The tallest spacer this browser lays out, measured once (one forced layout per page load), with 5% headroom. */
export function maxScrollPx(): number {
  if (probed !== null) return probed;
  if (typeof document === "undefined") return FALLBACK_MAX_PX;
  const el = document.createElement("div");
  el.style.cssText = "position:absolute;visibility:hidden;top:0;left:0;width:1px;height:1000000000px";
  document.body.appendChild(el);
  const h = el.offsetHeight;
  el.remove();
  probed = h > 1_000_000 ? Math.floor(h * 0.95) : FALLBACK_MAX_PX;
  return probed;
}

/** How many virtual px one spacer px stands for, given the true content height. */
export function compression(virtualTotal: number, maxPx: number): number {
  return virtualTotal > maxPx ? virtualTotal / maxPx : 1;
}

/**
 * Virtual scroll offset for a real scrollTop: maps [0, real − viewport] onto [0, virtual − viewport], so the top and
 * the very last line are both reachable.
 */
export function toVirtual(realOffset: number, virtualTotal: number, realTotal: number, viewport: number): number {
  const realRange = realTotal - viewport;
  if (virtualTotal <= realTotal || realRange <= 0) return realOffset;
  return (realOffset * (virtualTotal - viewport)) / realRange;
}

/** Inverse of toVirtual, clamped to the scrollable range. */
export function toReal(virtualOffset: number, virtualTotal: number, realTotal: number, viewport: number): number {
  const realRange = realTotal - viewport;
  const v = Math.max(0, Math.min(virtualOffset, virtualTotal - viewport));
  if (virtualTotal <= realTotal || realRange <= 0) return v;
  return (v * realRange) / (virtualTotal - viewport);
}
