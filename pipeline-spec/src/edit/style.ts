/**
 * How new YAML is written so it looks like the user's: the indentation of nested maps and lists, whether list
 * dashes are indented under their key, the spacing after `-`, single or double quotes, flow or block lists, and
 * padding inside `{ }` / `[ ]`. Measured on the nearest existing nodes first, then on the whole document.
 */
import { isMap, isScalar, isSeq, parse, visit } from "yaml";
import type { Node, Scalar, YAMLMap, YAMLSeq } from "yaml";
import { dashOffsets, memo, rangeOf, startWithProps } from "./doc";
import type { Parsed } from "./doc";
import { columnOf, lineStart, spaces } from "./text";

export type Style = {
  /** Columns from a key to the keys of the map nested under it. */
  mapIndent: number;
  /** Columns from a key to the `-` of the list nested under it (0: dashes written under the key). */
  seqIndent: number;
  /** Columns from a `-` to the item's content (2 for `- id: a`, 4 for `-   id: a`). */
  dashSpacing: number;
  /** Quote used when a string needs quotes. */
  quote: "'" | '"';
  /** Lists of plain values (needs, selectors, roles) written `[a, b]` rather than one `- a` per line. */
  flowScalarLists: boolean;
  /** `{ a: 1 }` / `[ a ]` rather than `{a: 1}` / `[a]`. */
  flowPadding: boolean;
  /** Multi-line strings written as `|` blocks (false: double-quoted with \n escapes). */
  blockScalars?: boolean;
  /** Set when most keys are written quoted (`"id": a`): new keys are quoted the same way. */
  keyQuote?: "'" | '"';
};

type Votes = Record<"mapIndent" | "seqIndent" | "dashSpacing", Map<number, number>> & {
  single: number;
  double: number;
  flowLists: number;
  blockLists: number;
  padded: number;
  tight: number;
  keyPlain: number;
  keySingle: number;
  keyDouble: number;
};

export const DEFAULT_STYLE: Style = {
  mapIndent: 2,
  seqIndent: 2,
  dashSpacing: 2,
  quote: '"',
  flowScalarLists: true,
  flowPadding: false,
};

function emptyVotes(): Votes {
  return {
    mapIndent: new Map(),
    seqIndent: new Map(),
    dashSpacing: new Map(),
    single: 0,
    double: 0,
    flowLists: 0,
    blockLists: 0,
    padded: 0,
    tight: 0,
    keyPlain: 0,
    keySingle: 0,
    keyDouble: 0,
  };
}

function vote(map: Map<number, number>, value: number): void {
  if (value < 0 || value > 16) return;
  map.set(value, (map.get(value) ?? 0) + 1);
}

/** Enough nodes to know a document's habits; a big document is not walked to the end. */
const SAMPLE_NODES = 3000;

function countVotes(parsed: Parsed, root: Node): Votes {
  const { text } = parsed;
  const votes = emptyVotes();
  let seen = 0;
  const enough = () => ++seen > SAMPLE_NODES;
  visit(root, {
    Pair(_, pair, path) {
      if (enough()) return visit.BREAK;
      if (isScalar(pair.key)) {
        if (pair.key.type === "QUOTE_DOUBLE") votes.keyDouble++;
        else if (pair.key.type === "QUOTE_SINGLE") votes.keySingle++;
        else votes.keyPlain++;
      }
      const parent = path[path.length - 1];
      if (!isMap(parent) || parent.flow || !isScalar(pair.key) || !pair.key.range) return;
      const keyCol = columnOf(text, rangeOf(pair.key)[0]);
      const value = pair.value;
      if (isMap(value) && !value.flow && value.items.length > 0) {
        const first = value.items[0]?.key;
        if (isScalar(first) && first.range) vote(votes.mapIndent, columnOf(text, rangeOf(first)[0]) - keyCol);
      } else if (isSeq(value) && !value.flow) {
        const dash = dashOffsets(value)[0];
        if (dash !== undefined) vote(votes.seqIndent, columnOf(text, dash) - keyCol);
      }
    },
    Seq(_, seq) {
      if (enough()) return visit.BREAK;
      if (seq.items.length > 0 && seq.items.every((item) => isScalar(item))) {
        if (seq.flow) votes.flowLists++;
        else votes.blockLists++;
      }
      if (seq.flow) return countPadding(text, seq, votes);
      dashOffsets(seq).forEach((dash, i) => {
        const item = seq.items[i] as Node | undefined;
        if (!item?.range || startWithProps(text, item) !== item.range[0]) return;
        const start = item.range[0];
        if (lineStart(text, start) === lineStart(text, dash) && start > dash) {
          vote(votes.dashSpacing, start - dash);
        }
      });
    },
    Map(_, map) {
      if (enough()) return visit.BREAK;
      if (map.flow) countPadding(text, map, votes);
      return undefined;
    },
    Scalar(_, scalar) {
      if (enough()) return visit.BREAK;
      if (scalar.type === "QUOTE_SINGLE") votes.single++;
      else if (scalar.type === "QUOTE_DOUBLE") votes.double++;
    },
  });
  return votes;
}

