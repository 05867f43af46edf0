/**
 * One edit in progress: the original text, the current text, and the changes from one to the other. An edit
 * that needs several steps (move = remove, then insert into the re-parsed result) applies them one by one; the
 * changes are composed so the caller still gets them in offsets of the original text.
 */
import { parseAfter, parseText } from "./doc";
import type { Parsed } from "./doc";
import { EditError } from "./primitives";
import { applyChanges, composeChanges, normalizeChanges } from "./text";
import type { TextChange } from "./text";

export class Session {
  readonly original: string;
  text: string;
  changes: TextChange[] = [];
  private current: Parsed | undefined;
  /** The parse of the text before the last apply, and that apply's changes (for an incremental parse). */
  private base: { parsed: Parsed; changes: TextChange[] } | undefined;

  constructor(text: string) {
    this.original = text;
    this.text = text;
  }

  get parsed(): Parsed {
    if (!this.current) {
      this.current = this.base ? parseAfter(this.base.parsed, this.base.changes, this.text) : parseText(this.text);
      this.base = undefined;
    }
    return this.current;
  }

  apply(changes: readonly TextChange[]): void {
    const sorted = normalizeChanges(changes);
    if (!sorted) throw new EditError("internal error: the edit produced overlapping changes; nothing was changed");
    const effective = sorted.filter((c) => c.start !== c.end || c.text !== "");
    if (effective.length === 0) return;
    const next = applyChanges(this.text, effective);
    this.changes = this.changes.length === 0 ? effective : composeChanges(this.changes, effective, this.text);
    this.base = this.current ? { parsed: this.current, changes: effective } : undefined;
    this.text = next;
    this.current = undefined;
  }
}
