/**
 * The inspector's forms are generated, never written by hand: the zod schema of a step type (or of a stage) is
 * turned into JSON Schema with `z.toJSONSchema(…, { io: "input" })` and walked into a list of field descriptions.
 * "input" is the author's view — a field with a default is optional, so `required` marks exactly what the YAML
 * must contain. Descriptions (the same `.describe()` texts as the YAML hover) become help text.
 *
 * Why JSON Schema rather than zod internals: it is zod's public, documented projection of the schema (the same one
 * Monaco uses), so this walker does not break when zod's private `def` shapes change.
 *
 * Pure (no React); tested by schema-fields.test.ts.
 */
import { DURATION_PATTERN, ParallelGroupSchema, StageSchema, StepSchema, type StepType } from "@slipway/pipeline-spec";
import { z } from "zod";

type Json = Record<string, unknown>;

type Base = {
  key: string;
  label: string;
  description?: string;
  required: boolean;
  /** The schema's default, shown as the placeholder (an empty field means "use the default"). */
  defaultValue?: unknown;
};

export type FieldSpec = Base &
  (
    | { kind: "text"; multiline: boolean; pattern?: string; maxLength?: number }
    | { kind: "duration" }
    | { kind: "number"; integer: boolean; min?: number; max?: number }
    | { kind: "boolean" }
    | { kind: "enum"; options: string[] }
    /** A list of strings; with `options`, a list of choices (checkboxes). */
    | { kind: "list"; options?: string[] }
    /** A map of names to text values (env, headers, dimensions). */
    | { kind: "map" }
    | { kind: "object"; fields: FieldSpec[] }
    /** A discriminated union (onFailure, serviceControl, source, action): a kind selector and the chosen variant's fields. */
    | { kind: "union"; discriminator: string; variants: UnionVariant[] }
    /** A value of several scalar types (a count or "25%", a status or a list of statuses): typed as text, converted on the way out. */
    | { kind: "scalar"; accepts: ScalarType[] }
    /** Lists of objects (metric queries, variables): edited in the YAML, the form says so. */
    | { kind: "unsupported"; reason: string }
  );
export type FieldKind = FieldSpec["kind"];
export type ScalarType = "string" | "number" | "integer" | "boolean" | "array";
export type UnionVariant = { value: string; description?: string; fields: FieldSpec[] };

/** Strings typed in a textarea: scripts and bodies are several lines more often than not. */
const MULTILINE_KEYS = new Set(["script", "body", "description", "command", "template", "message"]);

export function toJsonSchema(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { io: "input", target: "draft-07", unrepresentable: "any" }) as Json;
}

/** The fields of an object schema, in the schema's order (which is the order the printer writes keys). */
export function fieldsOf(schema: Json, omit: readonly string[] = [], root: Json = schema): FieldSpec[] {
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties)
    .filter(([key, prop]) => !omit.includes(key) && prop.const === undefined)
    .map(([key, prop]) => fieldOf(key, resolve(prop, root), required.has(key), root));
}

