/**
 * The building blocks of every edit, each computed against one parsed text and returned as text changes:
 * replace a scalar, insert or remove a list item or a map entry, replace a value, empty a collection. They
 * work on block and flow collections alike and write new content in the style measured around the target.
 */
import { isAlias, isMap, isScalar, isSeq, Parser } from "yaml";
import type { Node, Pair, Scalar, YAMLMap, YAMLSeq } from "yaml";
import {
  blankLineAbove,
  colonOf,
  contentEnd,
  dashOffsets,
  isEmptyScalar,
  leadingStart,
  pairExtent,
  rangeOf,
  seqItemExtent,
  startWithProps,
} from "./doc";
import type { Parsed } from "./doc";
import {
  blockScalar,
  DEFAULT_STYLE,
  doubleQuoted,
  flowValue,
  inlineScalar,
  isPlainObject,
  keyText,
  plainOk,
  quoted,
  renderEntry,
  renderItem,
  renderValue,
  singleQuotedOk,
} from "./style";
import type { Style } from "./style";
import {
  columnOf,
  indentOf,
  isBlankLine,
  lineAt,
  lineBoundaryAtOrAfter,
  lineContentEnd,
  lineStart,
  nextLineStart,
  previousLineStart,
  reindent,
  spaces,
  startsLine,
} from "./text";
import type { TextChange } from "./text";

/** A refusal with a message meant for the user; applyEdit turns it into `{ ok: false, error }`. */
export class EditError extends Error {}

/** Where a value sits: the entry of a map, the item of a list, or the document root. */
export type Owner =
  | { kind: "pair"; map: YAMLMap; pair: Pair }
  | { kind: "item"; seq: YAMLSeq; index: number }
  | { kind: "root" };

/** A list item to insert: its value, and when it is moved or regrouped, its original text. */
export type ItemPayload = {
  value: unknown;
  /** The item's lines as written (leading comments included, no final line break), its `-` at dashCol. */
  block?: { text: string; dashCol: number };
  /** The item's text as written in flow style (e.g. `{ id: a, … }`), starting at column col. */
  flow?: { text: string; col: number };
};

const endsWithBreak = (text: string): boolean => text.endsWith("\n");

/** Whether the text ends exactly at `offset` without a final line break (content then has to keep that). */
const atUnterminatedEnd = (text: string, offset: number): boolean => offset === text.length && !endsWithBreak(text);

// -------------------------------------------------------------------------------------------------------------
// Scalars

/**
 * Replaces a scalar's bytes with `value`, keeping its quoting when the new value allows it: plain stays plain,
 * 'single' stays single, "double" stays double, and a block scalar (| or >) stays a block scalar with its
 * indentation and header comment. A multi-line string written where a plain or single-quoted scalar was
 * becomes a literal block (in block context) so scripts stay readable.
 */
export function replaceScalar(
  parsed: Parsed,
  node: Scalar,
  value: unknown,
  opts: { flow: boolean; ownerCol: number; style: Style },
): TextChange[] {
  const { text, eol } = parsed;
  const [start, end] = rangeOf(node);
  const type = node.type;
  const isBlock = type === "BLOCK_LITERAL" || type === "BLOCK_FOLDED";
  if (isBlock) {
    const header = lineAt(text, start);
    const rest = /^[|>][-+0-9]*(.*)$/.exec(header)?.[1] ?? "";
    const terminated = text[end - 1] === "\n";
    const contentCol = existingBlockIndent(text, start, end) ?? opts.ownerCol + opts.style.mapIndent;
    if (typeof value === "string" && followingCommentIndent(text, end) < contentCol) {
      const block = blockScalar(value, contentCol, type === "BLOCK_FOLDED");
      if (block) {
        return [{ start, end, text: block.header + rest + eol + block.lines.join(eol) + (terminated ? eol : "") }];
      }
    }
    const inline = typeof value === "string" ? doubleQuoted(value) : inlineScalar(value, false, opts.style);
    return [{ start, end, text: inline + rest + (terminated ? eol : "") }];
  }
  if (typeof value !== "string") return [{ start, end, text: inlineScalar(value, opts.flow, opts.style) }];
  if (type === "QUOTE_DOUBLE") return [{ start, end, text: doubleQuoted(value) }];
  if (!value.includes("\n")) {
    if (type === "QUOTE_SINGLE" && singleQuotedOk(value)) return [{ start, end, text: quoted(value, "'") }];
    if (type !== "QUOTE_SINGLE" && plainOk(value, opts.flow)) return [{ start, end, text: value }];
    return [{ start, end, text: quoted(value, type === "QUOTE_SINGLE" ? "'" : opts.style.quote) }];
  }
  const contentCol = opts.ownerCol + opts.style.mapIndent;
  if (!opts.flow && followingCommentIndent(text, lineBoundaryAtOrAfter(text, end)) < contentCol) {
    const block = blockScalar(value, contentCol);
    if (block) {
      // The header takes the scalar's place; an inline comment after it stays on the header line.
      const lineEnd = lineContentEnd(text, end);
      return [{ start, end: lineEnd, text: block.header + text.slice(end, lineEnd) + eol + block.lines.join(eol) }];
    }
  }
  return [{ start, end, text: doubleQuoted(value) }];
}

