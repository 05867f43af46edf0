/**
 * Minimal valid inputs for tRPC procedures, derived from their zod input schemas (through `z.toJSONSchema`), for
 * the authorization matrix: only required fields, each filled by a fixture value when the test knows what it means
 * (ids of seeded rows, by field name) or else generated from its JSON Schema (enum → first value, pattern → a
 * candidate that matches, email, dates, numbers at their minimum…). Every generated string is unique, so creating
 * things twice never collides on a unique name. The result is checked against every parser of the procedure.
 */
import { z } from "zod";

type Json = Record<string, unknown>;
type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  default?: unknown;
};

/** A tRPC procedure as the router stores it (the parts the matrix reads). */
export type RouterProcedure = { _def: { type: "query" | "mutation" | "subscription"; meta?: unknown; inputs: unknown[] } };

const DATE_FORMAT = "x-js-date";

/** The JSON Schema of one zod input parser (dates, which JSON Schema cannot express, are marked so we make Dates). */
export function inputJsonSchema(parser: unknown): JsonSchema {
  return z.toJSONSchema(parser as z.ZodType, {
    io: "input",
    unrepresentable: (ctx) => (ctx.zodSchema._zod.def.type === "date" ? { type: "string", format: DATE_FORMAT } : "any"),
  }) as JsonSchema;
}

/** The top-level field names a procedure's inputs declare (merged over its parsers). */
export function inputFields(proc: RouterProcedure): { name: string; required: boolean }[] {
  const out = new Map<string, boolean>();
  for (const p of proc._def.inputs) {
    const s = inputJsonSchema(p);
    for (const name of Object.keys(s.properties ?? {})) out.set(name, (out.get(name) ?? false) || (s.required ?? []).includes(name));
  }
  return [...out].map(([name, required]) => ({ name, required }));
}

let counter = 0;
/** A short lowercase token unique in this process (and across runs, thanks to the time prefix). */
export function uniqueToken(): string {
  counter += 1;
  return `${Date.now().toString(36).slice(-4)}${counter.toString(36).padStart(3, "0")}`;
}

function fit(s: string, schema: JsonSchema): string {
  let v = s;
  if (schema.maxLength !== undefined && v.length > schema.maxLength) v = v.slice(0, schema.maxLength);
  while (schema.minLength !== undefined && v.length < schema.minLength) v += "x";
  return v;
}

function stringFor(schema: JsonSchema, name: string): string | Date {
  if (schema.format === DATE_FORMAT) return dateFor(name);
  if (schema.format === "date-time") return (dateFor(name) as Date).toISOString();
  if (schema.format === "email") return `u${uniqueToken()}@example.test`;
  if (schema.format === "uri" || schema.format === "url") return `https://example.test/${uniqueToken()}`;
  const u = uniqueToken();
  const base = name.replace(/[^a-z]/gi, "").toLowerCase() || "s";
  const candidates = [`${base}-${u}`, `s${u}`, `${base}${u}`, `S${u}`, `s_${u}`, `${Number.parseInt(u, 36)}`, `s.${u}`];
  if (!schema.pattern) return fit(candidates[0]!, schema);
  const re = new RegExp(schema.pattern, "u");
  for (const c of candidates) {
    const v = fit(c, schema);
    if (re.test(v)) return v;
  }
  throw new Error(`no generated value matches the pattern ${schema.pattern} of "${name}"`);
}