export function fieldOf(key: string, prop: Json, required: boolean, root: Json): FieldSpec {
  const base: Base = { key, label: labelOf(key), required, ...(typeof prop.description === "string" ? { description: prop.description } : {}), ...("default" in prop ? { defaultValue: prop.default } : {}) };
  const union = (prop.oneOf ?? prop.anyOf) as Json[] | undefined;
  if (union) return unionField(base, union.map((o) => resolve(o, root)), root);
  if (Array.isArray(prop.type)) return { ...base, kind: "scalar", accepts: prop.type as ScalarType[] };
  if (Array.isArray(prop.enum)) return { ...base, kind: "enum", options: prop.enum.map(String) };
  switch (prop.type) {
    case "string":
      if (prop.pattern === DURATION_PATTERN.source) return { ...base, kind: "duration" };
      return { ...base, kind: "text", multiline: MULTILINE_KEYS.has(key), ...(typeof prop.pattern === "string" ? { pattern: prop.pattern } : {}), ...(typeof prop.maxLength === "number" ? { maxLength: prop.maxLength } : {}) };
    case "number":
    case "integer":
      return { ...base, kind: "number", integer: prop.type === "integer", ...bound("min", prop.minimum), ...bound("max", prop.maximum) };
    case "boolean":
      return { ...base, kind: "boolean" };
    case "array": {
      const items = resolve((prop.items ?? {}) as Json, root);
      if (items.type === "string") return { ...base, kind: "list", ...(Array.isArray(items.enum) ? { options: items.enum.map(String) } : {}) };
      return { ...base, kind: "unsupported", reason: "a list of entries" };
    }
    case "object":
      if (prop.additionalProperties && typeof prop.additionalProperties === "object") return { ...base, kind: "map" };
      return { ...base, kind: "object", fields: fieldsOf(prop, [], root) };
    default:
      return { ...base, kind: "unsupported", reason: "a value of several shapes" };
  }
}

function unionField(base: Base, options: Json[], root: Json): FieldSpec {
  const discriminator = discriminatorOf(options);
  if (discriminator) {
    const variants = options.map((o) => {
      const tag = ((o.properties as Record<string, Json>)[discriminator]!.const) as string;
      const description = (o.description ?? (o.properties as Record<string, Json>)[discriminator]!.description) as string | undefined;
      return { value: tag, ...(description ? { description } : {}), fields: fieldsOf(o, [discriminator], root) };
    });
    return { ...base, kind: "union", discriminator, variants };
  }
  const accepts = options.map((o) => (o.type === "array" ? "array" : o.type)).filter((t): t is ScalarType => ["string", "number", "integer", "boolean", "array"].includes(t as string));
  if (accepts.length === options.length) return { ...base, kind: "scalar", accepts };
  return { ...base, kind: "unsupported", reason: "a value of several shapes" };
}

/** The key whose `const` tells the variants of a union apart (`kind`, `action`, `type`), if there is one. */
function discriminatorOf(options: Json[]): string | undefined {
  const first = options[0]?.properties as Record<string, Json> | undefined;
  if (!first) return undefined;
  return Object.keys(first).find((key) => options.every((o) => typeof (o.properties as Record<string, Json> | undefined)?.[key]?.const === "string"));
}

function resolve(prop: Json, root: Json): Json {
  const ref = prop.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return prop;
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) node = (node as Json | undefined)?.[part];
  const { $ref: _ignored, ...rest } = prop;
  return { ...((node as Json | undefined) ?? {}), ...rest };
}

const bound = (name: "min" | "max", value: unknown) => (typeof value === "number" && Math.abs(value) < Number.MAX_SAFE_INTEGER ? { [name]: value } : {});

/** `retryInterval` → "Retry interval", `latencyP95` → "Latency p95". */
export function labelOf(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// ------------------------------------------------------------------------------------------------ per node kind

const cache = new Map<string, FieldSpec[]>();
function cached(key: string, make: () => FieldSpec[]): FieldSpec[] {
  let hit = cache.get(key);
  if (!hit) cache.set(key, (hit = make()));
  return hit;
}

/** A step type's form: every field but `id` (renamed separately: other places refer to it) and `type`. */
export function stepFields(type: StepType): FieldSpec[] {
  return cached(`step:${type}`, () => {
    const option = StepSchema.options.find((o) => o.shape.type.value === type);
    return option ? fieldsOf(toJsonSchema(option), ["id", "type"]) : [];
  });
}

/** A stage's form: its settings; its steps are the graph's business. */
export function stageFields(): FieldSpec[] {
  return cached("stage", () => fieldsOf(toJsonSchema(StageSchema), ["id", "steps", "rollbackSteps"]));
}

export function groupFields(): FieldSpec[] {
  return cached("group", () => fieldsOf(toJsonSchema(ParallelGroupSchema), ["id", "type", "steps"]));
}
