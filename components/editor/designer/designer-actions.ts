/**
 * What the designer's gestures mean as edits of the document. Each function reads the store's latest state,
 * builds engine edits and applies them with `store.edit` (one undo step each, refused with a notice when the
 * engine says no). Kept apart from the components so a gesture's meaning is in one place whatever triggers it
 * (keyboard, context menu, toolbar, drop).
 */
import { applyEdit, type Edit, type StepType } from "@slipway/pipeline-spec";
import { pasteEdits, stepsAsYaml } from "../clipboard";
import type { Positions } from "../graph/layout";
import { groupNodeId, stageNodeId, stepNodeId } from "../graph/spec-to-flow";
import { newStep, uniqueId } from "../registry";
import { rawSteps, takenStepIds } from "../store/doc-index";
import type { EditorStore } from "../store/editor-store";
import type { DropTarget } from "./drop-target";

const idsOf = (nodeIds: readonly string[], kind: "stage" | "step" | "group") => nodeIds.filter((id) => id.startsWith(`${kind}:`)).map((id) => id.slice(kind.length + 1));

export function designerActions(store: EditorStore) {
  const state = () => store.getState();

  return {
    /** A palette kind dropped on a stage: the new step goes where it was dropped. */
    addStepAt(type: StepType, target: DropTarget) {
      const step = newStep(type, takenStepIds(state().index));
      const edit: Edit = { op: "addStep", stageId: target.stageId, step, index: target.index, list: target.list, ...(target.groupId ? { groupId: target.groupId } : {}) };
      return state().edit(edit, { select: [stepNodeId(step.id)] });
    },

    /** A palette kind dropped on the empty canvas: a new stage holding it, placed where it was dropped. */
    addStageAt(type: StepType | null, at: Positions[string] | null) {
      const s = state();
      const stageId = uniqueId("stage", new Set(s.index.stages.map((st) => st.id)));
      const step = newStep(type ?? "shell", takenStepIds(s.index));
      if (!s.edit({ op: "addStage", stage: { id: stageId, steps: [step] } }, { select: [stageNodeId(stageId)] })) return false;
      if (at) s.setPositions({ [stageNodeId(stageId)]: at });
      return true;
    },

    /** A step dragged to another place; false when nothing moved (the caller puts the node back). */
    moveStepTo(stepId: string, target: DropTarget) {
      const where = state().index.steps.get(stepId) ?? state().index.groups.get(stepId);
      if (!where) return false;
      const at = where.path.at(-1) as number;
      const group = "groupId" in where ? where.groupId : undefined;
      if (where.stageId === target.stageId && where.list === target.list && group === target.groupId && at === target.index) return false;
      return state().edit({ op: "moveStep", stepId, toStageId: target.stageId, index: target.index, list: target.list, ...(target.groupId ? { toGroupId: target.groupId } : {}) }, { select: [stepNodeId(stepId)] });
    },

    connect(from: string, to: string) {
      return state().edit({ op: "connect", from, to });
    },

    /** Why connecting would be refused, in the engine's words ("would create a cycle a → b → a"), or null. */
    refusal(from: string, to: string): string | null {
      if (from === to) return `a stage cannot wait for itself (${from} → ${from})`;
      const result = applyEdit(state().bridge?.text() ?? state().yaml, { op: "connect", from, to });
      return result.ok ? null : result.error;
    },

    /** Delete/Backspace: stages, steps, groups and `needs` edges, as one change (steps of a removed stage go with it). */
    remove(nodeIds: readonly string[], edges: readonly { from: string; to: string }[]) {
      const stages = new Set(idsOf(nodeIds, "stage"));
      const { index } = state();
      const inRemovedStage = (id: string) => stages.has(index.steps.get(id)?.stageId ?? index.groups.get(id)?.stageId ?? "");
      const groups = idsOf(nodeIds, "group").filter((id) => !inRemovedStage(id));
      const inRemovedGroup = (id: string) => groups.includes(index.steps.get(id)?.groupId ?? "");
      const edits: Edit[] = [
        ...edges.filter((e) => !stages.has(e.from) && !stages.has(e.to)).map((e): Edit => ({ op: "disconnect", from: e.from, to: e.to })),
        ...groups.map((stepId): Edit => ({ op: "removeStep", stepId })),
        ...idsOf(nodeIds, "step").filter((id) => !inRemovedStage(id) && !inRemovedGroup(id)).map((stepId): Edit => ({ op: "removeStep", stepId })),
        ...[...stages].map((stageId): Edit => ({ op: "removeStage", stageId })),
      ];
      return edits.length > 0 && state().edit(edits, { select: [] });
    },

    /** Ctrl+C: the selected steps as written; also to the system clipboard as YAML, to paste in the text. */
    copy(nodeIds: readonly string[]) {
      const s = state();
      const steps = rawSteps(s.document, s.index, idsOf(nodeIds, "step"));
      if (steps.length === 0) return;
      s.setClipboard(steps);
      s.notify("info", `Copied ${steps.length} step${steps.length === 1 ? "" : "s"}. Select a stage (or a step) and press Ctrl+V to paste.`);
      void navigator.clipboard?.writeText(stepsAsYaml(steps)).catch(() => undefined);
    },

    /** Ctrl+V: into the selected stage (at its end), or after the selected step; copies get fresh ids. */
    paste(nodeIds: readonly string[]) {
      const s = state();
      if (s.clipboard.length === 0) return false;
      const step = s.index.steps.get(idsOf(nodeIds, "step")[0] ?? "") ?? s.index.steps.get(s.clipboard[0]!.id);
      const stageId = idsOf(nodeIds, "stage")[0] ?? step?.stageId ?? s.index.stages.at(-1)?.id;
      if (!stageId) return false;
      const after = step && step.stageId === stageId ? { index: (step.path[3] as number) + 1, list: step.list } : undefined;
      const edits = pasteEdits(s.clipboard, takenStepIds(s.index), { stageId, ...after });
      return s.edit(edits, { select: edits.map((e) => (e.op === "addStep" ? stepNodeId(e.step.id) : "")) });
    },

    /** Adjacent steps of one list → a new parallel group. */
    group(nodeIds: readonly string[]) {
      const s = state();
      const stepIds = idsOf(nodeIds, "step");
      if (stepIds.length < 2) return s.notify("info", "Select two or more adjacent steps of a stage (Shift+click) to run them in parallel.");
      const groupId = uniqueId("parallel", takenStepIds(s.index));
      s.edit({ op: "groupParallel", stepIds, groupId }, { select: [groupNodeId(groupId)] });
    },

    /** The selected group (or the group of the selected step) → its steps, one after the other. */
    ungroup(nodeIds: readonly string[]) {
      const s = state();
      const groupId = idsOf(nodeIds, "group")[0] ?? s.index.steps.get(idsOf(nodeIds, "step")[0] ?? "")?.groupId;
      if (!groupId) return s.notify("info", "Select a parallel group (or one of its steps) to ungroup it.");
      s.edit({ op: "ungroupParallel", groupId }, { select: [] });
    },
  };
}

export type DesignerActionsApi = ReturnType<typeof designerActions>;
