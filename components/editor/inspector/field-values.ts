/**
 * Between a form input's text and the value written to the YAML. An emptied input removes the key (the default,
 * or the parser's "missing" message, applies) rather than writing an empty string. Pure.
 */
import type { FieldSpec } from "./schema-fields";

/** The text an input shows for a value as written. */
export function toText(field: FieldSpec, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (field.kind === "list" || (Array.isArray(value) && field.kind === "scalar")) return (value as unknown[]).map(String).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The value to write for the text typed into a field; undefined removes the key. */
export function fromText(field: FieldSpec, text: string): unknown {
  const trimmed = text.trim();
  switch (field.kind) {
    case "text":
      // Scripts keep their spacing; one-line values lose stray spaces at the ends.
      return field.multiline ? (text.trim() === "" ? undefined : text) : trimmed || undefined;
    case "duration":
      return trimmed || undefined;
    case "number":
      return trimmed === "" ? undefined : Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
    case "list": {
      const items = text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
      return items.length ? items : undefined;
    }
    case "scalar":
      return scalarOf(field.accepts, trimmed);
    default:
      return trimmed || undefined;
  }
}

/** `3` → 3 when numbers are accepted, `25%` stays text, `200, 204` → [200, 204] when a list is. */
function scalarOf(accepts: readonly string[], text: string): unknown {
  if (text === "") return undefined;
  const numeric = accepts.includes("number") || accepts.includes("integer");
  if (accepts.includes("array") && text.includes(",")) {
    const parts = text.split(",").map((s) => s.trim()).filter(Boolean);
    return parts.map((p) => (numeric && /^-?\d+(\.\d+)?$/.test(p) ? Number(p) : p));
  }
  if (numeric && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (accepts.includes("boolean") && (text === "true" || text === "false")) return text === "true";
  return text;
}

/** What the placeholder says when the field is empty. */
export function placeholderOf(field: FieldSpec): string {
  if (field.defaultValue !== undefined && typeof field.defaultValue !== "object") return `default: ${String(field.defaultValue)}`;
  if (field.kind === "duration") return "e.g. 30s, 5m, 1h30m";
  if (field.kind === "list") return "comma-separated";
  return field.required ? "required" : "";
}
