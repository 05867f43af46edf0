/**
 * Turns zod issues into positioned problems with messages a user can act on:
 *   stages[1].steps[0] ("smoke"): "retries" must be a whole number ≥ 0, got "three"
 * The message names the place (path and id), the field, what is expected in words, and what was found.
 */
import type { z } from "zod";
import { ID_PATTERN, IDENTIFIER_PATTERN, SELECTOR_PATTERN } from "./common";
import { DURATION_PATTERN } from "./duration";
import { pointAt } from "./locate";
import type { Locator } from "./locate";
import { CONVERT_LIMIT, formatPath } from "./problem";
import type { Path, Problem, ProblemCode, Range } from "./problem";
import { PipelineSpecSchema } from "./schema";
import { describeExpected, describeValue, isRecord, resolveSchema, schemaAt } from "./schema-walk";
import { HTTP_URL_PATTERN, RESERVED_STEP_TYPES } from "./steps/index";
import { didYouMean } from "./suggest";

type Issue = z.core.$ZodIssue;

const PATTERN_HINTS = new Map<string, string>([
  [String(DURATION_PATTERN), "a duration such as 30s, 5m or 1h30m"],
  [String(ID_PATTERN), "an id made of lowercase letters, digits, '-' and '_', starting with a letter (max 63)"],
  [String(IDENTIFIER_PATTERN), "a name made of letters, digits and '_', not starting with a digit"],
  [String(SELECTOR_PATTERN), "a tag without spaces, such as linux or eu-west-1"],
  [String(HTTP_URL_PATTERN), "a URL starting with http:// or https://"],
]);

/** Lists whose items are named in messages by their position and id: stages[1].steps[0] ("smoke"). */
const NAMED_LISTS = new Set(["stages", "steps", "rollbackSteps", "variables"]);

type Context = { data: unknown; locator: Locator };

/** Problems for the first CONVERT_LIMIT issues (zod reports them in document order); `omitted` counts the rest. */
export function issuesToProblems(
  issues: readonly Issue[],
  data: unknown,
  locator: Locator,
): { problems: Problem[]; omitted: number } {
  const problems = issues.slice(0, CONVERT_LIMIT).flatMap((issue) => issueToProblems(issue, [], { data, locator }));
  const omitted = issues
    .slice(CONVERT_LIMIT)
    .reduce((sum, issue) => sum + (issue.code === "unrecognized_keys" ? issue.keys.length : 1), 0);
  return { problems, omitted };
}

