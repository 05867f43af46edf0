/**
 * The JSON Schema of Pipeline v1, generated from the zod schema (never written by hand) for monaco-yaml: it drives
 * completion, hover docs (the `.describe()` texts) and first-line validation in the editor. parsePipelineYaml stays
 * the authority; this schema only has to agree with it on what is valid.
 *
 * Target draft-07, which yaml-language-server (inside monaco-yaml) understands best.
 */
import { z } from "zod";
import { PipelineSpecSchema } from "./schema";

export const PIPELINE_JSON_SCHEMA_ID = "https://slipway.dev/schemas/pipeline/v1.json";

export type JsonSchema = z.core.JSONSchema.BaseSchema;

let cached: JsonSchema | undefined;

/** A fresh copy each call, so a caller that adjusts it (e.g. adds a `fileMatch`) cannot affect the next one. */
export function pipelineJsonSchema(): JsonSchema {
  cached ??= generate();
  return structuredClone(cached);
}

function generate(): JsonSchema {
  // io "input": fields with defaults are optional for the author, which is what the editor must accept.
  const generated = z.toJSONSchema(PipelineSpecSchema, { target: "draft-07", io: "input" });
  const schema = flattenUnions(generated) as JsonSchema;
  return { ...schema, $id: PIPELINE_JSON_SCHEMA_ID, title: "Slipway pipeline (slipway/v1)" };
}

/**
 * zod writes a union of unions (a step list item is "a step, or a parallel group", and a step is itself a union)
 * as nested `oneOf`s. yaml-language-server completes the `type` values of the outer level only, so nested unions
 * are flattened into one list of object variants, each with its `type: { const }` and description.
 */
function flattenUnions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(flattenUnions);
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = flattenUnions(value);
  for (const keyword of ["oneOf", "anyOf"] as const) {
    const options = out[keyword];
    if (!Array.isArray(options)) continue;
    out[keyword] = options.flatMap((option: Record<string, unknown>) => {
      const inner = option[keyword];
      const onlyUnion = Array.isArray(inner) && Object.keys(option).every((k) => k === keyword || k === "description");
      return onlyUnion ? (inner as unknown[]) : [option];
    });
  }
  return out;
}
