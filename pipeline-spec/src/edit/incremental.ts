/**
 * Incremental re-parsing. Parsing a 500-step pipeline with the yaml package costs tens of milliseconds, and
 * every edit's result has to be parsed (to check it, and for the next edit). But an edit from the graph changes
 * one or two stages, so the result is parsed stage by stage instead: the stage list is cut into chunks at the
 * lines that start a stage (`  - ` at the list's column; nothing inside a stage can start a line there), each
 * changed chunk is parsed on its own, and the nodes of the unchanged chunks are reused with their offsets
 * shifted. The pieces are assembled into a Document whose nodes have the same ranges a full parse gives (the
 * tests compare the two after every edit of the property test).
 *
 * It applies only to documents it can handle safely: a block map whose last key is a block `stages` list, no
 * anchors or aliases (an alias may point into another chunk), and changes inside the stage list; anything else
 * is parsed in full. Reused nodes are moved, not copied: the Parsed they came from is dropped from the cache.
 */
import { Document, isAlias, isMap, isSeq, Pair, parseDocument, visit, YAMLMap, YAMLSeq } from "yaml";
import type { Node } from "yaml";
import { dashOffsets, rangeOf } from "./doc";
import type { Chunk, Chunks, Parsed } from "./doc";
import { lineStart, nextLineStart, startsLine } from "./text";
import type { TextChange } from "./text";

