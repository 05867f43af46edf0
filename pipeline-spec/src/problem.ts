/**
 * Problems: what the parser reports, in a shape the editor (Monaco markers) and the server (API errors) both use.
 * Lines and columns are 1-based like Monaco's; offsets are 0-based indexes into the text; `end` is exclusive.
 */

export type ProblemCode =
  | "yaml-syntax"
  | "schema"
  | "unknown-key"
  | "reserved-step-type"
  | "unknown-need"
  | "duplicate-id"
  | "cycle"
  | "unreachable"
  | "unknown-expression"
  | "too-large"
  | "empty";

export type Position = { line: number; column: number; offset: number };
export type Range = { start: Position; end: Position };
/** A path into the document, e.g. ["stages", 1, "steps", 0, "retries"]. */
export type Path = (string | number)[];

export type Problem = {
  code: ProblemCode;
  message: string;
  path: Path;
  severity: "error" | "warning";
  range: Range;
};

/** The report stops here; a final problem says how many more there were, so a garbage paste stays cheap to show. */
export const MAX_PROBLEMS = 100;

/**
 * How many raw errors (YAML or zod) are turned into problems at most. Converting is the costly part (messages,
 * positions), and only the first MAX_PROBLEMS survive; the margin absorbs duplicates and out-of-order reports.
 */
export const CONVERT_LIMIT = 1000;

export const START_RANGE: Range = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

export function compareProblems(a: Problem, b: Problem): number {
  return (
    a.range.start.offset - b.range.start.offset ||
    a.range.end.offset - b.range.end.offset ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/**
 * Sorted by position, without repeats of the same message at the same place, capped at MAX_PROBLEMS + 1.
 * `omitted` counts problems that were found but not converted (see CONVERT_LIMIT).
 */
export function finishProblems(problems: Problem[], omitted = 0): Problem[] {
  const seen = new Set<string>();
  const unique = problems.filter((problem) => {
    const key = `${problem.range.start.offset}:${problem.range.end.offset}:${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  unique.sort(compareProblems);
  if (unique.length <= MAX_PROBLEMS && omitted === 0) return unique;
  const first = (unique[MAX_PROBLEMS] ?? unique[unique.length - 1]) as Problem;
  const more = Math.max(0, unique.length - MAX_PROBLEMS) + omitted;
  const severity = unique.slice(MAX_PROBLEMS).some((p) => p.severity === "error") ? "error" : "warning";
  return [
    ...unique.slice(0, MAX_PROBLEMS),
    { ...first, severity, message: `… and ${more} more problem${more === 1 ? "" : "s"}` },
  ];
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((problem) => problem.severity === "error");
}

/** `stages[1].steps[0]`, the way messages name a place in the document. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const segment of path) {
    out += typeof segment === "number" ? `[${segment}]` : out === "" ? segment : `.${segment}`;
  }
  return out;
}
