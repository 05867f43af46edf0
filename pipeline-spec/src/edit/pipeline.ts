/**
 * The pipeline's shape read straight from the yaml Document (no schema validation, so it also works on a
 * document with schema problems): stages, steps and groups with the nodes that hold them, effective needs,
 * and the schema's key order used to place new keys where the printer would.
 */
import { isAlias, isMap, isScalar, isSeq } from "yaml";
import type { Node, YAMLMap, YAMLSeq } from "yaml";
import { z } from "zod";
import { PipelineSpecSchema } from "../schema";
import { isRecord, resolveSchema } from "../schema-walk";
import { memo, pairOf, stringOf, valueOf } from "./doc";
import type { Parsed } from "./doc";
import { EditError } from "./primitives";
import type { StepList } from "./types";

export type StageRef = { index: number; map: YAMLMap | undefined; id: string | undefined };

export type StepRef = {
  stage: StageRef;
  list: StepList;
  /** The list holding the step: the stage's list, or its group's `steps`. */
  seq: YAMLSeq;
  index: number;
  map: YAMLMap;
  id: string;
  /** The group the step belongs to. */
  group?: StepRef;
  isGroup: boolean;
  path: (string | number)[];
};

export function stagesOf(parsed: Parsed): { seq: YAMLSeq; stages: StageRef[] } {
  return memo(parsed, "stages", () => {
    const root = parsed.doc.contents;
    if (!isMap(root)) throw new EditError("the document is not a pipeline (a map with apiVersion, kind, name, stages)");
    const seq = valueOf(root, "stages");
    if (!isSeq(seq)) throw new EditError('the pipeline has no "stages" list');
    const stages = (seq.items as Node[]).map((item, index) => {
      const map = isMap(item) ? item : undefined;
      return { index, map, id: map ? stringOf(valueOf(map, "id")) : undefined };
    });
    return { seq, stages };
  });
}

export function findStage(parsed: Parsed, id: string): StageRef & { map: YAMLMap } {
  const stage = stagesOf(parsed).stages.find((s) => s.id === id);
  if (!stage) throw new EditError(`there is no stage "${id}"`);
  if (!stage.map) throw new EditError(`stage "${id}" is not written as a map; edit it as text`);
  return stage as StageRef & { map: YAMLMap };
}

export function stepsOf(parsed: Parsed): StepRef[] {
  return memo(parsed, "steps", () => {
    const out: StepRef[] = [];
    for (const stage of stagesOf(parsed).stages) {
      if (!stage.map) continue;
      for (const list of ["steps", "rollbackSteps"] as const) {
        const seq = valueOf(stage.map, list);
        if (!isSeq(seq)) continue;
        (seq.items as Node[]).forEach((item, index) => {
          if (!isMap(item)) return;
          const id = stringOf(valueOf(item, "id"));
          if (id === undefined) return;
          const isGroup = stringOf(valueOf(item, "type")) === "parallel";
          const path = ["stages", stage.index, list, index];
          const ref: StepRef = { stage, list, seq, index, map: item, id, isGroup, path };
          out.push(ref);
          const inner = isGroup ? valueOf(item, "steps") : undefined;
          if (!isSeq(inner)) return;
          (inner.items as Node[]).forEach((child, childIndex) => {
            if (!isMap(child)) return;
            const childId = stringOf(valueOf(child, "id"));
            if (childId === undefined) return;
            out.push({
              stage,
              list,
              seq: inner,
              index: childIndex,
              map: child,
              id: childId,
              group: ref,
              isGroup: false,
              path: [...path, "steps", childIndex],
            });
          });
        });
      }
    }
    return out;
  });
}

export function findStep(parsed: Parsed, id: string): StepRef {
  const step = stepsOf(parsed).find((s) => s.id === id);
  if (!step) throw new EditError(`there is no step "${id}"`);
  return step;
}

/** A stage's `needs` as written (aliases resolved), or undefined when the key is left out. */
export function explicitNeeds(parsed: Parsed, stage: StageRef): string[] | undefined {
  if (!stage.map) return undefined;
  const pair = pairOf(stage.map, "needs");
  if (!pair) return undefined;
  const value = pair.value as Node | null;
  if (!value) return [];
  const js = (value as Node).toJS(parsed.doc) as unknown;
  return Array.isArray(js) ? js.map((need) => String(need)) : [];
}

export type StageNeeds = { id: string; needs?: readonly string[] };

/** Every stage with an id and its needs as written. */
export function stageNeeds(parsed: Parsed): StageNeeds[] {
  return memo(parsed, "needs", () =>
    stagesOf(parsed).stages.flatMap((stage) =>
      stage.id === undefined ? [] : [{ id: stage.id, needs: explicitNeeds(parsed, stage) }],
    ),
  );
}

/** Effective needs of every stage: an omitted `needs` means the previous stage. */
export function effectiveNeedsOf(stages: readonly StageNeeds[]): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  stages.forEach((stage, index) => {
    if (deps.has(stage.id)) return;
    const previous = stages[index - 1];
    deps.set(stage.id, stage.needs ? [...stage.needs] : previous ? [previous.id] : []);
  });
  return deps;
}

/**
 * The cycle that making `to` wait for `from` would close, in run order (`from → to → … → from`), or null.
 * Works on a parsed spec or anything with stages `{ id, needs? }`.
 */
