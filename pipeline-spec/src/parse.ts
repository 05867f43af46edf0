/**
 * parsePipelineYaml: YAML text → a checked PipelineSpec, or positioned problems. The editor runs it on every
 * change (debounced) and the server runs it before saving a revision, so both show the same messages at the same
 * places. Stages of checking, each only when the previous one passed: size, YAML syntax, apiVersion, schema,
 * then the document-wide checks (stage graph, ids, expressions).
 */
import { LineCounter, parseDocument } from "yaml";
import type { Document } from "yaml";
import { validateExpressions } from "./expression-check";
import { checkStageGraph } from "./graph";
import { createLocator } from "./locate";
import type { Locator } from "./locate";
import { finishProblems, hasErrors, START_RANGE } from "./problem";
import type { Problem } from "./problem";
import { API_VERSION, PipelineSpecSchema } from "./schema";
import type { PipelineSpec } from "./schema";
import { describeValue, isRecord } from "./schema-walk";
import { yamlProblems } from "./yaml-errors";
import { issuesToProblems } from "./zod-issues";

/** Larger documents are refused before parsing: no real pipeline is this big, and parsing is not free. */
export const MAX_PIPELINE_BYTES = 2 * 1024 * 1024;

export type ParseResult =
  | { ok: true; spec: PipelineSpec; /** Warnings only. */ problems: Problem[]; document: Document }
  | { ok: false; problems: Problem[]; document?: Document };

export function parsePipelineYaml(text: string): ParseResult {
  if (isLargerThan(text, MAX_PIPELINE_BYTES)) {
    const megabytes = MAX_PIPELINE_BYTES / 1024 / 1024;
    const message = `the document is larger than ${megabytes} MB; split the pipeline or remove unused parts`;
    return { ok: false, problems: [atStart("too-large", message)] };
  }

  const lineCounter = new LineCounter();
  const document = withoutStackTraces(() => parseDocument(text, { lineCounter, prettyErrors: false }));
  const locator = createLocator(document, lineCounter, text);
  const { problems: syntax, omitted } = yamlProblems(document, locator);
  const fail = (problems: Problem[], more = 0): ParseResult => ({
    ok: false,
    problems: finishProblems(problems, more),
    document,
  });
  if (hasErrors(syntax)) return fail(syntax, omitted);
  if (document.contents === null) {
    return fail([
      ...syntax,
      atStart("empty", `the document is empty; a pipeline starts with "apiVersion: ${API_VERSION}"`),
    ]);
  }

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Unresolved aliases and alias bombs ("billion laughs") surface here rather than as syntax errors.
    const raw = error instanceof Error ? error.message : String(error);
    const message = /excessive alias count/i.test(raw)
      ? "the document repeats aliases (*name) too many times; write the values out instead"
      : raw.charAt(0).toLowerCase() + raw.slice(1);
    return fail([...syntax, atStart("yaml-syntax", message)]);
  }

  const version = checkApiVersion(data, locator);
  if (version) return fail([...syntax, version]);

  const result = PipelineSpecSchema.safeParse(data, { reportInput: true });
  if (!result.success) {
    const schema = issuesToProblems(result.error.issues, data, locator);
    return fail([...syntax, ...schema.problems], schema.omitted);
  }

  const problems = finishProblems([
    ...syntax,
    ...checkStageGraph(result.data, locator),
    ...validateExpressions(result.data, locator),
  ]);
  if (hasErrors(problems)) return { ok: false, problems, document };
  return { ok: true, spec: result.data, problems, document };
}

/**
 * A document for another version of the language gets one clear problem instead of a schema error per field.
 * When a slipway/v2 exists, this is where parsing dispatches to it.
 */
function checkApiVersion(data: unknown, locator: Locator): Problem | undefined {
  if (!isRecord(data) || data.apiVersion === undefined || data.apiVersion === API_VERSION) return undefined;
  return {
    code: "schema",
    message: `pipeline: apiVersion ${describeValue(data.apiVersion)} is not supported; use ${API_VERSION}`,
    path: ["apiVersion"],
    severity: "error",
    range: locator.value(["apiVersion"]),
  };
}

/**
 * The yaml library creates an Error object per syntax error, and capturing their stack traces dominates the time
 * spent on a large garbage paste (about 60% for 300k errors in 1 MB). Nobody reads those stacks, so capture is
 * switched off for the duration of the synchronous parse and restored right after. No effect outside V8.
 */
function withoutStackTraces<T>(run: () => T): T {
  const previous = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return run();
  } finally {
    Error.stackTraceLimit = previous;
  }
}

function atStart(code: Problem["code"], message: string): Problem {
  return { code, message, path: [], severity: "error", range: START_RANGE };
}

/** Whether `text` takes more than `limit` bytes in UTF-8, counting only as far as needed. */
function isLargerThan(text: string, limit: number): boolean {
  if (text.length > limit) return true; // every UTF-16 unit is at least one byte
  if (text.length * 3 <= limit) return false; // and at most three
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4; // a surrogate pair is one 4-byte character
      i++;
    } else bytes += 3;
  }
  return bytes > limit;
}
