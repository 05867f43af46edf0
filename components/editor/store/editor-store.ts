/**
 * One store per mounted pipeline editor (created in a provider, never a module singleton), read through narrow
 * selectors. The YAML text is canonical; `spec` is the last successful parse of it and `problems` the current
 * text's problems. The draft (text not yet saved) is mirrored to localStorage so a reload never loses it.
 */
import { parsePipelineYaml, type PipelineSpec, type Problem } from "@slipway/pipeline-spec";
import type { Document } from "yaml";
import { createStore } from "zustand/vanilla";
import type { Positions } from "../graph/layout";
import { designerSlice, openingCollapse, type DesignerActions, type DesignerState } from "./designer-slice";
import { indexDocument, type DocIndex } from "./doc-index";

export type ViewedRevision = { number: number; yaml: string; message: string; author: string | null; createdAt: Date };

export type EditorState = {
  pipelineId: string;
  /** The revision the draft is based on (sent with the save, so a concurrent save is detected). */
  baseRevision: number;
  /** Text of the base revision, to know whether there is anything to save. */
  savedYaml: string;
  yaml: string;
  /** The last spec that parsed without errors (the graph keeps showing it while the text is broken). */
  spec: PipelineSpec | null;
  /** True when `spec` is older than the text because the text has errors. */
  stale: boolean;
  problems: Problem[];
  /** The YAML document of the current text (null while it has syntax errors) and where each node is in it. */
  document: Document | null;
  index: DocIndex;
  /** The text `spec`, `problems`, `document` and `index` were derived from. */
  parsedYaml: string;
  /** Problems the server returned on the last refused save (cleared on the next edit). */
  saveProblems: Problem[] | null;
  viewing: ViewedRevision | null;
  restoredDraft: boolean;
};

export type EditorActions = {
  setYaml(yaml: string): void;
  reparse(): void;
  saved(revision: number, yaml: string): void;
  discardDraft(): void;
  setSaveProblems(problems: Problem[] | null): void;
  view(revision: ViewedRevision | null): void;
  /** After a conflict: keep the draft, but base it on their revision, so the next save replaces theirs knowingly. */
  rebase(theirs: { number: number; yaml: string }): void;
  /** Drop the draft and edit this revision (after a conflict: "discard mine"; after a restore). */
  load(revision: { number: number; yaml: string }): void;
};

export type EditorStore = ReturnType<typeof createEditorStore>;
export type EditorStoreState = EditorState & EditorActions & DesignerState & DesignerActions;

const draftKey = (pipelineId: string) => `slipway:draft:${pipelineId}`;
type Draft = { yaml: string; baseRevision: number; savedAt: number };

function readDraft(pipelineId: string): Draft | null {
  try {
    const raw = window.localStorage.getItem(draftKey(pipelineId));
    return raw ? (JSON.parse(raw) as Draft) : null;
  } catch {
    return null;
  }
}

function writeDraft(pipelineId: string, draft: Draft | null) {
  try {
    if (draft) window.localStorage.setItem(draftKey(pipelineId), JSON.stringify(draft));
    else window.localStorage.removeItem(draftKey(pipelineId));
  } catch {
    // Storage full or disabled: the draft lives in memory only.
  }
}

function parse(yaml: string, previous: PipelineSpec | null) {
  const result = parsePipelineYaml(yaml);
  const document = result.document && result.document.errors.length === 0 ? result.document : null;
  const located = { document, index: indexDocument(document), parsedYaml: yaml };
  return result.ok ? { spec: result.spec, stale: false, problems: result.problems, ...located } : { spec: previous, stale: true, problems: result.problems, ...located };
}

export function createEditorStore(init: { pipelineId: string; baseRevision: number; yaml: string; positions?: Positions }) {
  const draft = typeof window === "undefined" ? null : readDraft(init.pipelineId);
  const useDraft = draft !== null && draft.yaml !== init.yaml;
  const yaml = useDraft ? draft.yaml : init.yaml;
  const first = parse(yaml, null);
  // A restored draft keeps the revision it was based on: saving it after someone else saved is a conflict, not an overwrite.
  const baseRevision = useDraft ? draft.baseRevision : init.baseRevision;

  return createStore<EditorStoreState>()((set, get) => ({
    ...designerSlice(set, get, { ...init, collapse: openingCollapse(first.index) }),
    pipelineId: init.pipelineId,
    baseRevision,
    savedYaml: init.yaml,
    yaml,
    ...first,
    saveProblems: null,
    viewing: null,
    restoredDraft: useDraft,
    setYaml(next) {
      const s = get();
      if (next === s.yaml) return;
      set({ yaml: next, saveProblems: null });
      writeDraft(s.pipelineId, next === s.savedYaml ? null : { yaml: next, baseRevision: s.baseRevision, savedAt: Date.now() });
    },
    reparse() {
      const s = get();
      // Opening a pipeline parsed it already, and a graph edit reparses at once: the debounced reparse after
      // it would parse the same text again (half a second for a 1 MB pipeline).
      if (s.yaml === s.parsedYaml) return;
      set(parse(s.yaml, s.spec));
    },
    saved(revision, savedYaml) {
      writeDraft(get().pipelineId, null);
      set({ baseRevision: revision, savedYaml, restoredDraft: false, saveProblems: null });
    },
    discardDraft() {
      const s = get();
      writeDraft(s.pipelineId, null);
      const parsed = parse(s.savedYaml, s.spec);
      set({ yaml: s.savedYaml, ...parsed, collapse: openingCollapse(parsed.index), restoredDraft: false, saveProblems: null });
    },
    setSaveProblems(problems) {
      set({ saveProblems: problems });
    },
    view(revision) {
      set({ viewing: revision });
    },
    rebase(theirs) {
      const s = get();
      set({ baseRevision: theirs.number, savedYaml: theirs.yaml, restoredDraft: false, saveProblems: null });
      writeDraft(s.pipelineId, s.yaml === theirs.yaml ? null : { yaml: s.yaml, baseRevision: theirs.number, savedAt: Date.now() });
    },
    load(revision) {
      const s = get();
      writeDraft(s.pipelineId, null);
      const parsed = parse(revision.yaml, s.spec);
      set({ baseRevision: revision.number, savedYaml: revision.yaml, yaml: revision.yaml, ...parsed, collapse: openingCollapse(parsed.index), restoredDraft: false, saveProblems: null, viewing: null });
    },
  }));
}
