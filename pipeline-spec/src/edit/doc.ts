/**
 * The parsed view the editor works on: the yaml Document (with source ranges and CST tokens) of one text, plus
 * the positions the edits need that the Document does not give directly — where a list item's `-` is, where
 * an item really ends, which comment lines belong to it. Parses are cached and, when possible, derived from
 * the previous one stage by stage (incremental.ts).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit } from "yaml";
import type { Document, Node, Pair, Scalar, YAMLMap, YAMLSeq } from "yaml";
import { chunksOf, parseIncrementally } from "./incremental";
import {
  columnOf,
  detectEol,
  indentOf,
  isBlankLine,
  isCommentLine,
  lineAt,
  lineBoundaryAtOrAfter,
  lineStart,
  nextLineStart,
  previousLineStart,
  startsLine,
} from "./text";
import type { TextChange } from "./text";

export type Parsed = {
  text: string;
  doc: Document.Parsed;
  eol: "\n" | "\r\n";
  /** YAML syntax errors (not warnings). */
  errors: string[];
  /** Memoised per-document facts (style, alias index), keyed by their module. */
  memo: Map<string, unknown>;
  /** The stage list cut into chunks, when the next parse can be incremental (see incremental.ts). */
  chunks?: Chunks;
  /** True when this parse was assembled from a previous one (see incremental.ts). */
  incremental?: boolean;
};

/** One stage of the stage list: its first line, its `-`, its node. */
export type Chunk = { start: number; dash: number; node: Node };
export type Chunks = { col: number; list: Chunk[]; header: Pair[]; stagesKey: Node; rootStart: number };

/**
 * A few recent parses, keyed by text. In the editor every edit's result is the next edit's input, and the
 * result has already been parsed (incrementally, see incremental.ts) to check it, so a chain of edits never
 * parses the whole document again; text typed between two edits is re-parsed from the latest parse.
 */
const recent: Parsed[] = [];
const RECENT_LIMIT = 4;

function cached(text: string): Parsed | undefined {
  const hit = recent.findIndex((parsed) => parsed.text === text);
  if (hit < 0) return undefined;
  const parsed = recent[hit] as Parsed;
  recent.splice(hit, 1);
  recent.unshift(parsed);
  return parsed;
}

function remember(parsed: Parsed): void {
  recent.unshift(parsed);
  if (recent.length > RECENT_LIMIT) recent.pop();
}

/**
 * The parse of `text`, which is `previous.text` with `changes` (sorted, on previous.text) applied: incremental
 * when possible, which consumes `previous` (it leaves the cache and must not be used any more).
 */
export function parseAfter(previous: Parsed, changes: readonly TextChange[], text: string, keepStyle = true): Parsed {
  const hit = cached(text);
  if (hit) return hit;
  const parsed = parseIncrementally(previous, changes, text, keepStyle);
  if (!parsed) return parseFully(text);
  const index = recent.indexOf(previous);
  if (index >= 0) recent.splice(index, 1);
  previous.chunks = undefined;
  remember(parsed);
  return parsed;
}

export function parseText(text: string): Parsed {
  const hit = cached(text);
  if (hit) return hit;
  // Typing in the editor between two graph edits changes one place: parse from the latest text when it can.
  const latest = recent[0];
  if (latest?.chunks) {
    const change = differenceOf(latest.text, text);
    // (The latest text may be another document altogether: its style is not carried over.)
    if (change) return parseAfter(latest, [change], text, false);
  }
  return parseFully(text);
}

/** The one change that turns `before` into `after` (common prefix and suffix left out). */
function differenceOf(before: string, after: string): TextChange | undefined {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  if (prefix === before.length && prefix === after.length) return undefined;
  return { start: prefix, end: before.length - suffix, text: after.slice(prefix, after.length - suffix) };
}

function parseFully(text: string): Parsed {
  const previous = Error.stackTraceLimit;
  Error.stackTraceLimit = 0; // see parse.ts: stack capture dominates the cost of a broken document
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { keepSourceTokens: true, prettyErrors: false });
  } finally {
    Error.stackTraceLimit = previous;
  }
  const parsed: Parsed = {
    text,
    doc,
    eol: detectEol(text),
    errors: doc.errors.map((error) => error.message),
    memo: new Map(),
  };
  parsed.chunks = chunksOf(parsed);
  remember(parsed);
  return parsed;
}

export function memo<T>(parsed: Parsed, key: string, compute: () => T): T {
  if (!parsed.memo.has(key)) parsed.memo.set(key, compute());
  return parsed.memo.get(key) as T;
}

export type Collection = YAMLMap.Parsed | YAMLSeq.Parsed;
export type ParsedNode = Node & { range: [number, number, number] };

export const rangeOf = (node: Node): [number, number, number] => node.range as [number, number, number];

/** The pair of `map` whose key reads as `key` (keys compared as text, like the locator does). */
export function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key) as Pair | undefined;
}

export function valueOf(map: YAMLMap, key: string): Node | undefined {
  const value = pairOf(map, key)?.value;
  return (value ?? undefined) as Node | undefined;
}

/** The string value of a scalar node, or undefined. */
export function stringOf(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = (node as Scalar).value;
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : undefined;
}

/** True for the empty value of `key:` with nothing after it. */
export function isEmptyScalar(node: unknown): boolean {
  if (!isScalar(node)) return false;
  const range = (node as Scalar).range;
  return (node as Scalar).value === null && !!range && range[0] === range[1];
}

