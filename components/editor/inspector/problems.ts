/**
 * The parser's problems, handed to the inspector fields they are about: a form shows, under a field, exactly the
 * message the YAML editor shows at that place (both come from parsePipelineYaml, matched by `path`). A value
 * field claims everything at or below its path (a list's items, a map's entries); a group of fields (an object,
 * a union) claims only what is about the group itself. Whatever no field claims (an unknown key, say) is listed at
 * the top of the inspector, so no message is ever hidden. Pure.
 */
import type { FieldPath, Problem } from "@slipway/pipeline-spec";
import type { FieldSpec } from "./schema-fields";

export const pathKey = (path: readonly (string | number)[]) => path.join("\u0000");

const startsWith = (path: readonly (string | number)[], prefix: readonly (string | number)[]) => prefix.length <= path.length && prefix.every((p, i) => String(path[i]) === String(p));

export type Claimed = { byField: Map<string, Problem[]>; unclaimed: Problem[] };

export function claimProblems(fields: readonly FieldSpec[], base: FieldPath, value: unknown, problems: readonly Problem[]): Claimed {
  const mine = problems.filter((p) => startsWith(p.path, base));
  const byField = new Map<string, Problem[]>();
  const claimed = new Set<Problem>();
  const claim = (key: string, list: Problem[]) => {
    if (list.length === 0) return;
    byField.set(key, [...(byField.get(key) ?? []), ...list]);
    list.forEach((p) => claimed.add(p));
  };
  const walk = (list: readonly FieldSpec[], at: FieldPath, object: unknown) => {
    for (const field of list) {
      const path = [...at, field.key];
      const v = object && typeof object === "object" ? (object as Record<string, unknown>)[field.key] : undefined;
      if (field.kind === "object" || field.kind === "union") {
        claim(pathKey(path), mine.filter((p) => p.path.length === path.length && startsWith(p.path, path)));
        if (field.kind === "object") walk(field.fields, path, v);
        else {
          const tag = v && typeof v === "object" ? (v as Record<string, unknown>)[field.discriminator] : undefined;
          claim(pathKey([...path, field.discriminator]), mine.filter((p) => startsWith(p.path, [...path, field.discriminator])));
          const variant = field.variants.find((x) => x.value === tag);
          if (variant) walk(variant.fields, path, v);
        }
      } else claim(pathKey(path), mine.filter((p) => !claimed.has(p) && startsWith(p.path, path)));
    }
  };
  walk(fields, base, value);
  return { byField, unclaimed: mine.filter((p) => !claimed.has(p)) };
}