/**
 * The deepest indentation among the comment lines right after `at` (-1 if none). A block scalar written just
 * before them must be indented further, or it would swallow them.
 */
export function followingCommentIndent(text: string, at: number): number {
  let deepest = -1;
  for (let p = at; p < text.length; p = nextLineStart(text, p)) {
    const line = lineAt(text, p);
    if (!/^[ \t]*#/.test(line)) break;
    deepest = Math.max(deepest, indentOf(line));
  }
  return deepest;
}

function existingBlockIndent(text: string, start: number, end: number): number | undefined {
  for (let at = nextLineStart(text, start); at < end; at = nextLineStart(text, at)) {
    const line = lineAt(text, at);
    if (!isBlankLine(line)) return indentOf(line);
    if (nextLineStart(text, at) === at) break;
  }
  return undefined;
}

// -------------------------------------------------------------------------------------------------------------
// Flow collections

type Span = { start: number; end: number };

function flowSpans(parsed: Parsed, collection: YAMLMap | YAMLSeq): Span[] {
  const { text } = parsed;
  if (isMap(collection)) {
    return collection.items.map((pair) => {
      const key = pair.key as Node;
      const value = pair.value as Node | null;
      const end = value && !isEmptyScalar(value) ? contentEnd(value) : contentEnd(key);
      return { start: startWithProps(text, key), end };
    });
  }
  return (collection.items as Node[]).map((item) => ({ start: startWithProps(text, item), end: contentEnd(item) }));
}

function flowSeparator(parsed: Parsed, spans: Span[]): string {
  const { text, eol } = parsed;
  if (spans.length >= 2) {
    const gap = text.slice((spans[0] as Span).end, (spans[1] as Span).start);
    if (!gap.includes("#")) return gap;
    return `,${eol}${spaces(columnOf(text, (spans[1] as Span).start))}`;
  }
  const only = spans[0] as Span;
  return startsLine(text, only.start) ? `,${eol}${spaces(columnOf(text, only.start))}` : ", ";
}

function insertFlow(parsed: Parsed, collection: YAMLMap | YAMLSeq, index: number, itemText: string, style: Style): TextChange[] {
  const spans = flowSpans(parsed, collection);
  const [start, end] = rangeOf(collection);
  if (spans.length === 0) {
    const pad = style.flowPadding ? " " : "";
    const open = parsed.text[start] ?? "[";
    const close = parsed.text[end - 1] ?? "]";
    if (parsed.text.slice(start + 1, end - 1).includes("#")) {
      throw new EditError("cannot insert into an empty flow collection that holds a comment; edit it as text");
    }
    return [{ start, end, text: `${open}${pad}${itemText}${pad}${close}` }];
  }
  const separator = flowSeparator(parsed, spans);
  if (index < spans.length) {
    const at = (spans[index] as Span).start;
    return [{ start: at, end: at, text: itemText + separator }];
  }
  const at = (spans[spans.length - 1] as Span).end;
  return [{ start: at, end: at, text: separator + itemText }];
}

function removeFlow(parsed: Parsed, collection: YAMLMap | YAMLSeq, index: number): TextChange[] {
  const { text } = parsed;
  const spans = flowSpans(parsed, collection);
  if (spans.length === 1) {
    const [start, end] = rangeOf(collection);
    return [{ start: start + 1, end: end - 1, text: "" }];
  }
  const current = spans[index] as Span;
  if (index < spans.length - 1) {
    const next = spans[index + 1] as Span;
    // One item per line with comment lines between them: those comments belong to the next item. Remove the
    // item's own line (with its comma and trailing comment) and keep the lines after it.
    if (text.slice(current.end, next.start).includes("#") && startsLine(text, current.start)) {
      const after = text.slice(current.end, lineContentEnd(text, current.end));
      if (/^[ \t,]*(#.*)?$/.test(after)) return [{ start: lineStart(text, current.start), end: nextLineStart(text, current.end), text: "" }];
    }
    return [{ start: current.start, end: next.start, text: "" }];
  }
  const previous = spans[index - 1] as Span;
  const gap = text.slice(previous.end, current.start);
  if (gap.includes("#") && startsLine(text, current.start)) {
    // The gap holds the previous item's comment: keep it, drop the comma before it and the item's own line.
    const after = text.slice(current.end, lineContentEnd(text, current.end));
    if (/^[ \t,]*(#.*)?$/.test(after)) {
      const comma = text.indexOf(",", previous.end);
      return [
        { start: comma, end: comma + 1, text: "" },
        { start: lineStart(text, current.start), end: nextLineStart(text, current.end), text: "" },
      ];
    }
  }
  return [{ start: previous.end, end: current.end, text: "" }];
}

// -------------------------------------------------------------------------------------------------------------
// Lines

/**
 * Removes whole lines [start, end) and tidies the blank lines around them: items separated by blank lines
 * stay separated by exactly one, the first item of a list does not leave a blank line under its key, and a
 * document without a final line break keeps having none.
 */
export function removeLines(
  parsed: Parsed,
  start: number,
  end: number,
  where: { first: boolean; last: boolean; floor?: number },
): TextChange[] {
  const { text } = parsed;
  let s = start;
  let e = end;
  const above = blankLineAbove(text, s) && previousLineStart(text, s) >= (where.floor ?? 0);
  const below = e < text.length && isBlankLine(lineAt(text, e));
  if (below && (above || where.first)) {
    let next = e;
    while (next < text.length && isBlankLine(lineAt(text, next))) next = nextLineStart(text, next);
    if (next < text.length) e = next;
  } else if (above && where.last && !below) {
    while (blankLineAbove(text, s) && previousLineStart(text, s) >= (where.floor ?? 0)) s = previousLineStart(text, s);
  }
  if (atUnterminatedEnd(text, e) && s > 0) s -= text[s - 2] === "\r" ? 2 : 1;
  return [{ start: s, end: e, text: "" }];
}

/** Lines [start, end) of the text replaced by `lines`, keeping an unterminated last line unterminated. */
function replaceLines(parsed: Parsed, start: number, end: number, block: string): TextChange {
  const terminated = !atUnterminatedEnd(parsed.text, end);
  return { start, end, text: block + (terminated ? parsed.eol : "") };
}

/** Text inserted as whole lines at line boundary `at`. */
function insertLines(parsed: Parsed, at: number, block: string, blankBefore = false, blankAfter = false): TextChange {
  const { eol } = parsed;
  if (atUnterminatedEnd(parsed.text, at) && at > 0) {
    return { start: at, end: at, text: eol + (blankBefore ? eol : "") + block + (blankAfter ? eol : "") };
  }
  return { start: at, end: at, text: (blankBefore ? eol : "") + block + eol + (blankAfter ? eol : "") };
}

// -------------------------------------------------------------------------------------------------------------
// Lists

/** Columns from `-` to the content, as written by the items of this list (else the style's). */
function dashSpacingOf(parsed: Parsed, seq: YAMLSeq, style: Style): number {
  const { text } = parsed;
  const dashes = dashOffsets(seq);
  for (let i = 0; i < dashes.length; i++) {
    const dash = dashes[i] as number;
    const item = seq.items[i] as Node | undefined;
    if (!item?.range || isEmptyScalar(item)) continue;
    const start = startWithProps(text, item);
    if (lineStart(text, start) === lineStart(text, dash)) return start - dash;
  }
  return style.dashSpacing;
}

/** Whether most items of the list are separated from the previous one by a blank line. */
function separatedByBlankLines(parsed: Parsed, seq: YAMLSeq): boolean {
  const dashes = dashOffsets(seq);
  if (dashes.length < 2) return false;
  let blank = 0;
  for (let i = 1; i < dashes.length; i++) {
    if (blankLineAbove(parsed.text, leadingStart(parsed.text, dashes[i] as number))) blank++;
  }
  return blank * 2 > dashes.length - 1;
}

/** The text of a payload as a block list item at dashCol (no final line break). */
export function blockItemText(parsed: Parsed, payload: ItemPayload, dashCol: number, dashSpacing: number, style: Style, flowItems: boolean): string {
  if (payload.block) return reindent(payload.block.text, dashCol - payload.block.dashCol);
  const dash = `${spaces(dashCol)}-${spaces(dashSpacing - 1)}`;
  if (payload.flow) return dash + reindent(payload.flow.text, dashCol + dashSpacing - payload.flow.col, true);
  if (flowItems && isPlainObject(payload.value)) return dash + flowValue(payload.value, style);
  return renderItem(payload.value, dashCol, style, dashSpacing).join(parsed.eol);
}

/** The comments written in a piece of YAML, in order (a `#` inside a scalar is not one). */
function commentsIn(yaml: string): string[] {
  const out: string[] = [];
  const walk = (token: unknown): void => {
    if (Array.isArray(token)) return token.forEach(walk);
    if (!token || typeof token !== "object") return;
    const t = token as { type?: string; source?: string };
    if (t.type === "comment" && t.source) out.push(t.source);
    for (const value of Object.values(token)) if (typeof value === "object") walk(value);
  };
  for (const token of new Parser().parse(yaml)) walk(token);
  return out;
}

function flowItemText(payload: ItemPayload, col: number, style: Style): string {
  if (payload.flow) return reindent(payload.flow.text, col - payload.flow.col, true);
  return flowValue(payload.value, style);
}

/** Inserts an item into a non-empty list so that it ends up at `index`. */
export function insertItem(parsed: Parsed, seq: YAMLSeq, index: number, payload: ItemPayload, style: Style): TextChange[] {
  const { text } = parsed;
  const count = seq.items.length;
  if (seq.flow) {
    const spans = flowSpans(parsed, seq);
    const near = spans[Math.min(index, spans.length - 1)];
    const col = near ? columnOf(text, near.start) : columnOf(text, rangeOf(seq)[0]) + 1;
    const changes = insertFlow(parsed, seq, index, flowItemText(payload, col, style), style);
    const comments = payload.block ? commentsIn(payload.block.text) : [];
    if (comments.length === 0) return changes;
    // A block item moved into a flow list brings comments the flow text has no room for: they go on lines of
    // their own above the line the list starts on, rather than being dropped.
    const at = lineStart(text, rangeOf(seq)[0]);
    const indent = spaces(indentOf(text.slice(at)));
    return [{ start: at, end: at, text: comments.map((c) => `${indent}${c}${parsed.eol}`).join("") }, ...changes];
  }
  const dashes = dashOffsets(seq);
  if (count === 0 || dashes.length !== count) throw new EditError("cannot insert into this list; edit it as text");
  if (!startsLine(text, dashes[0] as number)) {
    throw new EditError("cannot insert into a list that starts on the line of its parent item; edit it as text");
  }
  const dashCol = columnOf(text, dashes[0] as number);
  const flowItems = (seq.items as Node[]).filter((item) => isMap(item) && item.flow).length * 2 > count;
  const block = blockItemText(parsed, payload, dashCol, dashSpacingOf(parsed, seq, style), style, flowItems);
  const separated = separatedByBlankLines(parsed, seq);
  if (index < count) {
    return [insertLines(parsed, leadingStart(text, dashes[index] as number), block, false, separated)];
  }
  const last = seqItemExtent(text, seq, count - 1);
  if (!last) throw new EditError("cannot insert into this list; edit it as text");
  return [insertLines(parsed, last.end, block, separated)];
}

/** Removes item `index` of a list; the last item leaves an empty list (`[]`). */
export function removeItem(parsed: Parsed, seq: YAMLSeq, index: number, owner: Owner): TextChange[] {
  const count = seq.items.length;
  if (count <= 1) return emptyCollection(parsed, seq, owner);
  if (seq.flow) return removeFlow(parsed, seq, index);
  return removeItemRange(parsed, seq, index, index);
}

/** Removes items first..last (inclusive, not all of them) of a block list as one block of lines. */
export function removeItemRange(parsed: Parsed, seq: YAMLSeq, first: number, last: number): TextChange[] {
  const { text } = parsed;
  if (seq.flow) {
    const spans = flowSpans(parsed, seq);
    if (last < spans.length - 1) {
      return [{ start: (spans[first] as Span).start, end: (spans[last + 1] as Span).start, text: "" }];
    }
    return [{ start: (spans[first - 1] as Span).end, end: (spans[last] as Span).end, text: "" }];
  }
  const from = seqItemExtent(text, seq, first);
  const to = seqItemExtent(text, seq, last);
  if (!from || !to || from.inline) throw new EditError("cannot remove this item; edit it as text");
  const floor = first > 0 ? seqItemExtent(text, seq, first - 1)?.bodyEnd : undefined;
  return removeLines(parsed, from.start, to.end, { first: first === 0, last: last === seq.items.length - 1, floor });
}

/**
 * Replaces item `index` of a list by other items (a group by its steps, a group by the step it keeps). The
 * item's own leading comments stay where they are.
 */
export function replaceItemWithItems(
  parsed: Parsed,
  seq: YAMLSeq,
  index: number,
  payloads: ItemPayload[],
  style: Style,
): TextChange[] {
  const { text, eol } = parsed;
  if (seq.flow) {
    const spans = flowSpans(parsed, seq);
    const span = spans[index] as Span;
    const col = columnOf(text, span.start);
    const separator = spans.length > 1 ? flowSeparator(parsed, spans) : ", ";
    return [{ start: span.start, end: span.end, text: payloads.map((p) => flowItemText(p, col, style)).join(separator) }];
  }
  const extent = seqItemExtent(text, seq, index);
  if (!extent || extent.inline) throw new EditError("cannot rewrite this item; edit it as text");
  const spacing = dashSpacingOf(parsed, seq, style);
  const block = payloads.map((p) => blockItemText(parsed, p, extent.col, spacing, style, false)).join(eol);
  return [replaceLines(parsed, lineStart(text, extent.head), extent.end, block)];
}

/** What a list item looks like as a payload (to move it or regroup it elsewhere). */
export function payloadOf(parsed: Parsed, seq: YAMLSeq, index: number): ItemPayload {
  const { text } = parsed;
  const node = seq.items[index] as Node;
  const value = node.toJS(parsed.doc);
  const flow =
    (isMap(node) || isSeq(node)) && node.flow
      ? { text: text.slice(startWithProps(text, node), contentEnd(node)), col: columnOf(text, startWithProps(text, node)) }
      : undefined;
  if (seq.flow) {
    const start = startWithProps(text, node);
    return { value, flow: { text: text.slice(start, contentEnd(node)), col: columnOf(text, start) } };
  }
  const extent = seqItemExtent(text, seq, index);
  if (!extent || extent.inline) return { value, flow };
  const block = text.slice(extent.start, extent.end).replace(/\r?\n$/, "");
  return { value, flow, block: { text: block, dashCol: extent.col } };
}

// -------------------------------------------------------------------------------------------------------------
// Maps

/** Offset just after `key:` and the value's anchor or tag on the key's line. */
export function afterColon(parsed: Parsed, pair: Pair): number {
  const { text } = parsed;
  let at = colonOf(text, pair) + 1;
  for (;;) {
    let next = at;
    while (text[next] === " ") next++;
    if (text[next] !== "&" && text[next] !== "!") return at;
    while (next < text.length && !/[\s]/.test(text[next] ?? "")) next++;
    at = next;
  }
}

/** The comment at the end of a map entry's key line (after its value when the value is on that line). */
function keyLineComment(parsed: Parsed, pair: Pair): string {
  const { text } = parsed;
  let from = afterColon(parsed, pair);
  const value = pair.value as Node | null;
  if (value && !isEmptyScalar(value) && lineStart(text, rangeOf(value)[0]) === lineStart(text, from)) {
    from = isScalar(value) && (value.type === "BLOCK_LITERAL" || value.type === "BLOCK_FOLDED") ? rangeOf(value)[0] : contentEnd(value);
  }
  const rest = text.slice(from, lineContentEnd(text, from));
  return /(?:^|\s)(#.*)$/.exec(rest)?.[1] ?? "";
}

/** Lines of a block value under a key at column `keyCol` (for values that carry their original text). */
export type BlockLines = (keyCol: number) => string[];

/**
 * Inserts `key: value` so that it becomes entry `index` of a non-empty map. `blockLines`, when given, are the
 * value's lines in block style (used instead of rendering `value`).
 */
export function insertPair(
  parsed: Parsed,
  map: YAMLMap,
  index: number,
  key: string,
  value: unknown,
  style: Style,
  blockLines?: BlockLines,
): TextChange[] {
  const { text, eol } = parsed;
  const count = map.items.length;
  if (map.flow) {
    const entry = `${keyText(key, true, style)}: ${flowValue(value, style)}`;
    return insertFlow(parsed, map, index, entry, style);
  }
  if (count === 0) throw new EditError("cannot insert into this map; edit it as text");
  const col = columnOf(text, rangeOf(map.items[0]?.key as Node)[0]);
  const lines = blockLines
    ? [`${spaces(col)}${keyText(key, false, style)}:`, ...blockLines(col)]
    : renderEntry(key, value, col, style);
  if (index < count) {
    const extent = pairExtent(text, map.items[index] as Pair);
    if (!extent.inline) return [insertLines(parsed, extent.start, lines.join(eol))];
    // Before a key written on its list item's line (`- id: a`): the new key takes that place.
    const first = (lines[0] ?? "").slice(col);
    const rest = lines.slice(1).map((line) => line + eol).join("");
    return [{ start: extent.head, end: extent.head, text: first + eol + rest + spaces(col) }];
  }
  const last = pairExtent(text, map.items[count - 1] as Pair);
  return [insertLines(parsed, last.end, lines.join(eol))];
}

/** Removes an entry of a map; the last one leaves an empty map (`{}`). */
export function removePair(parsed: Parsed, map: YAMLMap, pair: Pair, owner: Owner): TextChange[] {
  const { text } = parsed;
  const count = map.items.length;
  const index = map.items.indexOf(pair as never);
  if (count <= 1) return emptyCollection(parsed, map, owner);
  if (map.flow) return removeFlow(parsed, map, index);
  const extent = pairExtent(text, pair);
  if (!extent.inline) {
    const floor = index > 0 ? pairExtent(text, map.items[index - 1] as Pair).bodyEnd : undefined;
    return removeLines(parsed, extent.start, extent.end, { first: index === 0, last: index === count - 1, floor });
  }
  // The first key of a list item (`- id: a`): the next key moves up onto the `-` line.
  const next = pairExtent(text, map.items[index + 1] as Pair);
  let to = next.head;
  if (next.start < lineStart(text, next.head)) to = next.start + indentOf(lineAt(text, next.start));
  return [{ start: extent.head, end: to, text: "" }];
}

/** Turns a collection into an empty one (`[]` or `{}`), keeping its key line and the comment on it. */
export function emptyCollection(parsed: Parsed, collection: YAMLMap | YAMLSeq, owner: Owner): TextChange[] {
  const empty = isMap(collection) ? "{}" : "[]";
  const [start, end] = rangeOf(collection);
  if (collection.flow) return [{ start, end, text: empty }];
  if (owner.kind !== "pair") {
    if (owner.kind === "item") return replaceValue(parsed, owner, isMap(collection) ? {} : [], DEFAULT_STYLE);
    throw new EditError("cannot empty the document root");
  }
  const at = afterColon(parsed, owner.pair);
  const extent = pairExtent(parsed.text, owner.pair);
  const lines = removeLines(parsed, nextLineStart(parsed.text, at), extent.end, { first: false, last: false });
  return [{ start: at, end: at, text: ` ${empty}` }, ...lines];
}


/**
 * Rewrites a value as a whole (when its kind changes, or when a finer edit is not possible). The key, its
 * quoting, the value's anchor and the comment on the key line are kept; the shrinking of changes in
 * applyEdit then keeps only the bytes that really differ.
 */
export function replaceValue(
  parsed: Parsed,
  owner: Owner,
  value: unknown,
  style: Style,
  blockLines?: BlockLines,
): TextChange[] {
  const { text, eol } = parsed;
  if (owner.kind === "root") throw new EditError("cannot replace the whole document");
  if (owner.kind === "pair") {
    const { map, pair } = owner;
    const key = pair.key as Node;
    const colon = colonOf(text, pair);
    const keyText = text.slice(startWithProps(text, key), colon).replace(/\s+$/, "");
    const valueNode = pair.value as Node | null;
    if (map.flow) {
      const end = valueNode && !isEmptyScalar(valueNode) ? contentEnd(valueNode) : colon + 1;
      const props = text.slice(colon + 1, afterColon(parsed, pair)).trim();
      return [{ start: startWithProps(text, key), end, text: `${keyText}: ${props ? `${props} ` : ""}${flowValue(value, style)}` }];
    }
    const extent = pairExtent(text, pair);
    const props = text.slice(colon + 1, afterColon(parsed, pair)).trim();
    const comment = keyLineComment(parsed, pair);
    // Comment lines right after the value that are indented like its content would be read as part of a
    // block scalar written last: then multi-line strings are written quoted instead.
    const safe = followingCommentIndent(text, extent.bodyEnd) > extent.col ? { ...style, blockScalars: false } : style;
    const rendered = blockLines ? { header: "", lines: blockLines(extent.col) } : renderValue(value, extent.col, safe);
    let first = `${keyText}:${props ? ` ${props}` : ""}`;
    if ("inline" in rendered) first += ` ${rendered.inline}`;
    else if (rendered.header) first += ` ${rendered.header}`;
    if (comment) first += ` ${comment}`;
    const lines = "inline" in rendered ? [] : rendered.lines;
    if (extent.inline) {
      const block = [first, ...lines].join(eol);
      const change = replaceLines(parsed, extent.head, extent.bodyEnd, block);
      return [change];
    }
    return [replaceLines(parsed, lineStart(text, extent.head), extent.bodyEnd, [spaces(extent.col) + first, ...lines].join(eol))];
  }
  const { seq, index } = owner;
  const node = seq.items[index] as Node;
  if (seq.flow) return [{ start: rangeOf(node)[0], end: contentEnd(node), text: flowValue(value, style) }];
  const extent = seqItemExtent(text, seq, index);
  if (!extent) throw new EditError("cannot replace this item; edit it as text");
  const safe = followingCommentIndent(text, extent.bodyEnd) > extent.col ? { ...style, blockScalars: false } : style;
  const lines = renderItem(value, extent.col, safe, dashSpacingOf(parsed, seq, style));
  lines[0] = (lines[0] ?? "").slice(extent.col);
  return [replaceLines(parsed, extent.head, extent.bodyEnd, lines.join(eol))];
}

/** Sets the value of an existing scalar, alias or empty value in place, or rewrites it. */
export function setLeaf(parsed: Parsed, owner: Owner, node: Node | null, value: unknown, style: Style): TextChange[] {
  if (node && isScalar(node) && !isEmptyScalar(node) && (value === null || typeof value !== "object")) {
    const flow = owner.kind === "pair" ? !!owner.map.flow : owner.kind === "item" ? !!owner.seq.flow : false;
    const ownerCol =
      owner.kind === "pair"
        ? columnOf(parsed.text, rangeOf(owner.pair.key as Node)[0])
        : owner.kind === "item" && !owner.seq.flow
          ? columnOf(parsed.text, dashOffsets(owner.seq)[owner.index] ?? 0)
          : 0;
    return replaceScalar(parsed, node, value, { flow, ownerCol, style });
  }
  if (node && isAlias(node) && (value === null || typeof value !== "object") && !(typeof value === "string" && value.includes("\n"))) {
    const flow = owner.kind === "pair" ? !!owner.map.flow : owner.kind === "item" ? !!owner.seq.flow : false;
    const [start, end] = rangeOf(node);
    return [{ start, end, text: inlineScalar(value, flow, style) }];
  }
  return replaceValue(parsed, owner, value, style);
}
