/**
 * The designer's bridge to Monaco (see store/designer-slice.ts): graph and inspector edits enter the text through
 * `executeEdits` between two undo stops, so each is one entry of Monaco's own undo stack and Ctrl+Z / Ctrl+Y work
 * the same whichever view made the edit. Offsets are UTF-16 indexes, Monaco's unit as well as the engine's.
 */
import type { TextChange } from "@slipway/pipeline-spec";
import type { editor, IRange } from "monaco-editor";
import type { EditorBridge } from "../store/designer-slice";

export function monacoBridge(ed: editor.IStandaloneCodeEditor): EditorBridge {
  const model = () => ed.getModel();
  const rangeOf = (m: editor.ITextModel, start: number, end: number): IRange => {
    const a = m.getPositionAt(start);
    const b = m.getPositionAt(end);
    return { startLineNumber: a.lineNumber, startColumn: a.column, endLineNumber: b.lineNumber, endColumn: b.column };
  };
  return {
    text: () => model()?.getValue() ?? "",
    apply(changes, expected, changed) {
      const m = model();
      if (!m) return;
      // Ranges are computed against the text before the edit: executeEdits applies them as one simultaneous batch.
      const operations = changes.map((c) => ({ range: rangeOf(m, c.start, c.end), text: c.text, forceMoveMarkers: true }));
      ed.pushUndoStop();
      ed.executeEdits("designer", operations);
      ed.pushUndoStop();
      // Never let the two views disagree: if Monaco normalised something (line endings), take the engine's text.
      if (m.getValue() !== expected) {
        ed.pushUndoStop();
        ed.executeEdits("designer", [{ range: m.getFullModelRange(), text: expected }]);
        ed.pushUndoStop();
      }
      if (changed.end > changed.start) ed.revealRangeInCenterIfOutsideViewport(rangeOf(m, changed.start, changed.end));
    },
    reveal(start, end) {
      const m = model();
      if (!m) return;
      const range = rangeOf(m, start, end);
      ed.setSelection(range);
      ed.revealRangeInCenterIfOutsideViewport(range);
    },
    undo: () => ed.trigger("designer", "undo", null),
    redo: () => ed.trigger("designer", "redo", null),
  };
}