export function cycleIfConnected(spec: { stages: readonly StageNeeds[] }, from: string, to: string): string[] | null {
  if (from === to) return [from, from];
  const deps = effectiveNeedsOf(spec.stages);
  // Is `to` among the stages `from` waits for, directly or not? Breadth-first, to report the shortest path.
  const cameFrom = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head] as string;
    for (const need of deps.get(current) ?? []) {
      if (cameFrom.has(need)) continue;
      cameFrom.set(need, current);
      if (need === to) {
        const chain = [to];
        while (chain[chain.length - 1] !== from) chain.push(cameFrom.get(chain[chain.length - 1] as string) as string);
        // chain: to, …, from (each is needed by the next); in run order the new edge from → to closes it.
        return [from, ...chain];
      }
      queue.push(need);
    }
  }
  return null;
}

/** True when making stage `to` wait for stage `from` would create a cycle (the graph refuses the connection). */
export function wouldCreateCycle(spec: { stages: readonly StageNeeds[] }, from: string, to: string): boolean {
  return cycleIfConnected(spec, from, to) !== null;
}

// -------------------------------------------------------------------------------------------------------------
// Schema

/** Enough of a node's value to pick the schema of a union (`type`, `action`): its scalar entries. */
function lightValue(node: unknown): unknown {
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (isScalar(pair.key) && isScalar(pair.value)) out[String(pair.key.value)] = pair.value.value;
      else if (isScalar(pair.key)) out[String(pair.key.value)] = isSeq(pair.value) ? [] : {};
    }
    return out;
  }
  if (isSeq(node)) return [];
  if (isScalar(node)) return node.value;
  return undefined;
}

function childOf(node: unknown, segment: string | number): unknown {
  if (isAlias(node)) return undefined;
  if (isMap(node)) return pairOf(node, String(segment))?.value ?? undefined;
  if (isSeq(node) && typeof segment === "number") return node.items[segment];
  return undefined;
}

/** The schema of the value at `path` (unions resolved with what the document says), if the path is in it. */
export function schemaAt(parsed: Parsed, path: readonly (string | number)[]): z.ZodType | undefined {
  let schema: z.ZodType | undefined = PipelineSpecSchema;
  let node: unknown = parsed.doc.contents;
  for (const segment of path) {
    const resolved: z.ZodType = resolveSchema(schema, lightValue(node));
    if (resolved instanceof z.ZodObject) schema = (resolved.shape as Record<string, z.ZodType>)[String(segment)];
    else if (resolved instanceof z.ZodArray) schema = resolved.element as z.ZodType;
    else if (resolved instanceof z.ZodRecord) schema = resolved.valueType as z.ZodType;
    else return undefined;
    if (!schema) return undefined;
    node = childOf(node, segment);
  }
  return schema;
}

/** The keys of the object at `path` in schema order, when the schema knows it. */
export function keyOrderAt(parsed: Parsed, path: readonly (string | number)[], value?: unknown): string[] | undefined {
  const schema = schemaAt(parsed, path);
  if (!schema) return undefined;
  const resolved = resolveSchema(schema, value ?? lightValue(nodeAt(parsed, path)));
  return resolved instanceof z.ZodObject ? Object.keys(resolved.shape) : undefined;
}

export function nodeAt(parsed: Parsed, path: readonly (string | number)[]): unknown {
  let node: unknown = parsed.doc.contents;
  for (const segment of path) node = childOf(node, segment);
  return node;
}

/** Where a new key goes in a map: after the last key that precedes it in schema order. */
export function insertionIndex(map: YAMLMap, key: string, order: readonly string[] | undefined): number {
  const count = map.items.length;
  const rank = order?.indexOf(key) ?? -1;
  if (!order || rank < 0) return count;
  const rankOf = (i: number) => {
    const k = map.items[i]?.key;
    return isScalar(k) ? order.indexOf(String(k.value)) : -1;
  };
  let after = -1;
  for (let i = 0; i < count; i++) {
    const r = rankOf(i);
    if (r >= 0 && r < rank) after = i;
  }
  if (after >= 0) return after + 1;
  for (let i = 0; i < count; i++) if (rankOf(i) > rank) return i;
  return count;
}

/** A copy of `value` with object keys in schema order (unknown keys last), undefined entries dropped. */
export function orderBySchema(schema: z.ZodType | undefined, value: unknown): unknown {
  if (Array.isArray(value)) {
    const resolved = schema ? resolveSchema(schema, value) : undefined;
    const element = resolved instanceof z.ZodArray ? (resolved.element as z.ZodType) : undefined;
    return value.map((item) => orderBySchema(element, item));
  }
  if (!isRecord(value)) return value;
  const resolved = schema ? resolveSchema(schema, value) : undefined;
  const out: Record<string, unknown> = {};
  if (resolved instanceof z.ZodObject) {
    const shape = resolved.shape as Record<string, z.ZodType>;
    const keys = [...Object.keys(shape).filter((k) => k in value), ...Object.keys(value).filter((k) => !(k in shape))];
    for (const key of keys) if (value[key] !== undefined) out[key] = orderBySchema(shape[key], value[key]);
    return out;
  }
  const inner = resolved instanceof z.ZodRecord ? (resolved.valueType as z.ZodType) : undefined;
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = orderBySchema(inner, item);
  return out;
}
