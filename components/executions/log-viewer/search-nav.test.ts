import { describe, expect, it } from "vitest";
import { describeNav, EMPTY_NAV, indexAtOrAfter, navFromResult, navRefreshed, step } from "./search-nav";

const result = (lines: number[], total = lines.length, truncated = false) => ({ lines, total, truncated });

describe("search navigation", () => {
  it("starts at the first match at or after the line on screen, wrapping to the first", () => {
    const r = result([10, 20, 30]);
    expect(navFromResult(r, 1).index).toBe(0);
    expect(navFromResult(r, 20).index).toBe(1);
    expect(navFromResult(r, 21).index).toBe(2);
    expect(navFromResult(r, 31).index).toBe(0);
    expect(indexAtOrAfter([], 5)).toBe(-1);
  });

  it("next and previous wrap at both ends", () => {
    let nav = navFromResult(result([10, 20, 30]), 25);
    nav = step(nav, 1);
    expect(nav.index).toBe(0);
    nav = step(nav, -1);
    expect(nav.index).toBe(2);
    nav = step(nav, -1);
    expect(nav.index).toBe(1);
  });

  it("stepping without a current match picks the first (next) or last (previous)", () => {
    const nav = { result: result([10, 20, 30]), index: -1 };
    expect(step(nav, 1).index).toBe(0);
    expect(step(nav, -1).index).toBe(2);
    expect(step(EMPTY_NAV, 1)).toBe(EMPTY_NAV);
  });

  it("describes the count with the true total, not the number of line numbers received", () => {
    expect(describeNav(EMPTY_NAV)).toBe("");
    expect(describeNav(navFromResult(result([]), 1))).toBe("No matches");
    expect(describeNav({ result: result([5, 6, 7], 1922), index: 2 })).toBe("3 of 1,922 (first 3 shown)");
    const lines = Array.from({ length: 10_000 }, (_, i) => i + 1);
    expect(describeNav({ result: result(lines, 12_345, true), index: 9_999 })).toBe(
      "10,000 of 12,345 (first 10,000 shown)",
    );
    expect(describeNav({ result: result([1, 2, 3]), index: 0 })).toBe("1 of 3");
  });

  it("wraps within the shown matches when the server truncated the list", () => {
    const nav = { result: result([1, 2, 3], 50_000, true), index: 2 };
    expect(step(nav, 1).index).toBe(0);
  });

  it("a refreshed result (live log grew) keeps the user on their match", () => {
    const before = { result: result([10, 20, 30]), index: 1 };
    const after = navRefreshed(before, result([5, 10, 20, 30, 40], 5));
    expect(after.result?.lines[after.index]).toBe(20);
    expect(navRefreshed(EMPTY_NAV, result([1])).index).toBe(-1);
  });
});