function countPadding(text: string, collection: YAMLMap | YAMLSeq, votes: Votes): void {
  if (!collection.range || collection.items.length === 0) return;
  const after = text[collection.range[0] + 1];
  if (after === " ") votes.padded++;
  else if (after !== "\n" && after !== "\r") votes.tight++;
}

function mode(map: Map<number, number>): number | undefined {
  let best: number | undefined;
  let count = 0;
  for (const [value, n] of map) {
    if (n > count || (n === count && best !== undefined && value < best)) {
      best = value;
      count = n;
    }
  }
  return best;
}

function styleFrom(local: Votes | undefined, global: Votes): Style {
  const pick = (key: "mapIndent" | "seqIndent" | "dashSpacing") =>
    (local ? mode(local[key]) : undefined) ?? mode(global[key]) ?? DEFAULT_STYLE[key];
  const decide = (a: (v: Votes) => number, b: (v: Votes) => number, fallback: boolean) => {
    for (const votes of local ? [local, global] : [global]) {
      if (a(votes) !== b(votes)) return a(votes) > b(votes);
    }
    return fallback;
  };
  const seqIndent = pick("seqIndent");
  // No nested map to measure: a document indented by 4 under list keys is indented by 4 under map keys too.
  const measuredMap = (local ? mode(local.mapIndent) : undefined) ?? mode(global.mapIndent);
  const mapIndent = measuredMap ?? (seqIndent > 0 ? seqIndent : pick("dashSpacing"));
  const keys = local && local.keyPlain + local.keySingle + local.keyDouble > 0 ? local : global;
  const keyQuote =
    keys.keyDouble + keys.keySingle > keys.keyPlain ? (keys.keySingle > keys.keyDouble ? "'" : '"') : undefined;
  return {
    ...(keyQuote ? { keyQuote } : {}),
    mapIndent: Math.max(1, mapIndent),
    seqIndent,
    dashSpacing: Math.max(2, pick("dashSpacing")),
    quote: decide((v) => v.single, (v) => v.double, false) ? "'" : '"',
    flowScalarLists: decide((v) => v.flowLists, (v) => v.blockLists, DEFAULT_STYLE.flowScalarLists),
    flowPadding: decide((v) => v.padded, (v) => v.tight, DEFAULT_STYLE.flowPadding),
  };
}

/** The style around `scope` (its own subtree first, the document for what the subtree does not show). */
export function styleNear(parsed: Parsed, scope?: Node): Style {
  const global = memo(parsed, "style-votes", () =>
    parsed.doc.contents ? countVotes(parsed, parsed.doc.contents as Node) : emptyVotes(),
  );
  if (!scope) return memo(parsed, "style", () => styleFrom(undefined, global));
  return styleFrom(countVotes(parsed, scope), global);
}

// ---------------------------------------------------------------------------------------------------------------
// Scalars

const YAML11_SPECIAL = /^(?:~|null|true|false|yes|no|on|off|y|n)$/i;
const YAML11_NUMBER =
  /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*|(?:[0-9][0-9_]*)?\.[0-9._]*(?:[eE][-+]?[0-9]+)?|\.(?:inf|nan))$/i;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufeff\ufffe\uffff]/;

