/**
 * YAML syntax errors and warnings from the `yaml` package, reworded for people who are not YAML experts and
 * positioned where the fix is needed.
 */
import type { Document, YAMLError } from "yaml";
import type { Locator } from "./locate";
import { CONVERT_LIMIT } from "./problem";
import type { Problem } from "./problem";

/** The document's errors and warnings as problems, one per mistake; `omitted` counts those not converted. */
export function yamlProblems(document: Document, locator: Locator): { problems: Problem[]; omitted: number } {
  // The library reports an over-indented line twice at the same place; the multi-line key report is the useful one.
  const multiline = new Set(document.errors.filter((e) => e.code === "MULTILINE_IMPLICIT_KEY").map((e) => e.pos[0]));
  const errors = document.errors.filter((e) => !(e.code === "BLOCK_AS_IMPLICIT_KEY" && multiline.has(e.pos[0])));
  const all = [
    ...errors.map((error) => [error, "error"] as const),
    ...document.warnings.map((warning) => [warning, "warning"] as const),
  ].sort(([a], [b]) => a.pos[0] - b.pos[0]);
  const problems = all.slice(0, CONVERT_LIMIT).map(([error, severity]) => yamlErrorToProblem(error, severity, locator));
  return { problems, omitted: Math.max(0, all.length - CONVERT_LIMIT) };
}

/** Messages for the codes users hit most; the rest keep the library's wording. */
const REWORDED: Partial<Record<YAMLError["code"], string>> = {
  TAB_AS_INDENT: "tabs cannot be used for indentation in YAML; indent with spaces",
  MULTIPLE_DOCS: 'a pipeline file holds one YAML document; remove the "---" line and everything after it',
  BLOCK_AS_IMPLICIT_KEY:
    "unexpected indentation: this line is indented further than the key above it; align it with its siblings",
  MULTILINE_IMPLICIT_KEY:
    "bad indentation: this line is indented further than the key above it (or the line above is missing a ':')",
};

export function yamlErrorToProblem(error: YAMLError, severity: Problem["severity"], locator: Locator): Problem {
  const text = locator.text;
  let [start, end] = error.pos;
  let message = REWORDED[error.code] ?? lowerFirst(error.message);

  if (error.code === "MISSING_CHAR" && /closing .?quote/i.test(error.message)) {
    // The library reports where the text ran out; the opening quote is where the user can see the mistake.
    const quote = error.message.includes("'quote") ? "'" : '"';
    const opening = findOpeningQuote(text, start, quote);
    if (opening !== undefined) [start, end] = [opening, lineEnd(text, opening)];
    message = `this string has no closing ${quote}; add one where the text should end`;
  } else if (error.code === "MISSING_CHAR" && error.message.startsWith("Sequence item without")) {
    message =
      "this line is not indented like the list item above it; " +
      'line it up with that item\'s keys, or start a new item with "- "';
    end = lineEnd(text, start);
  } else if (error.code === "MULTILINE_IMPLICIT_KEY") {
    // The library spans from the key above to the misplaced line; the misplaced line is the one to fix.
    const lastLine = text.lastIndexOf("\n", end - 1) + 1;
    if (lastLine > start) start = lastLine + (/^ */.exec(text.slice(lastLine, end))?.[0].length ?? 0);
  } else if (error.code === "MULTIPLE_DOCS") {
    end = lineEnd(text, start);
  } else if (error.code === "DUPLICATE_KEY") {
    end = wordEnd(text, start);
    message = `duplicate key "${text.slice(start, end)}"; each key may appear once in a map`;
  } else if (error.code === "TAG_RESOLVE_FAILED") {
    const tag = /Unresolved tag: (\S+)/.exec(error.message)?.[1];
    if (tag) message = `unknown YAML tag ${tag}; it is ignored, remove it`;
  } else if (error.code === "BAD_INDENT") {
    message = `bad indentation: ${message}`;
  }
  // Point at the first character of the line rather than at the indentation before it.
  while (text[start] === " ") start++;
  if (end <= start) end = Math.min(start + 1, text.length);
  return { code: "yaml-syntax", message, path: [], severity, range: locator.range(start, end) };
}

/**
 * The quote that opened the unterminated string reported at `from`. That string has no closing quote, so its
 * opener is the last quote before `from` that is not escaped (`\"` in double quotes, `''` in single quotes).
 */
function findOpeningQuote(text: string, from: number, quote: string): number | undefined {
  for (let i = Math.min(from, text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    if (quote === "'" && text[i - 1] === "'") {
      i--;
      continue;
    }
    let backslashes = 0;
    while (quote === '"' && text[i - 1 - backslashes] === "\\") backslashes++;
    if (backslashes % 2 === 0) return i;
  }
  return undefined;
}

function lineEnd(text: string, from: number): number {
  const newline = text.indexOf("\n", from);
  return newline === -1 ? text.length : newline;
}

function wordEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && !/[:\n]/.test(text[end] ?? "")) end++;
  return end;
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}