/** Range-like pairs: "to"/"until"/"end" is now, anything else a week ago, so from < to holds. */
function dateFor(name: string): Date {
  const late = /^(to|until|end|before)$/i.test(name) || /(To|Until|End)$/.test(name);
  return new Date(Date.now() - (late ? 0 : 7 * 86_400_000));
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  if (ref === "#") return root;
  const m = ref.match(/^#\/(\$defs|definitions)\/(.+)$/);
  const def = m ? (root.$defs ?? (root as { definitions?: Record<string, JsonSchema> }).definitions)?.[decodeURIComponent(m[2]!)] : undefined;
  if (!def) throw new Error(`cannot resolve ${ref}`);
  return def;
}

/**
 * A minimal value for `schema`. `fill(path)` may supply a value for a property (by its path), overriding generation;
 * returning undefined means "generate".
 */
export function minimalValue(schema: JsonSchema, fill: (path: string[]) => unknown, root: JsonSchema = schema, path: string[] = [], depth = 0): unknown {
  if (depth > 12) throw new Error(`schema too deep at ${path.join(".")}`);
  if (schema.$ref) return minimalValue(resolveRef(root, schema.$ref), fill, root, path, depth + 1);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.allOf?.length) {
    const parts = schema.allOf.map((s) => minimalValue(s, fill, root, path, depth + 1));
    return parts.every((p) => p && typeof p === "object" && !Array.isArray(p)) ? Object.assign({}, ...parts) : parts[0];
  }
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) {
    const nonNull = options.filter((o) => o.type !== "null");
    return minimalValue(nonNull[0] ?? options[0]!, fill, root, path, depth + 1);
  }
  const type = Array.isArray(schema.type) ? (schema.type.find((t) => t !== "null") ?? schema.type[0]) : schema.type;
  const name = path.at(-1) ?? "value";
  switch (type) {
    case "object":
    case undefined: {
      if (type === undefined && !schema.properties) return schema.default !== undefined ? schema.default : "x";
      const out: Json = {};
      for (const key of schema.required ?? []) {
        const supplied = fill([...path, key]);
        out[key] = supplied !== undefined ? supplied : minimalValue(schema.properties?.[key] ?? {}, fill, root, [...path, key], depth + 1);
      }
      return out;
    }
    case "string":
      return stringFor(schema, name);
    case "integer":
    case "number": {
      if (schema.minimum !== undefined) return schema.minimum;
      if (schema.exclusiveMinimum !== undefined) return type === "integer" ? Math.floor(schema.exclusiveMinimum) + 1 : schema.exclusiveMinimum + 1;
      return schema.maximum !== undefined ? Math.min(1, schema.maximum) : 1;
    }
    case "boolean":
      return false;
    case "null":
      return null;
    case "array": {
      const n = schema.minItems ?? 0;
      return Array.from({ length: n }, (_, i) => minimalValue(schema.prefixItems?.[i] ?? schema.items ?? {}, fill, root, [...path, String(i)], depth + 1));
    }
    default:
      throw new Error(`cannot generate a value of type ${String(type)} at ${path.join(".")}`);
  }
}

export type GeneratedInput = { input: unknown; source: "schema" | "sample" | "none" };

/**
 * A minimal valid input for `proc`: generated from its schemas with `fill` for known fields, validated against every
 * parser; when that fails, `sample()` (an explicit per-procedure fallback) if there is one; otherwise an error
 * naming the procedure and what zod said.
 */
export function minimalInput(path: string, proc: RouterProcedure, fill: (path: string[]) => unknown, sample?: () => unknown): GeneratedInput {
  const parsers = proc._def.inputs;
  if (!parsers.length) return { input: undefined, source: "none" };
  const problems: string[] = [];
  let merged: Json | null = {};
  try {
    for (const p of parsers) {
      const v = minimalValue(inputJsonSchema(p), fill);
      if (v && typeof v === "object" && !Array.isArray(v) && merged) merged = { ...merged, ...(v as Json) };
      else merged = null;
    }
  } catch (e) {
    problems.push(e instanceof Error ? e.message : String(e));
    merged = null;
  }
  if (merged) {
    const bad = parsers.map((p) => (p as z.ZodType).safeParse(merged)).find((r) => !r.success);
    if (!bad) return { input: merged, source: "schema" };
    problems.push(z.prettifyError(bad.error!));
  }
  if (sample) {
    const input = sample();
    const bad = parsers.map((p) => (p as z.ZodType).safeParse(input)).find((r) => !r.success);
    if (!bad) return { input, source: "sample" };
    problems.push(`the sample input is not valid either: ${z.prettifyError(bad.error!)}`);
  }
  throw new Error(`${path}: cannot build a valid input from its schema and it has no sample input in the test (add one to SAMPLE_INPUTS): ${problems.join("; ")}`);
}
