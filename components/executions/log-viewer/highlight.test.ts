import { describe, expect, it } from "vitest";
import { buildMatcher, findMatches, segmentLine } from "./highlight";

const matcher = (text: string, caseSensitive = false, regex = false) => {
  const m = buildMatcher({ text, caseSensitive, regex });
  if (!m || "error" in m) throw new Error("expected a matcher");
  return m.re;
};

describe("highlight", () => {
  it("escapes literal queries and honours case sensitivity", () => {
    expect(findMatches("a.b A.B axb", matcher("a.b"))).toEqual([
      [0, 3],
      [4, 7],
    ]);
    expect(findMatches("a.b A.B", matcher("a.b", true))).toEqual([[0, 3]]);
  });

  it("reports invalid regexes instead of throwing, and nothing for an empty query", () => {
    expect(buildMatcher({ text: "(", caseSensitive: false, regex: true })).toHaveProperty("error");
    expect(buildMatcher({ text: "", caseSensitive: false, regex: true })).toBeNull();
  });

  it("skips empty matches instead of looping and caps pathological lines", () => {
    expect(findMatches("abc", matcher("x?", false, true))).toEqual([]);
    expect(findMatches("e".repeat(10_000), matcher("e"), 50)).toHaveLength(50);
  });

  it("cuts coloured runs at match boundaries", () => {
    const spans = [
      { from: 0, to: 5, fg: 1, bold: false },
      { from: 5, to: 11, fg: null, bold: false },
    ];
    expect(segmentLine("error: oops", spans, [[3, 8]])).toEqual([
      { text: "err", fg: 1, bold: false, mark: false },
      { text: "or", fg: 1, bold: false, mark: true },
      { text: ": o", fg: null, bold: false, mark: true },
      { text: "ops", fg: null, bold: false, mark: false },
    ]);
  });

  it("keeps an unstyled, unmatched line as one segment", () => {
    expect(segmentLine("plain", null, [])).toEqual([{ text: "plain", fg: null, bold: false, mark: false }]);
  });
});
