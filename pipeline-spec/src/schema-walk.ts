/**
 * Walks the zod schema alongside the data, to answer "which schema applies at this path?". Error messages use it
 * to say what was expected ("a whole number from 1 to 20") and which fields exist (for "did you mean"); the
 * printer uses it to drop values equal to their defaults.
 */
import { z } from "zod";
import type { Path } from "./problem";

/** Strips wrappers that do not change what is written: optional, default, nullable, readonly, pipe (its input). */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodReadonly) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

/** The object schema a discriminated union selects for `value`, looking into nested unions. */
export function pickOption(union: z.ZodDiscriminatedUnion, value: unknown): z.ZodObject | undefined {
  const discriminator = union.def.discriminator;
  const tag = isRecord(value) ? value[discriminator] : undefined;
  for (const option of union.options as readonly z.ZodType[]) {
    if (option instanceof z.ZodDiscriminatedUnion) {
      const found = pickOption(option, value);
      if (found) return found;
    } else if (option instanceof z.ZodObject) {
      const literal = unwrapSchema(option.shape[discriminator] as z.ZodType);
      if (literal instanceof z.ZodLiteral && literal.values.has(tag as never)) return option;
    }
  }
  return undefined;
}

/** Every discriminator value a union accepts, nested unions included, in declaration order. */
export function discriminatorValues(union: z.ZodDiscriminatedUnion): string[] {
  const out: string[] = [];
  for (const option of union.options as readonly z.ZodType[]) {
    if (option instanceof z.ZodDiscriminatedUnion) out.push(...discriminatorValues(option));
    else if (option instanceof z.ZodObject) {
      const literal = unwrapSchema(option.shape[union.def.discriminator] as z.ZodType);
      if (literal instanceof z.ZodLiteral) out.push(...[...literal.values].map(String));
    }
  }
  return out;
}

/** Unwraps `schema` and, for unions, picks the option that fits `value`. */
export function resolveSchema(schema: z.ZodType, value: unknown): z.ZodType {
  const bare = unwrapSchema(schema);
  if (bare instanceof z.ZodDiscriminatedUnion) return pickOption(bare, value) ?? bare;
  if (bare instanceof z.ZodUnion) {
    const fits = (bare.options as readonly z.ZodType[]).find(
      (option) => kindOf(unwrapSchema(option)) === kindOfValue(value),
    );
    return fits ? resolveSchema(fits, value) : bare;
  }
  return bare;
}

/** The schema that applies at `path` in `data`, or undefined if the path leaves the schema. */
export function schemaAt(root: z.ZodType, data: unknown, path: Path): z.ZodType | undefined {
  let schema: z.ZodType | undefined = root;
  let value: unknown = data;
  for (const segment of path) {
    const resolved = resolveSchema(schema, value);
    if (resolved instanceof z.ZodObject) schema = resolved.shape[segment] as z.ZodType | undefined;
    else if (resolved instanceof z.ZodArray) schema = resolved.element as z.ZodType;
    else if (resolved instanceof z.ZodRecord) schema = resolved.valueType as z.ZodType;
    else return undefined;
    if (!schema) return undefined;
    value = isRecord(value) || Array.isArray(value) ? (value as Record<string | number, unknown>)[segment] : undefined;
  }
  return schema;
}

/** "a whole number from 1 to 20", "one of bash, sh", "a list": what a value must be, in words. */
export function describeExpected(schema: z.ZodType): string {
  const bare = unwrapSchema(schema);
  if (bare instanceof z.ZodString) return "a string";
  if (bare instanceof z.ZodNumber) return describeNumber(bare);
  if (bare instanceof z.ZodBoolean) return "a boolean (true or false)";
  if (bare instanceof z.ZodEnum) return `one of ${bare.options.join(", ")}`;
  if (bare instanceof z.ZodLiteral) return [...bare.values].map((v) => JSON.stringify(v)).join(" or ");
  if (bare instanceof z.ZodArray) return "a list";
  if (bare instanceof z.ZodObject || bare instanceof z.ZodRecord || bare instanceof z.ZodDiscriminatedUnion) {
    return "a map (key: value lines)";
  }
  if (bare instanceof z.ZodUnion) {
    const parts = [...new Set((bare.options as readonly z.ZodType[]).map(describeExpected))];
    return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} or ${parts[parts.length - 1]}` : (parts[0] ?? "");
  }
  return "a different value";
}

function describeNumber(schema: z.ZodNumber): string {
  const noun = schema.isInt ? "a whole number" : "a number";
  const bounded = (n: number | null) => n !== null && Number.isFinite(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER;
  const min = bounded(schema.minValue) ? schema.minValue : undefined;
  const max = bounded(schema.maxValue) ? schema.maxValue : undefined;
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  if (min !== undefined) return `${noun} ≥ ${min}`;
  if (max !== undefined) return `${noun} ≤ ${max}`;
  return noun;
}

/** How a value found in the document is named in messages: `"three"`, `3`, `a list`, `an empty value`. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return "an empty value";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return String(value);
}

type Kind = "array" | "object" | "string" | "number" | "boolean" | "other";

function kindOf(schema: z.ZodType): Kind {
  if (schema instanceof z.ZodArray) return "array";
  if (schema instanceof z.ZodObject || schema instanceof z.ZodRecord || schema instanceof z.ZodUnion) return "object";
  if (schema instanceof z.ZodString) return "string";
  if (schema instanceof z.ZodNumber) return "number";
  if (schema instanceof z.ZodBoolean) return "boolean";
  return "other";
}

function kindOfValue(value: unknown): Kind {
  if (Array.isArray(value)) return "array";
  if (isRecord(value)) return "object";
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return typeof value as Kind;
  return "other";
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
