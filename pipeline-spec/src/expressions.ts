/**
 * Harness-style expressions, `<+pipeline.variables.version>`, inside any string of the pipeline. Three jobs:
 * find them (editor highlighting), check them against the document (parse time, positioned problems), and
 * replace them with values (server at dispatch time; secrets may be left for the delegate).
 */
import { SECRET_NAME_PATTERN } from "./common";
import { didYouMean } from "./suggest";

export type ExpressionMatch = {
  /** The text between `<+` and `>`, trimmed, e.g. `pipeline.variables.version`. */
  expr: string;
  /** Offset of `<+` in the scanned text. */
  start: number;
  /** Offset just after `>` (exclusive). */
  end: number;
  /** Set when the text ended before the closing `>`. */
  unterminated?: true;
};

export type Expression =
  | { kind: "pipeline"; field: "name" | "sequenceId" | "executionId" }
  | { kind: "variable"; name: string }
  | { kind: "stage"; field: "id" | "name" }
  | { kind: "env" }
  | { kind: "service" }
  | { kind: "infra" }
  | { kind: "step" }
  | { kind: "secret"; name: string }
  | { kind: "input" };

export type ParsedExpression = { ok: true; expression: Expression } | { ok: false; message: string };

/** Every `<+…>` in `text`, in order. A `>` ends the expression: none of the known forms contains one. */
export function findExpressions(text: string): ExpressionMatch[] {
  const matches: ExpressionMatch[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf("<+", from);
    if (start === -1) return matches;
    const close = text.indexOf(">", start + 2);
    if (close === -1) {
      matches.push({ expr: text.slice(start + 2).trim(), start, end: text.length, unterminated: true });
      return matches;
    }
    matches.push({ expr: text.slice(start + 2, close).trim(), start, end: close + 1 });
    from = close + 1;
  }
}

const ROOTS = ["pipeline", "stage", "env", "service", "infra", "step", "secrets", "input"];
const FIELDS: Record<string, readonly string[]> = {
  pipeline: ["name", "sequenceId", "executionId", "variables"],
  stage: ["id", "name"],
  env: ["name"],
  service: ["name"],
  infra: ["name"],
  step: ["id"],
};
const SECRET_CALL = /^secrets\.getValue\(\s*"([^"]*)"\s*\)$/;
const SECRET_FORM = 'write secrets as <+secrets.getValue("name")>';

/** What an expression refers to, or why it is not one of the known forms. */
export function parseExpression(expr: string): ParsedExpression {
  const shown = `<+${expr}>`;
  if (expr === "input") return { ok: true, expression: { kind: "input" } };
  if (expr.startsWith("secrets")) {
    const call = SECRET_CALL.exec(expr);
    if (!call) return { ok: false, message: `unknown expression ${shown}; ${SECRET_FORM}` };
    const name = call[1] ?? "";
    if (!SECRET_NAME_PATTERN.test(name)) {
      return { ok: false, message: `secret name "${name}" in ${shown} may only use letters, digits, '.', '_' and '-'` };
    }
    return { ok: true, expression: { kind: "secret", name } };
  }
  const [root = "", field, ...rest] = expr.split(".");
  const fields = FIELDS[root];
  if (!fields) {
    return {
      ok: false,
      message: `unknown expression ${shown}: it must start with ${ROOTS.join(", ")}${didYouMean(root, ROOTS)}`,
    };
  }
  if (root === "pipeline" && field === "variables") {
    const name = rest.join(".");
    if (rest.length === 1 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      return { ok: true, expression: { kind: "variable", name } };
    return { ok: false, message: `unknown expression ${shown}; name one variable, as in <+pipeline.variables.NAME>` };
  }
  if (field === undefined || rest.length > 0 || !fields.includes(field)) {
    const known = fields.map((f) => (f === "variables" ? "variables.NAME" : f)).join(", ");
    return {
      ok: false,
      message: `unknown expression ${shown}: ${root} has ${known}${didYouMean(field ?? "", fields)}`,
    };
  }
  if (root === "pipeline") return { ok: true, expression: { kind: "pipeline", field: field as "name" } };
  if (root === "stage") return { ok: true, expression: { kind: "stage", field: field as "id" | "name" } };
  return { ok: true, expression: { kind: root as "env" | "service" | "infra" | "step" } };
}

export type ExpressionContext = {
  pipeline: {
    name: string;
    sequenceId: number | string;
    executionId: string;
    variables: Readonly<Record<string, string | number | boolean>>;
  };
  stage?: { id: string; name: string };
  env?: { name: string };
  service?: { name: string };
  infra?: { name: string };
  step?: { id: string };
  /** The value to put in place of a secret (or a placeholder); undefined when the secret does not exist. */
  secret?: (name: string) => string | undefined;
};

export type ResolveOptions = {
  /** "keep" (default) leaves `<+secrets.getValue(…)>` for the delegate to resolve; "resolve" calls ctx.secret. */
  secrets?: "keep" | "resolve";
};

export type ResolveResult = { value: string } | { error: { expr: string; message: string } };

/**
 * Replaces every expression in `value`. Replacements are not scanned again, so a variable whose value contains
 * `<+…>` cannot pull in a secret.
 */
export function resolveExpressions(value: string, ctx: ExpressionContext, opts: ResolveOptions = {}): ResolveResult {
  let out = "";
  let from = 0;
  for (const match of findExpressions(value)) {
    const text = value.slice(match.start, match.end);
    const resolved = match.unterminated
      ? { error: `expression ${text} is not closed; add ">"` }
      : resolveOne(match.expr, ctx, opts);
    if ("error" in resolved) return { error: { expr: text, message: resolved.error } };
    out += value.slice(from, match.start) + (resolved.value ?? text);
    from = match.end;
  }
  return { value: out + value.slice(from) };
}

/** `value: undefined` means "leave the expression as written". */
function resolveOne(
  expr: string,
  ctx: ExpressionContext,
  opts: ResolveOptions,
): { value?: string } | { error: string } {
  const parsed = parseExpression(expr);
  if (!parsed.ok) return { error: parsed.message };
  const e = parsed.expression;
  const shown = `<+${expr}>`;
  const missing = (what: string) => ({ error: `${shown} has no value here: ${what}` });
  switch (e.kind) {
    case "pipeline":
      return { value: String(ctx.pipeline[e.field]) };
    case "variable": {
      const variables = ctx.pipeline.variables;
      if (!Object.hasOwn(variables, e.name)) return missing(`variable "${e.name}" is not set`);
      return { value: String(variables[e.name]) };
    }
    case "stage":
      return ctx.stage ? { value: ctx.stage[e.field] } : missing("it is outside a stage");
    case "env":
    case "service":
    case "infra": {
      const record = ctx[e.kind];
      return record
        ? { value: record.name }
        : missing(
            `the stage has no ${e.kind === "env" ? "environment" : e.kind === "infra" ? "infrastructure" : "service"}`,
          );
    }
    case "step":
      return ctx.step ? { value: ctx.step.id } : missing("it is outside a step");
    case "secret": {
      if ((opts.secrets ?? "keep") === "keep") return {};
      const secret = ctx.secret?.(e.name);
      return secret === undefined ? { error: `secret "${e.name}" does not exist` } : { value: secret };
    }
    case "input":
      return { error: `${shown} must be replaced by the value given when the execution starts` };
  }
}
