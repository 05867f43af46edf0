/**
 * Maps document paths (["stages", 0, "steps", 1, "script"]) to ranges in the YAML text, so every problem found on
 * the parsed data can be shown where the user wrote it. Built once per parse over the yaml Document.
 */
import { isMap, isScalar, isSeq, LineCounter } from "yaml";
import type { Document, Node } from "yaml";
import type { Path, Position, Range } from "./problem";

export type Located = {
  /** The node at the path, or the deepest ancestor that exists. */
  node: Node | undefined;
  /** The key node of the last map entry walked through, when the last step was a map key. */
  key: Node | undefined;
  /** True when the whole path exists in the document. */
  found: boolean;
};

export type Locator = {
  text: string;
  find(path: Path): Located;
  /** The value written at `path` (its key if the value is empty); the nearest existing ancestor if missing. */
  value(path: Path): Range;
  /** The key of the entry at `path` (e.g. the word `retries`), else as `value`. */
  key(path: Path): Range;
  /** The first line of the node at `path`: where to point when something inside it is missing. */
  firstLine(path: Path): Range;
  /** Range from offsets into the text. */
  range(start: number, end: number): Range;
  line(offset: number): number;
};

export function createLocator(doc: Document, lineCounter: LineCounter, text: string): Locator {
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col, offset };
  };
  const range = (start: number, end: number): Range => ({ start: position(start), end: position(end) });

  const find = (path: Path): Located => {
    let node = doc.contents ?? undefined;
    let key: Node | undefined;
    for (const segment of path) {
      let next: { node: Node | undefined; key: Node | undefined } | undefined;
      if (isMap(node)) {
        // Keys are compared as text: toJS turns a YAML key such as `200:` into the string "200".
        const pair = node.items.find(
          (item) => String(isScalar(item.key) ? item.key.value : item.key) === String(segment),
        );
        if (pair) next = { node: (pair.value ?? undefined) as Node | undefined, key: pair.key as Node };
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment] as Node | undefined;
        if (item) next = { node: item, key: undefined };
      }
      if (!next) return { node, key, found: false };
      // A key with no value (`script:`) has no node of its own: stay on the key.
      if (!next.node) return { node: undefined, key: next.key, found: true };
      node = next.node;
      key = next.key;
    }
    return { node, key: path.length > 0 ? key : undefined, found: true };
  };

  const nodeRange = (node: Node | undefined): Range | undefined => {
    if (!node?.range) return undefined;
    const [start, valueEnd] = node.range;
    let end = valueEnd;
    // Block collections end after their trailing newline; stop at the last visible character instead.
    while (end > start && /\s/.test(text[end - 1] ?? "")) end--;
    return end > start ? range(start, end) : undefined;
  };

  const firstLineOf = (node: Node | undefined): Range => {
    if (!node?.range) return range(0, 0);
    const start = node.range[0];
    const newline = text.indexOf("\n", start);
    let end = Math.min(node.range[1], newline === -1 ? text.length : newline);
    while (end > start && /\s/.test(text[end - 1] ?? "")) end--;
    if (end <= start) end = Math.min(start + 1, text.length);
    return range(start, end);
  };

  const value = (path: Path): Range => {
    const located = find(path);
    if (!located.found) return firstLineOf(located.node);
    return nodeRange(located.node) ?? nodeRange(located.key) ?? firstLineOf(located.node ?? located.key);
  };

  return {
    text,
    find,
    value,
    key: (path) => {
      const located = find(path);
      return (located.found ? nodeRange(located.key) : undefined) ?? value(path);
    },
    firstLine: (path) => {
      const located = find(path);
      return firstLineOf(located.node ?? located.key);
    },
    range,
    line: (offset) => lineCounter.linePos(offset).line,
  };
}

/**
 * Where to point for a problem about the value at `path`: a scalar itself, but for a map or list the key that
 * introduces it (underlining a whole block hides everything else in it), or its first line for a list item.
 */
export function pointAt(locator: Locator, path: Path): Range {
  const located = locator.find(path);
  if (!located.found) return locator.firstLine(path);
  const node = located.node as { items?: unknown } | undefined;
  if (node && Array.isArray(node.items)) return located.key ? locator.key(path) : locator.firstLine(path);
  return locator.value(path);
}
