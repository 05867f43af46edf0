/**
 * Byte-precise scalar edits: replace one scalar's source text and nothing else, so comments, quoting and layout
 * elsewhere stay exactly as the user wrote them. (The graph editor's structural edits build on the same idea.)
 */
import { isMap, isScalar, LineCounter, parseDocument, type Scalar } from "yaml";

/** How a string is written back: plain when that reads back as the same string, else double-quoted JSON. */
export function yamlScalarSource(value: string): string {
  const plainSafe = /^[A-Za-z0-9_][A-Za-z0-9 _.\-/()]*$/.test(value) && !/\s$/.test(value) && !/^(true|false|null|yes|no|on|off|~|[-+]?[0-9.]+)$/i.test(value);
  return plainSafe ? value : JSON.stringify(value);
}

/**
 * Sets a top-level key of the document's root map to a string. Replaces the existing scalar's bytes when the key
 * exists; otherwise returns null (the caller decides where a new key belongs).
 */
export function setTopLevelString(text: string, key: string, value: string): string | null {
  const doc = parseDocument(text, { lineCounter: new LineCounter() });
  if (doc.errors.length || !isMap(doc.contents)) return null;
  const node = doc.contents.get(key, true);
  if (!isScalar(node) || !node.range) return null;
  const [start, end] = node.range;
  const source = (node as Scalar).type === "BLOCK_LITERAL" || (node as Scalar).type === "BLOCK_FOLDED" ? JSON.stringify(value) : yamlScalarSource(value);
  return text.slice(0, start) + source + text.slice(end);
}
