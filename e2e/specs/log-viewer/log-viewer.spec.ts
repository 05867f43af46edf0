/**
 * [LOGS] The step log viewer on the development demo page (/dev/log-viewer, synthetic log with 20 ms page fetches):
 * a million lines stay a few dozen DOM rows, both ends and the middle show the right lines, search reports the
 * server's true total, the live tail follows until the user scrolls up, line links work, and logs taller than the
 * browser can lay out stay reachable. Frame times and memory: log-viewer-perf.spec.ts (printed, not asserted).
 */
import { expect, test } from "@playwright/test";
import {
  expectConsistentWindow,
  lineLink,
  openViewer,
  ROW_PX,
  row,
  scrollToFraction,
  scroller,
  visible,
} from "./log-viewer-helpers";

const MILLION = "lines=1000000";

test("[LOGS] 1,000,000 lines load with fewer than 300 rows in the DOM", async ({ page }) => {
  await openViewer(page, MILLION);
  await expect(page.getByTestId("log-line-count")).toHaveText("1,000,000 lines");
  await expect(row(page, 1)).toContainText("processed item 1 in");
  const v = await expectConsistentWindow(page);
  expect(v.lines[0]).toBe(1);
  expect(v.domRows).toBeLessThan(300);
  await expect(page.getByRole("link", { name: "Download full log" })).toHaveAttribute(
    "href",
    "/dev/log-viewer/download?lines=1000000",
  );
});

test("[LOGS] End shows line 1,000,000 and Home returns to line 1", async ({ page }) => {
  await openViewer(page, MILLION);
  await scroller(page).focus();
  await page.keyboard.press("End");
  await expect(row(page, 1_000_000)).toContainText("exit code 1 (attempt 10 failed at line 1000000)");
  const v = await expectConsistentWindow(page);
  expect(v.lines.at(-1)).toBe(1_000_000);
  await page.keyboard.press("Home");
  await expect(row(page, 1)).toBeInViewport();
});

test("[LOGS] scrolling through the middle renders the right line numbers", async ({ page }) => {
  await openViewer(page, MILLION);
  for (const f of [0.25, 0.5, 0.77]) {
    await scrollToFraction(page, f);
    const top = await scroller(page).evaluate((s) => s.scrollTop);
    const v = await expectConsistentWindow(page);
    // Uncompressed in Chromium (18M px fits its 33.5M px limit): the first visible row is exactly scrollTop / 18.
    expect(v.lines[0]).toBe(Math.ceil(top / ROW_PX) + 1);
    expect(v.domRows).toBeLessThan(300);
  }
  // Continuous wheel scrolling across page boundaries (500-line pages) ends on a loaded, consistent window.
  const before = (await visible(page)).lines[0]!;
  await scroller(page).hover();
  for (let i = 0; i < 20; i++) await page.mouse.wheel(0, 900);
  const after = await expectConsistentWindow(page);
  expect(after.lines[0]).toBeGreaterThan(before + 500);
});

test("[LOGS] search reports the true total and Enter jumps to the next match", async ({ page }) => {
  await openViewer(page, MILLION);
  await scroller(page).focus();
  await page.keyboard.press("Control+f");
  const box = page.getByRole("searchbox", { name: "Search log" });
  await expect(box).toBeFocused();
  await box.fill("needle");
  // 1,000,000 / 997 → 1,003 matches over the whole log, though only ~60 rows are loaded.
  await expect(page.getByTestId("search-count")).toHaveText("1 of 1,003", { timeout: 30_000 });
  await expect(row(page, 997)).toHaveAttribute("data-current", "true");
  await expect(row(page, 997).locator("mark")).toHaveText("needle");
  await box.press("Enter");
  await expect(page.getByTestId("search-count")).toHaveText("2 of 1,003");
  await expect(row(page, 1994)).toBeInViewport();
  await expect(row(page, 1994)).toHaveAttribute("data-current", "true");
  await box.press("Shift+Enter");
  await box.press("Shift+Enter"); // wraps from the first match to the last
  await expect(page.getByTestId("search-count")).toHaveText("1,003 of 1,003");
  await expect(row(page, 999_991)).toBeInViewport();
  await expect(row(page, 999_991)).toContainText("found the needle in line 999991");

  await page.getByRole("button", { name: "Match case" }).click();
  await box.fill("NEEDLE");
  await expect(page.getByTestId("search-count")).toHaveText("No matches", { timeout: 30_000 });
  await page.getByRole("button", { name: "Regular expression" }).click();
  await box.fill("needle in line 99\\d{4}\\b"); // 997 × 993 … 997 × 1003: 11 lines
  await expect(page.getByTestId("search-count")).toHaveText(/^\d+ of 11$/, { timeout: 30_000 });
  await box.fill("needle (");
  await expect(page.getByTestId("search-count")).toContainText("Unterminated group");
});

