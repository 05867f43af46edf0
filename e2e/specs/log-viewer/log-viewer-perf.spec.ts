/**
 * [LOGS] The log viewer's frame times and memory on the demo page, PRINTED and not asserted (machines are noisy; the
 * functional spec beside this one asserts behaviour). For each scenario: requestAnimationFrame deltas during a
 * scripted 2 s scroll (p50/p95/max, frames over 33 and 50 ms), Chromium's layout/style/script counters for the same
 * interval, JS heap before and after a forced GC, performance.memory, and DOM size.
 */
import { expect, test } from "@playwright/test";
import { expectConsistentWindow, measureScroll, openViewer, visible } from "./log-viewer-helpers";

// A separate file because Playwright's trace recording screencasts the page and would be measured with the viewer,
// and `trace` can only be switched off per file.
test.use({ trace: "off", screenshot: "off" });

const MILLION = "lines=1000000";

test("[LOGS] frame times and memory while scrolling 10k, 1M and 3M lines, wrapped, and following a live tail", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const scenarios: Array<{ label: string; query: string; mode: "steady" | "sweep" | "idle"; wrap?: boolean }> = [
    { label: "10k lines, steady scroll 20,000 px/s (baseline)", query: "lines=10000", mode: "steady" },
    { label: "1M lines, steady scroll 20,000 px/s (≈1,100 lines/s)", query: MILLION, mode: "steady" },
    { label: "1M lines, scrollbar sweep top→bottom in 2 s", query: MILLION, mode: "sweep" },
    { label: "1M lines, wrap on, steady scroll 20,000 px/s", query: MILLION, mode: "steady", wrap: true },
    { label: "3M lines (compressed), steady scroll 20,000 px/s", query: "lines=3000000", mode: "steady" },
    { label: "live at 5,000 lines/s, following the tail", query: "lines=1000000&live=1&rate=5000", mode: "idle" },
  ];
  for (const s of scenarios) {
    await openViewer(page, s.query);
    await expectConsistentWindow(page);
    if (s.wrap) await page.getByRole("button", { name: "Wrap" }).click();
    await page.waitForTimeout(500);
    await measureScroll(page, s.label, s.mode);
    if (s.mode !== "idle") await expectConsistentWindow(page); // and the window is right where it stopped
    expect((await visible(page)).domRows).toBeLessThan(300);
  }
});
