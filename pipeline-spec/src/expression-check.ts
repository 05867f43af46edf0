/**
 * Parse-time checks of `<+…>` expressions against the document: known forms, declared variables, and whether the
 * place the expression is written provides what it refers to (a stage, a step, an environment…). Problems point
 * at the exact characters of the expression inside its YAML scalar.
 */
import { isScalar } from "yaml";
import { findExpressions, parseExpression } from "./expressions";
import type { Expression, ExpressionMatch } from "./expressions";
import type { Locator } from "./locate";
import type { Path, Problem, Range } from "./problem";
import type { PipelineSpec, Stage } from "./schema";
import { isRecord } from "./schema-walk";
import { didYouMean } from "./suggest";

type Scope = { stage?: Stage; inStep: boolean; variableDefault: boolean };

export function validateExpressions(spec: PipelineSpec, locator: Locator): Problem[] {
  const declared = new Set((spec.variables ?? []).map((variable) => variable.name));
  const problems: Problem[] = [];
  for (const [value, path] of stringsIn(spec, [])) {
    if (!value.includes("<+")) continue;
    const matches = findExpressions(value);
    const ranges = expressionRanges(value, matches, path, locator);
    matches.forEach((match, i) => {
      const message = checkExpression(match, value, scopeOf(spec, path), declared);
      if (message === undefined) return;
      const range = ranges[i] ?? locator.value(path);
      problems.push({ code: "unknown-expression", message, path, severity: "error", range });
    });
  }
  return problems;
}

function checkExpression(
  match: ExpressionMatch,
  value: string,
  scope: Scope,
  declared: Set<string>,
): string | undefined {
  const shown = `<+${match.expr}>`;
  if (match.unterminated) return `expression "${value.slice(match.start, match.start + 40)}" is not closed; add ">"`;
  const parsed = parseExpression(match.expr);
  if (!parsed.ok) return parsed.message;
  return checkScope(parsed.expression, shown, value, scope, declared);
}

function checkScope(
  e: Expression,
  shown: string,
  value: string,
  scope: Scope,
  declared: Set<string>,
): string | undefined {
  switch (e.kind) {
    case "variable":
      if (declared.has(e.name)) return undefined;
      return `variable "${e.name}" in ${shown} is not declared under "variables"${didYouMean(e.name, declared)}`;
    case "input":
      return scope.variableDefault && value.trim() === shown
        ? undefined
        : `${shown} can only be the whole "default" of a variable (it asks for a value when the execution starts)`;
    case "stage":
      return scope.stage ? undefined : `${shown} is only available inside a stage`;
    case "step":
      return scope.inStep ? undefined : `${shown} is only available inside a step`;
    case "env":
    case "service":
    case "infra": {
      const field = e.kind === "env" ? "environment" : e.kind === "infra" ? "infrastructure" : "service";
      if (!scope.stage) return `${shown} is only available inside a stage`;
      if (scope.stage[field] !== undefined) return undefined;
      return `${shown} has no value: stage "${scope.stage.id}" does not set "${field}"`;
    }
    default:
      return undefined;
  }
}

function scopeOf(spec: PipelineSpec, path: Path): Scope {
  const variableDefault = path[0] === "variables" && path[2] === "default";
  if (path[0] !== "stages" || typeof path[1] !== "number") return { inStep: false, variableDefault };
  const stage = spec.stages[path[1]];
  const list = path[2];
  let inStep = false;
  if ((list === "steps" || list === "rollbackSteps") && typeof path[3] === "number") {
    const item = stage?.[list]?.[path[3]];
    // Inside a parallel group only the steps are steps; the group's own name and description are not.
    inStep = item?.type === "parallel" ? path[4] === "steps" && path.length > 6 : path.length > 4;
  }
  return { stage, inStep, variableDefault };
}

function* stringsIn(value: unknown, path: Path): Generator<[string, Path]> {
  if (typeof value === "string") yield [value, path];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* stringsIn(item, [...path, i]);
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) yield* stringsIn(item, [...path, key]);
}

/**
 * Where each expression of `value` is in the text. The expression is looked up in the scalar's source, in order:
 * exact for plain, quoted and block scalars as long as the expression itself contains no escapes or line breaks;
 * otherwise undefined, and the caller falls back to the whole scalar.
 */
function expressionRanges(
  value: string,
  matches: ExpressionMatch[],
  path: Path,
  locator: Locator,
): (Range | undefined)[] {
  const node = locator.find(path).node;
  if (!isScalar(node) || !node.range) return [];
  const [start, end] = node.range;
  const source = locator.text.slice(start, end);
  // A block scalar's header line (`|`, `>-`, maybe a comment) is not part of the value.
  let cursor = node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED" ? source.indexOf("\n") + 1 : 0;
  return matches.map((match) => {
    const written = value.slice(match.start, match.end);
    for (const candidate of [written, written.replaceAll('"', '\\"'), written.replaceAll("'", "''")]) {
      const at = source.indexOf(candidate, cursor);
      if (at === -1) continue;
      cursor = at + candidate.length;
      return locator.range(start + at, start + cursor);
    }
    return undefined;
  });
}
