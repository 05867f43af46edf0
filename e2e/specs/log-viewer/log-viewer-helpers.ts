/**
 * DOM probes and measurements for the log viewer spec. Measurements are printed, never asserted: frame times depend
 * on the machine; what the spec asserts is behaviour.
 */
import { expect, type Page } from "@playwright/test";

export const ROW_PX = 18;

export const scroller = (page: Page) => page.getByTestId("log-scroller");
export const row = (page: Page, n: number) => page.locator(`[data-testid=log-row][data-line="${n}"]`);
export const lineLink = (page: Page, n: number) => page.getByRole("link", { name: `Line ${n}`, exact: true });

export async function openViewer(page: Page, query: string, hash = "") {
  await page.goto(`/dev/log-viewer?${query}${hash}`);
  await expect(page.getByTestId("log-row").first()).toBeVisible({ timeout: 60_000 });
}

/** Line numbers of the rows fully inside the scroller's viewport, and whether any of them is still a placeholder. */
export function visible(page: Page): Promise<{ lines: number[]; texts: string[]; loading: number; domRows: number }> {
  return page.evaluate(() => {
    const s = document.querySelector<HTMLElement>("[data-testid=log-scroller]")!;
    const top = s.getBoundingClientRect().top + s.clientTop;
    const bottom = top + s.clientHeight;
    const all = [...document.querySelectorAll<HTMLElement>("[data-testid=log-row]")];
    const inView = all
      .filter((r) => {
        const b = r.getBoundingClientRect();
        return b.top >= top - 1 && b.bottom <= bottom + 1;
      })
      .sort((a, b) => Number(a.dataset.line) - Number(b.dataset.line));
    return {
      lines: inView.map((r) => Number(r.dataset.line)),
      texts: inView.map((r) => r.textContent ?? ""),
      loading: inView.filter((r) => r.textContent?.endsWith("…")).length,
      domRows: all.length,
    };
  });
}

/** Waits until the rows on screen are loaded, then checks they are consecutive and show their own line's text. */
export async function expectConsistentWindow(page: Page) {
  // Rows on screen and none still loading: right after a jump (End, a scroll to a fraction) there is a frame with
  // no row inside the viewport yet, and "none loading" alone was already true then (seen in CI: 0 rows read).
  await expect
    .poll(async () => {
      const v = await visible(page);
      return v.loading === 0 && v.lines.length > 10;
    }, { timeout: 15_000 })
    .toBe(true);
  const v = await visible(page);
  expect(v.lines.length).toBeGreaterThan(10);
  v.lines.forEach((n, i) => {
    if (i > 0) expect(n).toBe(v.lines[i - 1]! + 1);
    // Every synthetic line mentions its own number: the text belongs to the row's line number.
    expect(v.texts[i]).toMatch(new RegExp(`\\b${n}\\b`));
  });
  return v;
}

export async function scrollToFraction(page: Page, f: number) {
  await scroller(page).evaluate((s, frac) => {
    s.scrollTop = frac * (s.scrollHeight - s.clientHeight);
  }, f);
}

type FrameStats = { frames: number; p50: number; p95: number; max: number; over33: number; over50: number };

/**
 * Drives the scroller from requestAnimationFrame for `ms` (position = f(elapsed), so slow frames skip ahead like a
 * real fling) and returns frame-time percentiles, plus Chromium's own counters (layouts, style recalcs, script time)
 * for the same interval.
 */
export async function measureScroll(
  page: Page,
  label: string,
  mode: "steady" | "sweep" | "idle",
  pxPerSec = 20_000,
  ms = 2_000,
) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const metrics = async () =>
    Object.fromEntries(
      ((await cdp.send("Performance.getMetrics")).metrics as Array<{ name: string; value: number }>).map((m) => [
        m.name,
        m.value,
      ]),
    );
  const before = await metrics();
  const deltas: number[] = await scroller(page).evaluate(
    (s, o) =>
      new Promise<number[]>((resolve) => {
        const out: number[] = [];
        const start = s.scrollTop;
        const max = s.scrollHeight - s.clientHeight;
        let t0 = -1;
        let last = 0;
        const tick = (now: number) => {
          if (t0 < 0) t0 = now;
          else out.push(now - last);
          last = now;
          const t = now - t0;
          if (t >= o.ms) return resolve(out);
          if (o.mode === "steady") s.scrollTop = Math.min(max, start + (t / 1000) * o.pxPerSec);
          else if (o.mode === "sweep") s.scrollTop = (t / o.ms) * max;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
    { mode, pxPerSec, ms },
  );
  const after = await metrics();
  // Retained heap: what the viewer keeps (page cache, tanstack offsets) once garbage from the run is collected.
  await cdp.send("HeapProfiler.collectGarbage");
  const retained = await metrics();
  await cdp.detach();
  const sorted = [...deltas].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const stats: FrameStats = {
    frames: deltas.length,
    p50: round(pct(0.5)),
    p95: round(pct(0.95)),
    max: round(sorted.at(-1) ?? 0),
    over33: deltas.filter((d) => d > 33.4).length,
    over50: deltas.filter((d) => d > 50).length,
  };
  const d = (k: string) => round((after[k] ?? 0) - (before[k] ?? 0));
  // performance.memory is Chromium-only (and coarse without --enable-precise-memory-info); its getters do not
  // serialise, so read the number inside the page.
  const heapUsed = await page.evaluate(
    () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null,
  );
  const v = await visible(page);
  console.log(
    `[log-viewer perf] ${label}: ${JSON.stringify({
      ...stats,
      layouts: d("LayoutCount"),
      styleRecalcs: d("RecalcStyleCount"),
      layoutMs: round(d("LayoutDuration") * 1000),
      scriptMs: round(d("ScriptDuration") * 1000),
      jsHeapMB: round((after.JSHeapUsedSize ?? 0) / 2 ** 20),
      jsHeapAfterGcMB: round((retained.JSHeapUsedSize ?? 0) / 2 ** 20),
      performanceMemoryMB: heapUsed === null ? "n/a" : round(heapUsed / 2 ** 20),
      domNodes: after.Nodes,
      domRows: v.domRows,
      placeholdersOnScreenAtEnd: v.loading,
    })}`,
  );
  return stats;
}

const round = (x: number) => Math.round(x * 10) / 10;
