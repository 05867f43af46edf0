/**
 * applyEdit: one structural edit (from the graph or a form) applied to the YAML text, changing only the bytes
 * of what changed. The result is checked before it is returned: it must parse without YAML errors, every
 * alias must still find its anchor, and the edit's own check (the step landed where asked, no other stage's
 * needs moved, …) must pass; otherwise the edit is refused and the text stays as it was.
 */
import { aliasesOf } from "./doc";
import type { Parsed } from "./doc";
import { runEdit } from "./ops";
import { EditError } from "./primitives";
import { Session } from "./session";
import { applyChanges, changedRange, lineNumber, shrinkChanges } from "./text";
import type { TextChange } from "./text";
import type { Edit, EditResult } from "./types";

export function applyEdit(text: string, edit: Edit): EditResult {
  return applyEdits(text, [edit]);
}

/** Applies edits one after the other; all or nothing. Changes are reported against the original text. */
export function applyEdits(text: string, edits: readonly Edit[]): EditResult {
  try {
    const session = new Session(text);
    const before = session.parsed;
    if (before.errors.length > 0) {
      return fail(`the YAML has a syntax error (${lowerFirst(before.errors[0] ?? "")}); fix it in the text first`);
    }
    for (const [i, edit] of edits.entries()) {
      const prefix = edits.length > 1 ? `edit ${i + 1} (${edit.op}): ` : "";
      const start = session.text;
      const startParsed = session.parsed;
      try {
        const check = runEdit(session, edit);
        if (session.text === start) continue;
        const problem = verify(startParsed, session.parsed, session.changes) ?? (check ? check(session.parsed) : undefined);
        if (problem) return fail(prefix + problem);
      } catch (error) {
        if (error instanceof EditError) return fail(prefix + error.message);
        throw error;
      }
    }
    if (session.text === text) return { ok: true, text, changed: { start: 0, end: 0 }, changes: [] };
    const changes = shrinkChanges(text, session.changes);
    if (applyChanges(text, changes) !== session.text) return fail("internal error: inconsistent changes; nothing was changed");
    return { ok: true, text: session.text, changed: changedRange(changes), changes };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail(`internal error: ${message}; nothing was changed`);
  }
}

function fail(error: string): EditResult {
  return { ok: false, error };
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** Why the result cannot be kept (broken YAML, an alias without its anchor), or undefined. */
function verify(before: Parsed, after: Parsed, changes: readonly TextChange[]): string | undefined {
  for (const alias of aliasesOf(after)) {
    if (alias.target) continue;
    const line = lineNumber(before.text, unmapOffset(changes, alias.offset));
    return (
      `it would break the alias *${alias.source} (line ${line}): its anchor &${alias.source} would be removed ` +
      "or end up after it; replace the alias with a copy of the value first"
    );
  }
  if (after.errors.length > 0) {
    return `internal error: the edit would break the YAML (${lowerFirst(after.errors[0] ?? "")}); nothing was changed`;
  }
  return undefined;
}

/** An offset of the new text back in the original text (positions inside a change map to its start). */
function unmapOffset(changes: readonly TextChange[], offset: number): number {
  let delta = 0;
  for (const change of changes) {
    const start = change.start + delta;
    if (offset < start) break;
    if (offset < start + change.text.length) return change.start;
    delta += change.text.length - (change.end - change.start);
  }
  return offset - delta;
}