function issueToProblems(issue: Issue, prefix: Path, ctx: Context): Problem[] {
  const path = [...prefix, ...issue.path.filter((s): s is string | number => typeof s !== "symbol")];
  const place = describePlace(path, ctx.data);
  const make = (message: string, range: Range, code: ProblemCode = "schema", at: Path = path): Problem => ({
    code,
    message: `${place.label}: ${message}`,
    path: at,
    severity: "error",
    range,
  });
  const subject = place.field ? `"${place.field}" ` : "";
  const got = `got ${describeValue(issue.input)}`;
  const expected = () => {
    const schema = schemaAt(PipelineSpecSchema, ctx.data, path);
    return schema ? describeExpected(schema) : issueExpected(issue);
  };

  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) {
        return [make(`missing required field "${place.field}"`, ctx.locator.firstLine(path.slice(0, -1)))];
      }
      return [make(`${subject}must be ${expected()}, ${got}`, pointAt(ctx.locator, path))];
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const allowed = allowedKeys(ctx.data, path);
        const hint = didYouMean(key, allowed) || (allowed.length ? `; allowed fields: ${allowed.join(", ")}` : "");
        const range = ctx.locator.key([...path, key]);
        return make(`unknown field "${key}"${subject ? ` in ${subject.trim()}` : ""}${hint}`, range, "unknown-key", [
          ...path,
          key,
        ]);
      });
    case "invalid_union":
      if (issue.discriminator !== undefined) return [discriminatorProblem(issue, path, place, ctx, make)];
      return (
        unionProblems(issue, path, ctx) ?? [make(`${subject}must be ${expected()}, ${got}`, pointAt(ctx.locator, path))]
      );
    case "too_small":
    case "too_big":
      return [make(`${subject}${sizeMessage(issue, expected)}`, pointAt(ctx.locator, path))];
    case "invalid_format": {
      const hint =
        issue.format === "email"
          ? "an email address"
          : (PATTERN_HINTS.get(issue.pattern ?? "") ?? `in the format ${issue.format}`);
      return [make(`${subject}must be ${hint}, ${got}`, pointAt(ctx.locator, path))];
    }
    case "invalid_value": {
      const values = issue.values.map(String);
      const options = values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.join(", ")}`;
      const hint = typeof issue.input === "string" ? didYouMean(issue.input, values) : "";
      return [make(`${subject}must be ${options}, ${got}${hint}`, pointAt(ctx.locator, path))];
    }
    case "invalid_key": {
      const key = String(path[path.length - 1]);
      const inner = issue.issues[0];
      const rule = inner?.code === "invalid_format" ? PATTERN_HINTS.get(inner.pattern ?? "") : undefined;
      const owner = formatPath(path.slice(place.depth, -1));
      return [
        make(`"${owner}" has an invalid name "${key}"${rule ? `: it must be ${rule}` : ""}`, ctx.locator.key(path)),
      ];
    }
    default:
      // Custom issues come from our own refinements, whose messages already name the fields they are about.
      return [make(issue.message, pointAt(ctx.locator, path))];
  }
}

type Place = { label: string; field: string; depth: number };
type Make = (message: string, range: Range, code?: ProblemCode, at?: Path) => Problem;

/** Splits a path into the named item it is in (`stages[1].steps[0] ("smoke")`) and the field inside it. */
function describePlace(path: Path, data: unknown): Place {
  let depth = 0;
  while (NAMED_LISTS.has(String(path[depth])) && typeof path[depth + 1] === "number") depth += 2;
  if (depth === 0) return { label: "pipeline", field: formatPath(path), depth };
  const item = valueAt(data, path.slice(0, depth));
  const id = isRecord(item) ? (item.id ?? item.name) : undefined;
  const label = `${formatPath(path.slice(0, depth))}${typeof id === "string" ? ` (${JSON.stringify(id)})` : ""}`;
  return { label, field: formatPath(path.slice(depth)), depth };
}

function discriminatorProblem(
  issue: Extract<Issue, { code: "invalid_union" }>,
  path: Path,
  place: Place,
  ctx: Context,
  make: Make,
): Problem {
  const key = String(issue.discriminator);
  const options = (("options" in issue ? issue.options : undefined) ?? []).map(String);
  const tag = valueAt(ctx.data, path);
  const list = options.join(", ");
  if (tag === undefined) {
    return make(`missing required field "${place.field}" (one of ${list})`, ctx.locator.firstLine(path.slice(0, -1)));
  }
  const range = ctx.locator.value(path);
  if (key === "type" && (RESERVED_STEP_TYPES as readonly unknown[]).includes(tag)) {
    return make(
      `step type "${String(tag)}" is reserved and not available yet; use one of ${list}`,
      range,
      "reserved-step-type",
    );
  }
  if (key === "type" && tag === "parallel" && !options.includes("parallel")) {
    return make("parallel groups cannot be nested; list these steps directly in the enclosing group", range);
  }
  const hint = typeof tag === "string" ? didYouMean(tag, options) : "";
  return make(`"${place.field}" must be one of ${list}, got ${describeValue(tag)}${hint}`, range);
}

/**
 * A plain union (e.g. `status: 200` or `status: [200, 204]`): when one option got further into the value than the
 * others, its issues are the useful ones ("status[1] must be a whole number"); otherwise the caller says what the
 * union accepts.
 */
function unionProblems(
  issue: Extract<Issue, { code: "invalid_union" }>,
  path: Path,
  ctx: Context,
): Problem[] | undefined {
  let best: readonly Issue[] | undefined;
  let bestDepth = 0;
  for (const branch of issue.errors) {
    const depth = Math.max(0, ...branch.map((inner) => inner.path.length));
    if (depth > bestDepth) {
      best = branch;
      bestDepth = depth;
    }
  }
  return best?.flatMap((inner) => issueToProblems(inner, path, ctx));
}

function sizeMessage(issue: Extract<Issue, { code: "too_small" | "too_big" }>, expected: () => string): string {
  const small = issue.code === "too_small";
  const limit = Number(small ? (issue as { minimum: number }).minimum : (issue as { maximum: number }).maximum);
  const input = issue.input;
  if (issue.origin === "array") {
    const count = Array.isArray(input) ? input.length : 0;
    return `must have at ${small ? "least" : "most"} ${limit} item${limit === 1 ? "" : "s"}, got ${count}`;
  }
  if (issue.origin === "string") {
    if (small && limit === 1) return "must not be empty";
    const length = typeof input === "string" ? input.length : 0;
    return `must be at ${small ? "least" : "most"} ${limit} characters long, got ${length}`;
  }
  return `must be ${expected()}, got ${describeValue(input)}`;
}

function issueExpected(issue: Issue): string {
  const expected = "expected" in issue ? String(issue.expected) : "";
  const words: Record<string, string> = {
    string: "a string",
    number: "a number",
    int: "a whole number",
    boolean: "a boolean (true or false)",
    array: "a list",
    object: "a map (key: value lines)",
    record: "a map (key: value lines)",
  };
  return words[expected] ?? "a different value";
}

function allowedKeys(data: unknown, path: Path): string[] {
  const schema = schemaAt(PipelineSpecSchema, data, path);
  const resolved = schema ? resolveSchema(schema, valueAt(data, path)) : undefined;
  return resolved && "shape" in resolved ? Object.keys(resolved.shape as object) : [];
}

export function valueAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const segment of path) {
    if (!isRecord(value) && !Array.isArray(value)) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}
