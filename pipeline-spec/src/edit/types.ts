import type { z } from "zod";
import type { StageSchema } from "../schema";
import type { StepOrGroupSchema } from "../steps/index";
import type { TextChange } from "./text";

/** A step (or a parallel group) as the graph or a form creates it; defaults may be left out. */
export type StepInput = z.input<typeof StepOrGroupSchema>;
/** A stage as the graph creates it; defaults may be left out. */
export type StageInput = z.input<typeof StageSchema>;

export type StepList = "steps" | "rollbackSteps";
export type FieldPath = (string | number)[];

/**
 * One change to a pipeline document, as the graph view and the forms express it. Ids are stage and step ids;
 * indexes count the entries of the list as written (a parallel group is one entry of its stage's list).
 */
export type Edit =
  | {
      op: "addStep";
      stageId: string;
      step: StepInput;
      /** Position in the list; default: the end. */
      index?: number;
      /** Default "steps". */
      list?: StepList;
      /** Add inside this parallel group of the stage instead (index counts the group's steps). */
      groupId?: string;
    }
  /** Also removes it from its parallel group; a group left with one step is replaced by that step. */
  | { op: "removeStep"; stepId: string }
  | {
      op: "moveStep";
      stepId: string;
      toStageId: string;
      /** Position in the target list once the step has left its old place. */
      index: number;
      list?: StepList;
      toGroupId?: string;
    }
  | { op: "addStage"; stage: StageInput; index?: number }
  /**
   * Also removes the stage from every other stage's `needs`. A stage whose `needs` was omitted keeps the
   * serial default and now runs after the stage that preceded the removed one.
   */
  | { op: "removeStage"; stageId: string }
  /** Updates every `needs` entry that names the stage. */
  | { op: "renameStage"; stageId: string; newId: string }
  | { op: "renameStep"; stepId: string; newId: string }
  /** null removes the key (the stage then runs after the previous one). */
  | { op: "setNeeds"; stageId: string; needs: string[] | null }
  /**
   * Makes `to` wait for `from`. When `to` has no `needs`, its implicit need (the previous stage) is written out
   * as well, so no other edge of the graph changes. Refused when it would create a cycle.
   */
  | { op: "connect"; from: string; to: string }
  /** Stops `to` waiting for `from`; an implicit need becomes `needs: []` (or the remaining needs). */
  | { op: "disconnect"; from: string; to: string }
  /** Sets (or, with value undefined, deletes) the value at a path, e.g. ["stages", 2, "steps", 0, "timeout"]. */
  | { op: "setField"; path: FieldPath; value: unknown }
  /** Wraps adjacent entries of one list of one stage in a new parallel group. */
  | { op: "groupParallel"; stepIds: string[]; groupId: string }
  /** Replaces a parallel group by its steps. */
  | { op: "ungroupParallel"; groupId: string };

export type EditOp = Edit["op"];

export type EditResult =
  | {
      ok: true;
      text: string;
      /** The range of the NEW text that differs from the old one (empty when nothing changed). */
      changed: { start: number; end: number };
      /**
       * The minimal replacements, in offsets of the OLD text, sorted and disjoint: feed them to Monaco's
       * `executeEdits` to keep the user's undo stack and cursor.
       */
      changes: TextChange[];
    }
  | { ok: false; error: string };

export type NodeRange = { start: number; end: number };
export type NodeTarget = { stageId: string } | { stepId: string };
