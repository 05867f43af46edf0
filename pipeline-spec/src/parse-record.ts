/**
 * YAML → any zod schema, with positioned problems: what the studio's record editors (services, environments,
 * infrastructure) use, so a record shows its errors at line:column exactly like a pipeline does. Pipelines use
 * parsePipelineYaml, which adds the document-wide checks and richer messages.
 */
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { createLocator, pointAt } from "./locate";
import { finishProblems, formatPath, hasErrors, START_RANGE } from "./problem";
import type { Problem } from "./problem";
import { yamlProblems } from "./yaml-errors";

export type RecordParseResult<T> = { ok: true; value: T; problems: Problem[] } | { ok: false; problems: Problem[] };

const MAX_RECORD_BYTES = 512 * 1024;

export function parseYamlWithSchema<S extends z.ZodType>(text: string, schema: S): RecordParseResult<z.infer<S>> {
  if (text.length > MAX_RECORD_BYTES) {
    return { ok: false, problems: [{ code: "too-large", message: "the document is larger than 512 KB", path: [], severity: "error", range: START_RANGE }] };
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const locator = createLocator(document, lineCounter, text);
  const { problems: syntax, omitted } = yamlProblems(document, locator);
  if (hasErrors(syntax)) return { ok: false, problems: finishProblems(syntax, omitted) };
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { ok: false, problems: [{ code: "yaml-syntax", message: e instanceof Error ? e.message : String(e), path: [], severity: "error", range: START_RANGE }] };
  }
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, value: result.data, problems: syntax };
  const problems: Problem[] = result.error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    const where = path.length ? `${formatPath(path)}: ` : "";
    const keys = issue.code === "unrecognized_keys" ? ` (${issue.keys.map((k) => `"${k}"`).join(", ")})` : "";
    return { code: issue.code === "unrecognized_keys" ? "unknown-key" : "schema", message: `${where}${issue.message}${keys}`, path, severity: "error", range: pointAt(locator, path) };
  });
  return { ok: false, problems: finishProblems([...syntax, ...problems]) };
}
