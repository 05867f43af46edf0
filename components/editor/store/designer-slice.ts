/**
 * The designer's half of the editor store: selection, hand-set positions, the step clipboard, the last notice,
 * and `edit` — the one path by which the graph and the inspector change the pipeline.
 *
 * `edit` runs the lossless edit engine on the current text and hands the engine's minimal `changes` to the YAML
 * editor through a bridge (Monaco's executeEdits between undo stops). The text therefore changes in ONE place, and
 * Monaco's undo stack holds graph, inspector and typed edits alike: Ctrl+Z in either view undoes the last of them.
 * Without a mounted editor (tests, read-only views) the new text is set directly.
 */
import { applyEdits, locateNode, type Edit, type NodeTarget, type StepInput, type TextChange } from "@slipway/pipeline-spec";
import type { Positions } from "../graph/layout";
import type { EditorState } from "./editor-store";

/** What the designer needs from the YAML editor; implemented over Monaco in yaml-editor.tsx. */
export type EditorBridge = {
  text(): string;
  /** Applies changes given in offsets of the current text as one undoable step; `changed` is the new text's changed range. */
  apply(changes: readonly TextChange[], expected: string, changed: { start: number; end: number }): void;
  /** Selects and scrolls to a range, without taking the focus (the keyboard stays where the user is). */
  reveal(start: number, end: number): void;
  undo(): void;
  redo(): void;
};

export type Notice = { tone: "error" | "info"; text: string; key: number };

export type DesignerState = {
  /** Selected node ids (`stage:…`, `step:…`, `group:…`), shared by the graph, the inspector and the YAML cursor. */
  selected: string[];
  positions: Positions;
  clipboard: StepInput[];
  notice: Notice | null;
  bridge: EditorBridge | null;
};

export type DesignerActions = {
  attach(bridge: EditorBridge | null): void;
  /** Applies edits as one change; false (and a notice saying why) when the engine refuses. */
  edit(edits: Edit | Edit[], options?: { select?: string[] }): boolean;
  select(ids: string[], options?: { reveal?: boolean }): void;
  notify(tone: Notice["tone"], text: string): void;
  dismiss(): void;
  setPositions(update: Positions | null): void;
  setClipboard(steps: StepInput[]): void;
};

type Full = EditorState & DesignerState & { setYaml(yaml: string): void; reparse(): void };
type Set = (partial: Partial<DesignerState>) => void;
type Get = () => Full & DesignerActions;

/** `stage:build` → { stageId: "build" }; steps and groups are both step ids to the engine. */
export function targetOf(nodeId: string): NodeTarget | null {
  const [kind, id] = [nodeId.slice(0, nodeId.indexOf(":")), nodeId.slice(nodeId.indexOf(":") + 1)];
  if (kind === "stage") return { stageId: id };
  if (kind === "step" || kind === "group") return { stepId: id };
  return null;
}

export function designerSlice(set: Set, get: Get, init: { positions?: Positions }): DesignerState & DesignerActions {
  let noticeKey = 0;
  return {
    selected: [],
    positions: init.positions ?? {},
    clipboard: [],
    notice: null,
    bridge: null,
    attach(bridge) {
      set({ bridge });
    },
    edit(edits, options) {
      const s = get();
      if (s.viewing) return false;
      const text = s.bridge?.text() ?? s.yaml;
      const result = applyEdits(text, Array.isArray(edits) ? edits : [edits]);
      if (!result.ok) {
        get().notify("error", result.error);
        return false;
      }
      if (result.changes.length > 0) {
        if (s.bridge) s.bridge.apply(result.changes, result.text, result.changed);
        // Monaco's change event has normally set the text already; this covers "no editor mounted".
        if (get().yaml !== result.text) get().setYaml(result.text);
        // The graph follows a graph edit at once (typing is debounced; a drop should not lag).
        get().reparse();
      }
      set({ ...(options?.select ? { selected: options.select } : {}), notice: null });
      return true;
    },
    select(ids, options) {
      const same = ids.length === get().selected.length && ids.every((id, i) => id === get().selected[i]);
      if (!same) set({ selected: ids });
      const s = get();
      const target = ids.length === 1 ? targetOf(ids[0]!) : null;
      if (!options?.reveal || !target || !s.bridge) return;
      const range = locateNode(s.bridge.text(), target);
      if (range) s.bridge.reveal(range.start, range.end);
    },
    notify(tone, text) {
      set({ notice: { tone, text, key: ++noticeKey } });
    },
    dismiss() {
      set({ notice: null });
    },
    setPositions(update) {
      set({ positions: update === null ? {} : { ...get().positions, ...update } });
    },
    setClipboard(steps) {
      set({ clipboard: steps });
    },
  };
}
