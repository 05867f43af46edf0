import { describe, expect, it } from "vitest";
import { finishProblems, formatPath, MAX_PROBLEMS } from "./problem";
import type { Problem } from "./problem";

const at = (offset: number, message = "m"): Problem => ({
  code: "schema",
  message,
  path: [],
  severity: "error",
  range: { start: { line: 1, column: offset + 1, offset }, end: { line: 1, column: offset + 2, offset: offset + 1 } },
});

describe("finishProblems", () => {
  it("removes a repeated message at the same range", () => {
    expect(finishProblems([at(3), at(3), at(3, "other")]).map((p) => p.message)).toEqual(["m", "other"]);
  });

  it("sorts by position", () => {
    expect(finishProblems([at(9), at(2), at(5)]).map((p) => p.range.start.offset)).toEqual([2, 5, 9]);
  });

  it("caps the list and says how many were left out, counting unconverted ones", () => {
    const problems = finishProblems(
      Array.from({ length: MAX_PROBLEMS + 5 }, (_, i) => at(i)),
      10,
    );
    expect([problems.length, problems.at(-1)?.message]).toEqual([MAX_PROBLEMS + 1, "… and 15 more problems"]);
  });
});

describe("formatPath", () => {
  it("writes paths the way messages show them", () => {
    expect(formatPath(["stages", 1, "steps", 0, "expect", "status"])).toBe("stages[1].steps[0].expect.status");
  });
});
