/**
 * Setting a value at a path with the smallest text change: maps are merged key by key (comments on kept keys
 * survive), lists of plain values are diffed (a longest common subsequence keeps the entries that stay), other
 * lists are updated item by item, and only a change of kind rewrites a value as a whole.
 */
import { isAlias, isMap, isScalar, isSeq } from "yaml";
import type { Node, Pair, YAMLMap, YAMLSeq } from "yaml";
import { isEmptyScalar, pairOf } from "./doc";
import type { Parsed } from "./doc";
import { insertionIndex, keyOrderAt, orderBySchema, schemaAt } from "./pipeline";
import {
  emptyCollection,
  insertItem,
  insertPair,
  removeItemRange,
  removePair,
  replaceValue,
  setLeaf,
} from "./primitives";
import type { Owner } from "./primitives";
import { isLeaf, isPlainObject } from "./style";
import type { Style } from "./style";
import { normalizeChanges } from "./text";
import type { TextChange } from "./text";

type Path = (string | number)[];

const keyOf = (pair: Pair): string => (isScalar(pair.key) ? String(pair.key.value) : "");

/** The changes, unless they overlap; then `fallback()`. */
function orElse(changes: TextChange[], fallback: () => TextChange[]): TextChange[] {
  return normalizeChanges(changes) ? changes : fallback();
}

/** Sets the value held by `owner` (currently `node`) to `value`, which is not undefined. */
export function setValue(parsed: Parsed, owner: Owner, node: Node | null, value: unknown, path: Path, style: Style): TextChange[] {
  const ordered = () => orderBySchema(schemaAt(parsed, path), value);
  const rewrite = () => replaceValue(parsed, owner, ordered(), style);
  if (!node || isEmptyScalar(node) || isAlias(node) || isScalar(node)) {
    return setLeaf(parsed, owner, node, isLeaf(value) ? value : ordered(), style);
  }
  if (isMap(node) && isPlainObject(value)) return orElse(mergeMap(parsed, owner, node, value, path, style), rewrite);
  if (isSeq(node) && Array.isArray(value)) {
    if (value.length === 0) return node.items.length === 0 ? [] : emptyCollection(parsed, node, owner);
    if (node.items.length === 0) return rewrite();
    const plain = value.every(isLeaf) && (node.items as Node[]).every((item) => isScalar(item) || isAlias(item));
    const changes = plain
      ? diffScalarList(parsed, owner, node, value, style)
      : updateList(parsed, node, value, path, style);
    return orElse(changes ?? [], rewrite);
  }
  return rewrite();
}

function mergeMap(
  parsed: Parsed,
  owner: Owner,
  map: YAMLMap,
  value: Record<string, unknown>,
  path: Path,
  style: Style,
): TextChange[] {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return map.items.length === 0 ? [] : emptyCollection(parsed, map, owner);
  const pairs = map.items as Pair[];
  if (!pairs.some((pair) => value[keyOf(pair)] !== undefined)) {
    return replaceValue(parsed, owner, orderBySchema(schemaAt(parsed, path), value), style);
  }
  const changes: TextChange[] = [];
  for (const pair of pairs) {
    const key = keyOf(pair);
    if (value[key] === undefined) changes.push(...removePair(parsed, map, pair, owner));
    else {
      changes.push(
        ...setValue(parsed, { kind: "pair", map, pair }, pair.value as Node | null, value[key], [...path, key], style),
      );
    }
  }
  const order = keyOrderAt(parsed, path, value);
  for (const [key, item] of entries) {
    if (pairOf(map, key)) continue;
    const at = insertionIndex(map, key, order);
    changes.push(...insertPair(parsed, map, at, key, orderBySchema(schemaAt(parsed, [...path, key]), item), style));
  }
  return changes;
}

/** Lists of maps or lists: item by item, then appended or removed at the end. */
function updateList(parsed: Parsed, seq: YAMLSeq, value: unknown[], path: Path, style: Style): TextChange[] {
  const items = seq.items as Node[];
  const changes: TextChange[] = [];
  const common = Math.min(items.length, value.length);
  for (let i = 0; i < common; i++) {
    changes.push(...setValue(parsed, { kind: "item", seq, index: i }, items[i] ?? null, value[i], [...path, i], style));
  }
  for (let i = common; i < value.length; i++) {
    const item = orderBySchema(schemaAt(parsed, [...path, i]), value[i]);
    changes.push(...insertItem(parsed, seq, items.length, { value: item }, style));
  }
  if (value.length < items.length) changes.push(...removeItemRange(parsed, seq, value.length, items.length - 1));
  return changes;
}

/**
 * Lists of plain values (needs, selectors, roles): the entries both lists share (longest common subsequence)
 * stay byte for byte, with their comments; the others are removed or inserted in place. Null when no entry
 * stays (the caller rewrites the list).
 */
export function diffScalarList(parsed: Parsed, owner: Owner, seq: YAMLSeq, next: unknown[], style: Style): TextChange[] | null {
  const items = seq.items as Node[];
  const old = items.map((item) => (isScalar(item) ? item.value : Symbol("alias")));
  if (next.length === 0) return emptyCollection(parsed, seq, owner);
  const m = old.length;
  const n = next.length;
  const table: number[][] = Array.from({ length: m + 1 }, () => new Array<number>(n + 1).fill(0));
  for (let i = m - 1; i >= 0; i--) {
    for (let j = n - 1; j >= 0; j--) {
      const row = table[i] as number[];
      row[j] = Object.is(old[i], next[j])
        ? ((table[i + 1] as number[])[j + 1] as number) + 1
        : Math.max((table[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const matchOfNew = new Array<number>(n).fill(-1);
  const kept = new Set<number>();
  for (let i = 0, j = 0; i < m && j < n; ) {
    if (Object.is(old[i], next[j])) {
      matchOfNew[j] = i;
      kept.add(i);
      i++;
      j++;
    } else if (((table[i + 1] as number[])[j] as number) >= ((table[i] as number[])[j + 1] as number)) i++;
    else j++;
  }
  if (kept.size === 0) return null;
  const changes: TextChange[] = [];
  for (let i = 0; i < m; ) {
    if (kept.has(i)) {
      i++;
      continue;
    }
    let last = i;
    while (last + 1 < m && !kept.has(last + 1)) last++;
    changes.push(...removeItemRange(parsed, seq, i, last));
    i = last + 1;
  }
  for (let j = 0; j < n; j++) {
    if (matchOfNew[j] !== -1) continue;
    let before = m;
    for (let k = j + 1; k < n; k++) {
      if (matchOfNew[k] !== -1) {
        before = matchOfNew[k] as number;
        break;
      }
    }
    changes.push(...insertItem(parsed, seq, before, { value: next[j] }, style));
  }
  return changes;
}