/** Text that may hold an anchor (`&name`) or an alias (`*name`); `&&` and `dist/*` do not count. */
const ANCHOR_OR_ALIAS = /(?:^|[\s[{,:-])[&*][^\s,[\]{}&*]/m;

/** Whether the document has anchors or aliases (they may link chunks, so chunks cannot be parsed alone). */
function hasAnchorsOrAliases(node: unknown): boolean {
  let found = false;
  visit(node as Node, {
    Node(_, n) {
      if (isAlias(n) || (n as { anchor?: string }).anchor) {
        found = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The chunks of a fully parsed document, when incremental parsing applies to it. */
export function chunksOf(parsed: Omit<Parsed, "chunks">): Chunks | undefined {
  const { doc, text } = parsed;
  const root = doc.contents;
  if (parsed.errors.length > 0 || !isMap(root) || root.flow) return undefined;
  const stagesPair = root.items[root.items.length - 1] as Pair | undefined;
  const seq = stagesPair?.value;
  const key = stagesPair?.key as { value?: unknown } | undefined;
  if (!stagesPair || key?.value !== "stages" || !isSeq(seq) || seq.flow || seq.items.length === 0) return undefined;
  const dashes = dashOffsets(seq);
  if (dashes.length !== seq.items.length || !dashes.every((dash) => startsLine(text, dash))) return undefined;
  const col = (dashes[0] as number) - lineStart(text, dashes[0] as number);
  if (!dashes.every((dash) => dash - lineStart(text, dash) === col)) return undefined;
  if (ANCHOR_OR_ALIAS.test(text) && hasAnchorsOrAliases(root)) return undefined;
  // The first stage's chunk starts right under `stages:`, with the comment lines above the stage.
  const firstStart = nextLineStart(text, rangeOf(stagesPair.key as Node)[1]);
  if (firstStart > lineStart(text, dashes[0] as number)) return undefined;
  const list = dashes.map((dash, i) => ({
    start: i === 0 ? firstStart : lineStart(text, dash),
    dash,
    node: seq.items[i] as Node,
  }));
  return { col, list, header: root.items.slice(0, -1) as Pair[], stagesKey: stagesPair.key as Node, rootStart: rangeOf(root as Node)[0] };
}

function isDashLine(text: string, at: number, col: number): boolean {
  for (let i = 0; i < col; i++) if (text[at + i] !== " ") return false;
  if (text[at + col] !== "-") return false;
  const next = text[at + col + 1];
  return next === undefined || next === " " || next === "\t" || next === "\r" || next === "\n";
}

/** Adds `delta` to every offset of a node subtree and of its CST tokens. */
function shift(node: Node, delta: number): void {
  if (delta === 0) return;
  visit(node, {
    Node(_, n) {
      const range = n.range;
      if (range) n.range = [range[0] + delta, range[1] + delta, range[2] + delta];
    },
  });
  shiftTokens(node.srcToken, delta);
}

/** Every CST token object has an `offset`; they nest through arrays and object fields (items, start, sep…). */
function shiftTokens(token: unknown, delta: number): void {
  if (!token || typeof token !== "object") return;
  if (Array.isArray(token)) {
    for (let i = 0; i < token.length; i++) shiftTokens(token[i], delta);
    return;
  }
  const record = token as Record<string, unknown>;
  if (typeof record.offset === "number") record.offset += delta;
  for (const key in record) {
    const value = record[key];
    if (value !== null && typeof value === "object") shiftTokens(value, delta);
  }
}

/** One stage's text parsed on its own, its offsets made absolute; undefined when it is not a clean stage. */
function parseChunk(text: string, start: number, end: number, dash: number): Chunk | undefined {
  const doc = parseDocument(text.slice(start, end), { keepSourceTokens: true, prettyErrors: false });
  const root = doc.contents;
  if (doc.errors.length > 0 || !isSeq(root) || root.flow || root.items.length !== 1) return undefined;
  if (dashOffsets(root)[0] !== dash - start) return undefined;
  if (ANCHOR_OR_ALIAS.test(text.slice(start, end)) && hasAnchorsOrAliases(root)) return undefined;
  const node = root.items[0] as Node;
  shift(root as Node, start);
  return { start, dash, node };
}

/**
 * The parse of `text`, which is `previous.text` with `changes` applied, built from `previous` when possible.
 * Undefined when a full parse is needed.
 */
export function parseIncrementally(
  previous: Parsed,
  changes: readonly TextChange[],
  text: string,
  keepStyle = true,
): Parsed | undefined {
  const chunks = previous.chunks;
  const first = changes[0];
  const last = changes[changes.length - 1];
  if (!chunks || !first || !last) return undefined;
  const starts = chunks.list.map((chunk) => chunk.start);
  if (first.start < (starts[0] as number)) return undefined;
  let a = 0;
  while (a + 1 < starts.length && (starts[a + 1] as number) <= first.start) a++;
  let b = a;
  while (b + 1 < starts.length && (starts[b + 1] as number) < last.end) b++;
  const delta = changes.reduce((sum, c) => sum + c.text.length - (c.end - c.start), 0);
  // The changed chunks, re-cut: chunks start at the lines that start a stage, except the first one, which
  // starts under `stages:`. A span left without a stage of its own takes in its neighbours.
  let spanStart = 0;
  let spanEnd = 0;
  let dashLines: number[] = [];
  for (;;) {
    spanStart = starts[a] as number;
    spanEnd = (starts[b + 1] ?? previous.text.length) + delta;
    dashLines = [];
    for (let at = spanStart; at < spanEnd; at = nextLineStart(text, at)) {
      if (isDashLine(text, at, chunks.col)) dashLines.push(at);
    }
    if (a > 0 && dashLines[0] !== spanStart) a--;
    else if (dashLines.length === 0 && b + 1 < starts.length) b++;
    else break;
  }
  if (dashLines.length === 0) return undefined;
  const fresh: Chunk[] = [];
  for (let i = 0; i < dashLines.length; i++) {
    const start = i === 0 ? spanStart : (dashLines[i] as number);
    const chunk = parseChunk(text, start, dashLines[i + 1] ?? spanEnd, (dashLines[i] as number) + chunks.col);
    if (!chunk) return undefined;
    fresh.push(chunk);
  }
  // From here on the previous parse is consumed: its later stages move to the new one.
  const moved = chunks.list.slice(b + 1).map((chunk) => {
    shift(chunk.node, delta);
    return { start: chunk.start + delta, dash: chunk.dash + delta, node: chunk.node };
  });
  const list = [...chunks.list.slice(0, a), ...fresh, ...moved];
  const next: Chunks = { ...chunks, list };
  return {
    text,
    doc: assemble(previous.doc, next, text),
    eol: previous.eol,
    errors: [],
    memo: keepStyle ? carried(previous) : new Map(),
    chunks: next,
    incremental: true,
  };
}

/** Facts about the document's style stay valid across an edit; the rest is recomputed. */
function carried(previous: Parsed): Map<string, unknown> {
  const memo = new Map<string, unknown>();
  const votes = previous.memo.get("style-votes");
  if (votes) memo.set("style-votes", votes);
  return memo;
}

/** A Document made of the unchanged header and the stage nodes, as a full parse would have built it. */
function assemble(previous: Document.Parsed, chunks: Chunks, text: string): Document.Parsed {
  const schema = previous.schema;
  const seq = new YAMLSeq(schema);
  seq.items = chunks.list.map((chunk) => chunk.node);
  const firstDash = (chunks.list[0] as Chunk).dash;
  seq.range = [firstDash, text.length, text.length];
  seq.srcToken = {
    type: "block-seq",
    offset: firstDash,
    indent: chunks.col,
    items: chunks.list.map((chunk) => ({
      start: [{ type: "seq-item-ind", offset: chunk.dash, indent: chunks.col, source: "-" }],
    })),
  };
  const root = new YAMLMap(schema);
  root.items = [...chunks.header, new Pair(chunks.stagesKey, seq)];
  root.range = [chunks.rootStart, text.length, text.length];
  const doc = new Document(undefined, { keepSourceTokens: true }) as unknown as Document.Parsed;
  doc.contents = root as unknown as Document.Parsed["contents"];
  doc.range = [0, text.length, text.length];
  return doc;
}

/**
 * For tests: how an incremental parse differs from a full parse of the same text (undefined when identical:
 * same data, same range for every node, same `-` offsets for every block list).
 */
export function compareWithFullParse(parsed: Parsed): string | undefined {
  const full = parseDocument(parsed.text, { keepSourceTokens: true, prettyErrors: false });
  const a = JSON.stringify(parsed.doc.toJS());
  const b = JSON.stringify(full.toJS());
  if (a !== b) return `data differs:\n${a}\n${b}`;
  const walk = (x: unknown, y: unknown, path: string): string | undefined => {
    if (isMap(x) && isMap(y)) {
      if (x.items.length !== y.items.length) return `${path}: ${x.items.length} vs ${y.items.length} entries`;
      for (let i = 0; i < x.items.length; i++) {
        const p = x.items[i] as Pair;
        const q = y.items[i] as Pair;
        const problem = walk(p.key, q.key, `${path}.key${i}`) ?? walk(p.value, q.value, `${path}.${String((p.key as { value?: unknown })?.value)}`);
        if (problem) return problem;
      }
    } else if (isSeq(x) && isSeq(y)) {
      if (x.items.length !== y.items.length) return `${path}: ${x.items.length} vs ${y.items.length} items`;
      if (!x.flow && JSON.stringify(dashOffsets(x)) !== JSON.stringify(dashOffsets(y))) {
        return `${path}: dashes ${JSON.stringify(dashOffsets(x))} vs ${JSON.stringify(dashOffsets(y))}`;
      }
      for (let i = 0; i < x.items.length; i++) {
        const problem = walk(x.items[i], y.items[i], `${path}[${i}]`);
        if (problem) return problem;
      }
    }
    const rx = (x as Node | null)?.range;
    const ry = (y as Node | null)?.range;
    const isCollection = (isMap(x) || isSeq(x)) && !(x as YAMLMap).flow;
    // A block collection's end (and the root's) depends on where its parse stopped; its content does not.
    const same = isCollection ? rx?.[0] === ry?.[0] : JSON.stringify(rx) === JSON.stringify(ry);
    if (!same) return `${path}: range ${JSON.stringify(rx)} vs ${JSON.stringify(ry)}`;
    return undefined;
  };
  return walk(parsed.doc.contents, full.contents, "$");
}