test("[LOGS] the live tail follows, stops when the user scrolls up, and resumes from Jump to latest", async ({
  page,
}) => {
  await openViewer(page, "lines=2000&live=1&rate=5000");
  const lastShown = async () => (await visible(page)).lines.at(-1) ?? 0;
  const count = async () => Number((await page.getByTestId("log-line-count").textContent())!.replace(/\D/g, ""));
  await expect.poll(count).toBeGreaterThan(6_000);
  // Following: the last row on screen is the last line (within one 250 ms update).
  await expect.poll(async () => (await count()) - (await lastShown())).toBeLessThanOrEqual(1_500);
  await expect(page.getByTestId("jump-latest")).toBeHidden();

  await scroller(page).hover();
  await page.mouse.wheel(0, -3_000);
  await expect(page.getByTestId("jump-latest")).toBeVisible();
  await expectConsistentWindow(page);
  const pinned = (await visible(page)).lines[0]!;
  await page.waitForTimeout(1_500);
  expect((await visible(page)).lines[0]).toBe(pinned); // not dragged along while the log grows
  await expect(page.getByTestId("jump-latest")).toHaveText(/Jump to latest \([\d,]+ new lines\)/);
  const newLines = Number((await page.getByTestId("jump-latest").textContent())!.replace(/\D/g, ""));
  expect(newLines).toBeGreaterThan(2_000);

  await page.getByTestId("jump-latest").click();
  await expect(page.getByTestId("jump-latest")).toBeHidden();
  await expect.poll(async () => (await count()) - (await lastShown())).toBeLessThanOrEqual(1_500);
  const before = await lastShown();
  await expect.poll(lastShown).toBeGreaterThan(before + 2_000); // still following as lines arrive

  // Scrolling back down to the bottom by hand also resumes following.
  await page.mouse.wheel(0, -2_000);
  await expect(page.getByTestId("jump-latest")).toBeVisible();
  await scroller(page).evaluate((s) => (s.scrollTop = s.scrollHeight));
  await expect(page.getByTestId("jump-latest")).toBeHidden();
});

test("[LOGS] #L500000 opens at that line, selected; gutter links select other lines", async ({ page }) => {
  await openViewer(page, MILLION, "#L500000");
  await expect(row(page, 500_000)).toBeInViewport();
  await expect(row(page, 500_000)).toHaveAttribute("data-selected", "true");
  await expect(row(page, 500_000)).toContainText("exit code 1 (attempt 5 failed at line 500000)");
  await lineLink(page, 500_003).click();
  await expect(page).toHaveURL(/#L500003$/);
  await expect(row(page, 500_003)).toHaveAttribute("data-selected", "true");
  await expect(row(page, 500_000)).not.toHaveAttribute("data-selected", "true");
  await expect(page.getByRole("button", { name: "Copy link to line 500,003" })).toBeVisible();
  // The gutter is not selectable and not inside the rows, so copying rows copies only log text.
  expect(await lineLink(page, 500_003).evaluate((a) => getComputedStyle(a).userSelect)).toBe("none");
  expect(await row(page, 500_003).textContent()).toBe("[09:55:00.009] INFO  worker-0 processed item 500003 in 0 ms");
});

test("[LOGS] 3,000,000 lines (taller than Chromium can lay out) stay reachable end to end", async ({ page }) => {
  await openViewer(page, "lines=3000000");
  await expect(page.getByTestId("log-line-count")).toHaveText("3,000,000 lines");
  expect(Number(await scroller(page).getAttribute("data-compression"))).toBeGreaterThan(1);
  await scroller(page).focus();
  await page.keyboard.press("End");
  await expect(row(page, 3_000_000)).toBeInViewport();
  expect((await expectConsistentWindow(page)).lines.at(-1)).toBe(3_000_000);
  await scrollToFraction(page, 0.5);
  const mid = await expectConsistentWindow(page);
  expect(Math.abs(mid.lines[0]! - 1_500_000)).toBeLessThan(100);
});

test("[LOGS] Wrap switches long lines from horizontal scroll to wrapped, measured rows", async ({ page }) => {
  await openViewer(page, MILLION, "#L211");
  await expect(row(page, 211)).toContainText("payload line 211");
  expect(await row(page, 211).evaluate((r) => r.getBoundingClientRect().height)).toBe(ROW_PX);
  expect(await scroller(page).evaluate((s) => s.scrollWidth > s.clientWidth)).toBe(true);
  await page.getByRole("button", { name: "Wrap" }).click();
  await expect.poll(() => row(page, 211).evaluate((r) => r.getBoundingClientRect().height)).toBeGreaterThan(ROW_PX * 2);
  await expect(row(page, 211)).toBeInViewport();
  // Measured rows stack without overlapping.
  const [a, b] = await Promise.all([row(page, 211).boundingBox(), row(page, 212).boundingBox()]);
  expect(Math.abs(b!.y - (a!.y + a!.height))).toBeLessThan(1);
});