/** Offset just after the last character of real content in `node` (not its trailing comments). */
export function contentEnd(node: Node): number {
  if (isScalar(node) || isAlias(node)) return rangeOf(node)[1];
  const collection = node as Collection;
  if (collection.flow) return rangeOf(node)[1];
  let end = rangeOf(node)[0];
  for (const item of collection.items as unknown[]) {
    if (isPair(item)) {
      if (item.key && !isEmptyScalar(item.key)) end = Math.max(end, contentEnd(item.key as Node));
      if (item.value && !isEmptyScalar(item.value)) end = Math.max(end, contentEnd(item.value as Node));
    } else if (item && !isEmptyScalar(item)) {
      end = Math.max(end, contentEnd(item as Node));
    }
  }
  return end;
}

/** Offsets of the `-` of each item of a block sequence, in item order. */
export function dashOffsets(seq: YAMLSeq): number[] {
  const token = seq.srcToken;
  if (!token || token.type !== "block-seq") return [];
  const out: number[] = [];
  for (const item of token.items) {
    const dash = item.start.find((t) => t.type === "seq-item-ind");
    if (dash) out.push(dash.offset);
  }
  return out;
}

/**
 * Where a block item (a list item or a map entry) lives in the text:
 * - `head`: its `-`, or its key;
 * - `start`: the start of its first leading comment line (comment lines right above it, no blank line between,
 *   not indented deeper than it), else the start of its line — or `head` itself when something else precedes it
 *   on that line (the first key of a list item written `- id: a`);
 * - `bodyEnd`: the end of the line holding its last content, line break included (inline comment included);
 * - `end`: after the comment lines that follow it indented deeper than its head (they are inside it, even
 *   after a blank line).
 */
export type Extent = { start: number; head: number; bodyEnd: number; end: number; col: number; inline: boolean };

/** Where a block item starts once its leading comment lines are counted (see Extent). */
export function leadingStart(text: string, head: number): number {
  if (!startsLine(text, head)) return head;
  const col = columnOf(text, head);
  let start = lineStart(text, head);
  for (let p = previousLineStart(text, start); p >= 0; p = previousLineStart(text, p)) {
    const line = lineAt(text, p);
    if (!isCommentLine(line) || indentOf(line) > col) break;
    start = p;
  }
  return start;
}

export function blockExtent(text: string, head: number, lastContent: number): Extent {
  const inline = !startsLine(text, head);
  const col = columnOf(text, head);
  const start = leadingStart(text, head);
  const bodyEnd = Math.max(lineBoundaryAtOrAfter(text, lastContent), nextLineStart(text, head));
  // Comment lines indented deeper than the head are inside the item, even after a blank line.
  let end = bodyEnd;
  for (let at = bodyEnd; at < text.length; at = nextLineStart(text, at)) {
    const line = lineAt(text, at);
    if (isBlankLine(line)) continue;
    if (!isCommentLine(line) || indentOf(line) <= col) break;
    end = nextLineStart(text, at);
  }
  return { start, head, bodyEnd, end, col, inline };
}

export function seqItemExtent(text: string, seq: YAMLSeq, index: number): Extent | undefined {
  const dash = dashOffsets(seq)[index];
  const item = seq.items[index] as Node | undefined;
  if (dash === undefined || !item) return undefined;
  const last = isEmptyScalar(item) ? dash + 1 : contentEnd(item);
  return blockExtent(text, dash, last);
}

export function pairExtent(text: string, pair: Pair): Extent {
  const key = pair.key as Node;
  const head = rangeOf(key)[0];
  let last = contentEnd(key);
  if (pair.value && !isEmptyScalar(pair.value)) last = Math.max(last, contentEnd(pair.value as Node));
  return blockExtent(text, head, last);
}

/** Whether the line right above `start` is blank. */
export function blankLineAbove(text: string, start: number): boolean {
  const previous = previousLineStart(text, start);
  return previous >= 0 && isBlankLine(lineAt(text, previous));
}

/** Offset of the `:` of a block or flow map pair. */
export function colonOf(text: string, pair: Pair): number {
  let at = contentEnd(pair.key as Node);
  while (at < text.length && text[at] !== ":") at++;
  return at;
}

/**
 * Start of a node including its anchor and tag (`&name !!str value`). A block collection's props sit at the end
 * of the line before it (`env: &common-env`).
 */
export function startWithProps(text: string, node: Node): number {
  let start = rangeOf(node)[0];
  const hasProps = (node as { anchor?: string }).anchor || (isScalar(node) || isMap(node) || isSeq(node) ? node.tag : undefined);
  if (!hasProps) return start;
  for (;;) {
    let at = start;
    while (at > 0 && /[ \t\r\n]/.test(text[at - 1] ?? "")) at--;
    let word = at;
    while (word > 0 && !/[\s,[\]{}]/.test(text[word - 1] ?? "")) word--;
    if (word < at && (text[word] === "&" || text[word] === "!")) start = word;
    else return start;
  }
}

/** Every alias of the document with the node it refers to (undefined when its anchor is missing). */
export function aliasesOf(parsed: Parsed): { source: string; offset: number; target: Node | undefined }[] {
  return memo(parsed, "aliases", () => {
    const out: { source: string; offset: number; target: Node | undefined }[] = [];
    if (!/(?:^|[\s[{,])\*[^\s,[\]{}]/.test(parsed.text)) return out;
    visit(parsed.doc, {
      Alias(_, alias) {
        out.push({ source: alias.source, offset: rangeOf(alias)[0], target: alias.resolve(parsed.doc) as Node });
      },
    });
    return out;
  });
}

/** Nodes of the subtree rooted at `node` that carry an anchor. */
export function anchoredNodes(node: Node): Set<Node> {
  const out = new Set<Node>();
  visit(node, {
    Node(_, n) {
      if ((n as { anchor?: string }).anchor) out.add(n as Node);
    },
  });
  return out;
}
