/**
 * stringifyPipeline: a spec object → clean YAML, for new pipelines and templates. Values equal to their default are
 * left out (a parsed spec has every default filled in, which nobody wants to read), keys follow the schema's
 * order, multi-line strings become `|` blocks, and stages are separated by a blank line. The output parses back to
 * the same spec. Editing an existing document is a different job (apply changes to its yaml Document, so comments
 * survive); this printer is only for text that does not exist yet.
 */
import { Document, isMap, isScalar, isSeq, visit } from "yaml";
import { z } from "zod";
import { PipelineSpecSchema } from "./schema";
import type { PipelineSpecInput } from "./schema";
import { isRecord, resolveSchema } from "./schema-walk";

export function stringifyPipeline(spec: PipelineSpecInput): string {
  const doc = new Document(prune(PipelineSpecSchema, spec));
  // A blank line before each stage after the first, and before `stages:` itself, for readability.
  if (isMap(doc.contents)) {
    const stagesPair = doc.contents.items.find((pair) => String((pair.key as { value?: unknown })?.value) === "stages");
    if (stagesPair && isSeq(stagesPair.value)) {
      (stagesPair.key as { spaceBefore?: boolean }).spaceBefore = true;
      stagesPair.value.items.forEach((item, i) => {
        if (i > 0) (item as { spaceBefore?: boolean }).spaceBefore = true;
      });
    }
  }
  // Short lists of plain values read better inline: `needs: [build, test]`, `roles: [Admin]`.
  visit(doc, {
    Seq(_, seq) {
      const text = seq.items.map((item) => (isScalar(item) ? String(item.value) : "\n")).join(", ");
      if (!text.includes("\n") && text.length <= 60) seq.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, blockQuote: "literal", indentSeq: true, flowCollectionPadding: false });
}

/** A copy of `value` in schema key order, without fields whose value equals the schema default. */
function prune(schema: z.ZodType, value: unknown): unknown {
  const resolved = resolveSchema(schema, value);
  if (Array.isArray(value) && resolved instanceof z.ZodArray) {
    return value.map((item) => prune(resolved.element as z.ZodType, item));
  }
  if (!isRecord(value) || !(resolved instanceof z.ZodObject)) return value;
  const out: Record<string, unknown> = {};
  const shape = resolved.shape as Record<string, z.ZodType>;
  const keys = [...Object.keys(shape), ...Object.keys(value).filter((key) => !(key in shape))];
  for (const key of keys) {
    const field = shape[key];
    const item = value[key];
    if (item === undefined || (field && isDefault(field, item))) continue;
    out[key] = field ? prune(field, item) : item;
  }
  return out;
}

function isDefault(schema: z.ZodType, value: unknown): boolean {
  let current = schema;
  while (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
  if (!(current instanceof z.ZodDefault)) return false;
  const parsed = current.safeParse(undefined);
  return parsed.success && JSON.stringify(parsed.data) === JSON.stringify(value);
}