const plainCache = new Map<string, boolean>();

/** Whether `value` can be written without quotes and read back as the same string, in block or flow context. */
export function plainOk(value: string, flow: boolean): boolean {
  const key = (flow ? "f" : "b") + value;
  const cached = plainCache.get(key);
  if (cached !== undefined) return cached;
  const ok = checkPlain(value, flow);
  if (plainCache.size > 2000) plainCache.clear();
  plainCache.set(key, ok);
  return ok;
}

function checkPlain(value: string, flow: boolean): boolean {
  if (value === "" || value !== value.trim()) return false;
  if (/[\n\r\t\u2028\u2029\u0085]/.test(value) || CONTROL.test(value)) return false;
  if (/^[?:,[\]{}#&*!|>'"%@`]/.test(value)) return false;
  if (/^-(?:\s|$)/.test(value) || /^(?:---|\.\.\.)/.test(value)) return false;
  if (/:(?:\s|$)/.test(value) || /\s#/.test(value)) return false;
  if (flow && /[,[\]{}]|:/.test(value)) return false;
  if (YAML11_SPECIAL.test(value) || YAML11_NUMBER.test(value)) return false;
  try {
    return parse(`k: ${value}`, { prettyErrors: false })?.k === value;
  } catch {
    return false;
  }
}

export function doubleQuoted(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u0084\u0086-\u009f\ufeff\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

export function singleQuotedOk(value: string): boolean {
  return !/[\n\r\t]/.test(value) && !CONTROL.test(value) && !/[\u2028\u2029\u0085]/.test(value);
}

export function quoted(value: string, quote: "'" | '"'): string {
  if (quote === "'" && singleQuotedOk(value)) return `'${value.replace(/'/g, "''")}'`;
  return doubleQuoted(value);
}

/** A scalar written on one line: plain when safe, else quoted with the document's preferred quote. */
export function inlineScalar(value: unknown, flow: boolean, style: Style): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return ".nan";
    if (!Number.isFinite(value)) return value > 0 ? ".inf" : "-.inf";
    return String(value);
  }
  const text = String(value);
  return plainOk(text, flow) ? text : quoted(text, style.quote);
}

/**
 * A multi-line string as a block scalar whose content starts at column `contentCol`: literal (`|`) or folded
 * (`>`), chomping chosen from the trailing line breaks. Null when a block scalar cannot hold it exactly.
 */
export function blockScalar(
  value: string,
  contentCol: number,
  folded = false,
): { header: string; lines: string[] } | null {
  if (value === "" || /[\r\u2028\u2029\u0085]/.test(value) || CONTROL.test(value)) return null;
  const chomp = !value.endsWith("\n") ? "-" : value.endsWith("\n\n") || value === "\n" ? "+" : "";
  const body = chomp === "-" ? value : value.slice(0, -1);
  const lines = body.split("\n");
  const first = lines.find((line) => line.length > 0);
  if (first === undefined || /^[ \t]/.test(first)) return null;
  const last = lines[lines.length - 1] ?? "";
  if (last !== "" && /^[ \t]*$/.test(last)) return null;
  if (folded) {
    // Folding turns single line breaks into spaces; a real line break is written as an empty line.
    if (lines.some((line) => line === "" || /^[ \t]/.test(line) || /[ \t]$/.test(line))) {
      return blockScalar(value, contentCol, false);
    }
    const spread = lines.flatMap((line, i) => (i === 0 ? [line] : ["", line]));
    return { header: `>${chomp}`, lines: spread.map((line) => (line === "" ? "" : spaces(contentCol) + line)) };
  }
  return { header: `|${chomp}`, lines: lines.map((line) => (line === "" ? "" : spaces(contentCol) + line)) };
}

// ---------------------------------------------------------------------------------------------------------------
// Values

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isLeaf = (value: unknown): boolean => !Array.isArray(value) && !isPlainObject(value);

/** `[a, b]` / `{ a: 1 }`: the whole value on one line, in flow style. */
export function flowValue(value: unknown, style: Style): string {
  const pad = style.flowPadding ? " " : "";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[${pad}${value.map((item) => flowValue(item, style)).join(", ")}${pad}]`;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    return `{${pad}${entries.map(([k, v]) => `${keyText(k, true, style)}: ${flowValue(v, style)}`).join(", ")}${pad}}`;
  }
  return inlineScalar(value, true, style);
}

/** True when a list is written `[a, b]` in this style. */
export function writesFlowList(value: unknown[], style: Style): boolean {
  return (
    style.flowScalarLists &&
    value.every((item) => isLeaf(item) && !(typeof item === "string" && item.includes("\n"))) &&
    flowValue(value, style).length <= 80
  );
}

/** What follows `key:` or `- `: text on the same line, or lines below (`header` stays on the key's line). */
export type RenderedValue = { inline: string } | { header: string; lines: string[] };

/** The value of a map entry whose key is at column `keyCol`, in block context. */
export function renderValue(value: unknown, keyCol: number, style: Style): RenderedValue {
  if (typeof value === "string" && value.includes("\n")) {
    const block = style.blockScalars === false ? null : blockScalar(value, keyCol + style.mapIndent);
    return block ?? { inline: doubleQuoted(value) };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return { inline: "[]" };
    if (writesFlowList(value, style)) return { inline: flowValue(value, style) };
    const dashCol = keyCol + style.seqIndent;
    return { header: "", lines: value.flatMap((item) => renderItem(item, dashCol, style)) };
  }
  if (isPlainObject(value)) {
    if (Object.values(value).every((v) => v === undefined)) return { inline: "{}" };
    return { header: "", lines: renderMap(value, keyCol + style.mapIndent, style) };
  }
  return { inline: inlineScalar(value, false, style) };
}

/** `key: value` lines of a block map at column `col`. */
export function renderMap(value: Record<string, unknown>, col: number, style: Style): string[] {
  return Object.entries(value).flatMap(([key, item]) => (item === undefined ? [] : renderEntry(key, item, col, style)));
}

/** A key as the document writes keys: plain when it can be, or quoted like most of its keys. */
export function keyText(key: string, flow: boolean, style: Style): string {
  return style.keyQuote ? quoted(key, style.keyQuote) : inlineScalar(key, flow, style);
}

export function renderEntry(key: string, value: unknown, col: number, style: Style): string[] {
  const head = `${spaces(col)}${keyText(key, false, style)}:`;
  const rendered = renderValue(value, col, style);
  if ("inline" in rendered) return [`${head} ${rendered.inline}`];
  return [rendered.header ? `${head} ${rendered.header}` : head, ...rendered.lines];
}

/** The lines of one block list item whose `-` is at column `dashCol`. */
export function renderItem(value: unknown, dashCol: number, style: Style, dashSpacing = style.dashSpacing): string[] {
  const dash = `${spaces(dashCol)}-${spaces(dashSpacing - 1)}`;
  const contentCol = dashCol + dashSpacing;
  if (isPlainObject(value) && Object.values(value).some((v) => v !== undefined)) {
    const lines = renderMap(value, contentCol, style);
    lines[0] = dash + (lines[0] ?? "").slice(contentCol);
    return lines;
  }
  if (Array.isArray(value) && value.length > 0) return [dash + flowValue(value, style)];
  if (typeof value === "string" && value.includes("\n")) {
    const block = style.blockScalars === false ? null : blockScalar(value, contentCol);
    if (block) return [dash + block.header, ...block.lines];
    return [dash + doubleQuoted(value)];
  }
  if (isPlainObject(value)) return [`${dash}{}`];
  if (Array.isArray(value)) return [`${dash}[]`];
  return [dash + inlineScalar(value, false, style)];
}

/** The scalar node's quoting style, for replacing it in kind. */
export function scalarKind(node: Node): Scalar.Type | undefined {
  return isScalar(node) ? (node.type as Scalar.Type | undefined) : undefined;
}

export { isPlainObject, isLeaf };
