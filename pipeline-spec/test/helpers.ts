/** Test helpers: build small documents line by line, so a test can name the exact line:column it expects. */
import { expect } from "vitest";
import { parsePipelineYaml } from "../src/parse";
import type { PipelineSpec } from "../src/schema";
import type { Problem } from "../src/problem";

/** Joins lines with "\n" (and a final newline): line N of the document is element N-1. */
export function yaml(...lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

/** The three header lines every test document starts with (lines 1–3). */
export const HEADER = ["apiVersion: slipway/v1", "kind: Pipeline", "name: Test"];

export type Seen = { at: string; code: Problem["code"]; message: string };

/** `line:column` of the start, code and message of each problem. */
export function problemsOf(text: string): Seen[] {
  return parsePipelineYaml(text).problems.map((p) => ({
    at: `${p.range.start.line}:${p.range.start.column}`,
    code: p.code,
    message: p.message,
  }));
}

/** The text a problem's range covers. */
export function covered(text: string, problem: Problem): string {
  return text.slice(problem.range.start.offset, problem.range.end.offset);
}

export function parseOk(text: string): PipelineSpec {
  const result = parsePipelineYaml(text);
  expect(result.problems).toEqual([]);
  if (!result.ok) throw new Error("expected the document to parse");
  return result.spec;
}
