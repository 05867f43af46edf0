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
import type { DocIndex } from "./doc-index";
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

/**
 * Which stages the graph draws collapsed (one box with its step count and kinds): all but `except` when `byDefault`,
 * only `except` otherwise. A large pipeline opens with every stage collapsed (see COLLAPSE_ABOVE), the way
 * Harness and Spinnaker open theirs; a stage renamed in the text falls back to the default. View state only: it is
 * not in the YAML and not undone by Ctrl+Z.
 */
export type Collapse = { byDefault: boolean; except: ReadonlySet<string> };

/** Graphs of more nodes than this (stages + steps + parallel groups) open with their stages collapsed. */
export const COLLAPSE_ABOVE = 1500;

export function isCollapsed(collapse: Collapse, stageId: string): boolean {
  return collapse.byDefault !== collapse.except.has(stageId);
}

/** How a document opens: collapsed when its graph would have more than COLLAPSE_ABOVE nodes. */
export function openingCollapse(index: DocIndex): Collapse {
  return { byDefault: index.stages.length + index.steps.size + index.groups.size > COLLAPSE_ABOVE, except: new Set() };
}

/** `collapse` with `stageIds` set to `collapsed`; the same object when nothing changes. */
export function withCollapsed(collapse: Collapse, stageIds: readonly string[], collapsed: boolean): Collapse {
  const changing = stageIds.filter((id) => isCollapsed(collapse, id) !== collapsed);
  if (changing.length === 0) return collapse;
  const except = new Set(collapse.except);
  for (const id of changing) (except.has(id) ? except.delete(id) : except.add(id));
  return { byDefault: collapse.byDefault, except };
}

/** The stages holding these selected steps or groups (a selection inside a collapsed stage expands it). */
function stagesOf(index: DocIndex, nodeIds: readonly string[]): string[] {
  const stages: string[] = [];
  for (const nodeId of nodeIds) {
    const target = targetOf(nodeId);
    const stageId = target && "stepId" in target ? (index.steps.get(target.stepId) ?? index.groups.get(target.stepId))?.stageId : undefined;
    if (stageId) stages.push(stageId);
  }
  return stages;
}

export type DesignerState = {
  /** Selected node ids (`stage:…`, `step:…`, `group:…`), shared by the graph, the inspector and the YAML cursor. */
  selected: string[];
  positions: Positions;
  clipboard: StepInput[];
  notice: Notice | null;
  bridge: EditorBridge | null;
  collapse: Collapse;
  /** The graph has been on screen once (what waits for the first frame — the YAML editor — may start). */
  painted: boolean;
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
  /** Collapses or expands these stages. */
  setCollapsed(stageIds: readonly string[], collapsed: boolean): void;
  /** "Expand all" / "Collapse all". */
  collapseAll(collapsed: boolean): void;
  graphPainted(): void;
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

export function designerSlice(set: Set, get: Get, init: { positions?: Positions; collapse?: Collapse }): DesignerState & DesignerActions {
  let noticeKey = 0;
  /** Selecting steps or groups of collapsed stages expands those stages (their nodes must be on screen to be selected). */
  const selectionState = (ids: string[]): Partial<DesignerState> => {
    const s = get();
    const collapse = withCollapsed(s.collapse, stagesOf(s.index, ids), false);
    return collapse === s.collapse ? { selected: ids } : { selected: ids, collapse };
  };
  return {
    selected: [],
    positions: init.positions ?? {},
    clipboard: [],
    notice: null,
    bridge: null,
    collapse: init.collapse ?? { byDefault: false, except: new Set() },
    painted: false,
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
      set({ ...(options?.select ? selectionState(options.select) : {}), notice: null });
      return true;
    },
    select(ids, options) {
      const same = ids.length === get().selected.length && ids.every((id, i) => id === get().selected[i]);
      const next = selectionState(ids);
      if (!same) set(next);
      else if (next.collapse) set({ collapse: next.collapse });
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
    setCollapsed(stageIds, collapsed) {
      const next = withCollapsed(get().collapse, stageIds, collapsed);
      if (next !== get().collapse) set({ collapse: next });
    },
    collapseAll(collapsed) {
      set({ collapse: { byDefault: collapsed, except: new Set() } });
    },
    graphPainted() {
      if (!get().painted) set({ painted: true });
    },
  };
}
