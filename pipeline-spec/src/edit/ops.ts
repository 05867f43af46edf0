/**
 * The edits themselves. Each one reads the parsed text, computes text changes with the primitives, hands them
 * to the session, and may return a check that the result must pass (applyEdit refuses the edit otherwise).
 */
import { isAlias, isMap, isScalar, isSeq } from "yaml";
import type { Node, Pair, YAMLMap, YAMLSeq } from "yaml";
import { ID_PATTERN } from "../common";
import { shortestCycle, stronglyConnected } from "../graph-algorithms";
import { formatPath } from "../problem";
import { StageSchema } from "../schema";
import { StepOrGroupSchema } from "../steps/index";
import { aliasesOf, pairOf, rangeOf, seqItemExtent, startWithProps, valueOf } from "./doc";
import type { Parsed } from "./doc";
import {
  cycleIfConnected,
  effectiveNeedsOf,
  explicitNeeds,
  findStage,
  findStep,
  insertionIndex,
  keyOrderAt,
  nodeAt,
  orderBySchema,
  schemaAt,
  stageNeeds,
  stagesOf,
  stepsOf,
} from "./pipeline";
import type { StageRef, StepRef } from "./pipeline";
import {
  blockItemText,
  EditError,
  insertItem,
  insertPair,
  payloadOf,
  removeItem,
  removePair,
  replaceItemWithItems,
  replaceScalar,
  replaceValue,
} from "./primitives";
import type { ItemPayload, Owner } from "./primitives";
import { inlineScalar, isPlainObject, styleNear } from "./style";
import type { Style } from "./style";
import { columnOf, lineNumber, lineStart, normalizeChanges, reindent, spaces } from "./text";
import type { TextChange } from "./text";
import type { Edit, FieldPath, StepList } from "./types";
import { diffScalarList, setValue } from "./values";
import type { Session } from "./session";

/** What the result must satisfy; returns the reason to refuse the edit, if any. */
export type Check = (after: Parsed) => string | undefined;

type Op<E extends Edit> = (session: Session, edit: E) => Check | void;
type EditOf<K extends Edit["op"]> = Extract<Edit, { op: K }>;

export function runEdit(session: Session, edit: Edit): Check | void {
  switch (edit.op) {
    case "addStep":
      return addStep(session, edit);
    case "removeStep":
      return removeStep(session, edit);
    case "moveStep":
      return moveStep(session, edit);
    case "addStage":
      return addStage(session, edit);
    case "removeStage":
      return removeStage(session, edit);
    case "renameStage":
      return renameStage(session, edit);
    case "renameStep":
      return renameStep(session, edit);
    case "setNeeds":
      return setNeeds(session, edit);
    case "connect":
      return connect(session, edit);
    case "disconnect":
      return disconnect(session, edit);
    case "setField":
      return setField(session, edit);
    case "groupParallel":
      return groupParallel(session, edit);
    case "ungroupParallel":
      return ungroupParallel(session, edit);
    default: {
      const unknown: { op?: unknown } = edit;
      throw new EditError(`unknown edit "${String(unknown.op)}"`);
    }
  }
}

// -------------------------------------------------------------------------------------------------------------
// Helpers

const stageOwner = (parsed: Parsed, stage: StageRef): Owner => ({
  kind: "item",
  seq: stagesOf(parsed).seq,
  index: stage.index,
});

const pairOwner = (map: YAMLMap, pair: Pair): Owner => ({ kind: "pair", map, pair });

function checkId(id: string, what: string): void {
  if (typeof id !== "string" || !ID_PATTERN.test(id)) {
    throw new EditError(
      `"${String(id)}" is not a valid ${what} id: use lowercase letters, digits, '-' and '_', starting with a letter (max 63)`,
    );
  }
}

function checkIndex(index: number, length: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index > length) {
    throw new EditError(`index ${index} is outside ${what} (0 to ${length})`);
  }
}

function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  return path.length > 0 ? `${formatPath(path)}: ${issue.message}` : issue.message;
}

/** Step ids of a new step or group (the group's and its steps'). */
function stepIdsOf(step: unknown): string[] {
  if (!isPlainObject(step)) return [];
  const own = typeof step.id === "string" ? [step.id] : [];
  const inner = Array.isArray(step.steps) ? step.steps.flatMap((child) => stepIdsOf(child)) : [];
  return [...own, ...inner];
}

function checkNewStepIds(parsed: Parsed, ids: string[]): void {
  const taken = new Set(stepsOf(parsed).map((step) => step.id));
  const seen = new Set<string>();
  for (const id of ids) {
    if (taken.has(id) || seen.has(id)) throw new EditError(`step id "${id}" is already used; step ids must be unique`);
    seen.add(id);
  }
}

function aliasError(parsed: Parsed, node: Node, where: string): EditError {
  const source = isAlias(node) ? node.source : "";
  const anchor = aliasesOf(parsed).find((a) => a.source === source)?.target;
  const line = anchor?.range ? ` (line ${lineNumber(parsed.text, startWithProps(parsed.text, anchor))})` : "";
  return new EditError(
    `${where} is the alias *${source}, a copy of the value anchored as &${source}${line}; edit the anchor, or set the whole value to replace the alias`,
  );
}

/** Throws when other places of the document read `node` through an alias (editing it would change them too). */
function refuseShared(parsed: Parsed, node: Node, what: string): void {
  const [start, end] = rangeOf(node);
  const shared = aliasesOf(parsed).find(
    (alias) =>
      alias.target &&
      alias.target.range &&
      alias.target.range[0] >= start &&
      alias.target.range[1] <= end &&
      (alias.offset < start || alias.offset >= end),
  );
  if (shared) {
    throw new EditError(
      `${what} is shared through the anchor &${shared.source} (used at line ${lineNumber(parsed.text, shared.offset)}); ` +
        "changing it here would change the other places too, edit the YAML by hand",
    );
  }
}

/** The list a step goes to (the stage's `steps`/`rollbackSteps`, or a group's `steps`), and what holds it. */
function targetList(
  parsed: Parsed,
  stage: StageRef & { map: YAMLMap },
  list: StepList,
  groupId: string | undefined,
): { holder: YAMLMap; key: "steps" | "rollbackSteps"; pair: Pair | undefined; seq: YAMLSeq | undefined; path: FieldPath } {
  if (groupId !== undefined) {
    const group = findStep(parsed, groupId);
    if (!group.isGroup) throw new EditError(`step "${groupId}" is not a parallel group`);
    if (group.stage.index !== stage.index) throw new EditError(`group "${groupId}" is not in stage "${stage.id}"`);
    const pair = pairOf(group.map, "steps");
    const seq = pair && isSeq(pair.value) ? (pair.value as YAMLSeq) : undefined;
    return {
      holder: group.map,
      key: "steps",
      pair,
      seq,
      path: [...group.path, "steps"],
    };
  }
  const pair = pairOf(stage.map, list);
  if (pair && isAlias(pair.value)) throw aliasError(parsed, pair.value as Node, `the ${list} of stage "${stage.id}"`);
  const seq = pair && isSeq(pair.value) ? (pair.value as YAMLSeq) : undefined;
  if (pair && !seq && pair.value && !(isScalar(pair.value) && pair.value.value === null)) {
    throw new EditError(`the ${list} of stage "${stage.id}" is not a list`);
  }
  return { holder: stage.map, key: list, pair, seq, path: ["stages", stage.index, list] };
}

/** Changes that put `payload` at `index` of a list that may not exist yet or be empty. */
function insertIntoList(
  parsed: Parsed,
  target: ReturnType<typeof targetList>,
  index: number,
  payload: ItemPayload,
  style: Style,
): TextChange[] {
  const length = target.seq?.items.length ?? 0;
  checkIndex(index, length, `the list (${length} entries)`);
  if (target.seq && length > 0) return insertItem(parsed, target.seq, index, payload, style);
  // A new list: a moved item keeps its text (and comments) when it was written in block style.
  const lines =
    payload.block || payload.flow
      ? (keyCol: number) =>
          blockItemText(parsed, payload, keyCol + style.seqIndent, style.dashSpacing, style, false).split(/\r?\n/)
      : undefined;
  if (target.pair) return replaceValue(parsed, pairOwner(target.holder, target.pair), [payload.value], style, lines);
  const order = keyOrderAt(parsed, target.path.slice(0, -1));
  const at = insertionIndex(target.holder, target.key, order);
  return insertPair(parsed, target.holder, at, target.key, [payload.value], style, lines);
}

/** Changes that take a step out of its list (unwrapping a group left with one step). */
function removeStepChanges(parsed: Parsed, step: StepRef, style: Style): TextChange[] {
  const stage = step.stage as StageRef & { map: YAMLMap };
  if (step.group) {
    const group = step.group;
    const groupPair = pairOf(group.map, "steps") as Pair;
    if (step.seq.items.length <= 2) {
      const keep = step.seq.items.length === 2 ? 1 - step.index : -1;
      if (keep < 0) return removeStepChanges(parsed, group, style);
      return replaceItemWithItems(parsed, group.seq, group.index, [payloadOf(parsed, step.seq, keep)], style);
    }
    return removeItem(parsed, step.seq, step.index, pairOwner(group.map, groupPair));
  }
  const pair = pairOf(stage.map, step.list) as Pair;
  if (step.seq.items.length <= 1 && step.list === "steps") {
    throw new EditError(
      `cannot remove "${step.id}": it is the only step of stage "${stage.id}", and a stage needs at least one; add another step first`,
    );
  }
  // The last rollback step leaves `rollbackSteps: []`, keeping the key line and its comment.
  return removeItem(parsed, step.seq, step.index, pairOwner(stage.map, pair));
}

function validateStep(step: unknown): void {
  const result = StepOrGroupSchema.safeParse(step);
  if (!result.success) throw new EditError(`the step is not valid: ${firstIssue(result.error)}`);
}

// -------------------------------------------------------------------------------------------------------------
// Steps

const addStep: Op<EditOf<"addStep">> = (session, edit) => {
  const parsed = session.parsed;
  const stage = findStage(parsed, edit.stageId);
  validateStep(edit.step);
  if (edit.groupId !== undefined && edit.step.type === "parallel") {
    throw new EditError("a parallel group cannot be put inside another group");
  }
  const ids = stepIdsOf(edit.step);
  checkNewStepIds(parsed, ids);
  const target = targetList(parsed, stage, edit.list ?? "steps", edit.groupId);
  const style = styleNear(parsed, (target.seq ?? stage.map) as Node);
  const value = orderBySchema(StepOrGroupSchema, edit.step);
  const index = edit.index ?? target.seq?.items.length ?? 0;
  session.apply(insertIntoList(parsed, target, index, { value }, style));
  return (after) => {
    const added = stepsOf(after).find((s) => s.id === ids[0]);
    const inGroup = edit.groupId === undefined ? !added?.group : added?.group?.id === edit.groupId;
    if (!added || added.stage.id !== stage.id || added.index !== index || !inGroup) {
      return "internal error: the step did not land where asked";
    }
    return undefined;
  };
};

const removeStep: Op<EditOf<"removeStep">> = (session, edit) => {
  const parsed = session.parsed;
  const step = findStep(parsed, edit.stepId);
  session.apply(removeStepChanges(parsed, step, styleNear(parsed, step.seq as Node)));
  return (after) =>
    stepsOf(after).some((s) => s.id === edit.stepId) ? "internal error: the step is still there" : undefined;
};

const moveStep: Op<EditOf<"moveStep">> = (session, edit) => {
  let parsed = session.parsed;
  const step = findStep(parsed, edit.stepId);
  findStage(parsed, edit.toStageId);
  if (edit.toGroupId !== undefined) {
    if (step.isGroup) throw new EditError("a parallel group cannot be put inside another group");
    if (edit.toGroupId === step.id) throw new EditError("a step cannot be moved into itself");
  }
  const payload = payloadOf(parsed, step.seq, step.index);
  const sameGroupReorder = edit.toGroupId !== undefined && step.group?.id === edit.toGroupId;
  if (sameGroupReorder) {
    // Reordering inside a group: remove without unwrapping, then insert.
    const group = step.group as StepRef;
    session.apply(removeItem(parsed, step.seq, step.index, pairOwner(group.map, pairOf(group.map, "steps") as Pair)));
  } else {
    session.apply(removeStepChanges(parsed, step, styleNear(parsed, step.seq as Node)));
  }
  parsed = session.parsed;
  const stage = findStage(parsed, edit.toStageId);
  const target = targetList(parsed, stage, edit.list ?? "steps", edit.toGroupId);
  const style = styleNear(parsed, (target.seq ?? stage.map) as Node);
  session.apply(insertIntoList(parsed, target, edit.index, payload, style));
  return (after) => {
    const moved = stepsOf(after).find((s) => s.id === edit.stepId);
    if (!moved || moved.stage.id !== edit.toStageId || moved.index !== edit.index) {
      return "internal error: the step did not land where asked";
    }
    return undefined;
  };
};

const renameStep: Op<EditOf<"renameStep">> = (session, edit) => {
  const parsed = session.parsed;
  const step = findStep(parsed, edit.stepId);
  checkId(edit.newId, "step");
  if (edit.newId === edit.stepId) return;
  checkNewStepIds(parsed, [edit.newId]);
  const pair = pairOf(step.map, "id") as Pair;
  const node = pair.value as Node;
  if (!isScalar(node)) throw aliasError(parsed, node, `the id of step "${step.id}"`);
  const style = styleNear(parsed);
  session.apply(
    replaceScalar(parsed, node, edit.newId, {
      flow: !!step.map.flow,
      ownerCol: columnOf(parsed.text, rangeOf(pair.key as Node)[0]),
      style,
    }),
  );
  return (after) =>
    stepsOf(after).some((s) => s.id === edit.newId) && !stepsOf(after).some((s) => s.id === edit.stepId)
      ? undefined
      : "internal error: the step was not renamed";
};

const groupParallel: Op<EditOf<"groupParallel">> = (session, edit) => {
  const parsed = session.parsed;
  checkId(edit.groupId, "group");
  checkNewStepIds(parsed, [edit.groupId]);
  if (edit.stepIds.length < 2) throw new EditError("a parallel group needs at least 2 steps");
  const steps = edit.stepIds.map((id) => findStep(parsed, id));
  const first = steps[0] as StepRef;
  for (const step of steps) {
    if (step.group) throw new EditError(`step "${step.id}" is already in the parallel group "${step.group.id}"`);
    if (step.isGroup) throw new EditError(`"${step.id}" is a parallel group; groups cannot be nested`);
    if (step.seq !== first.seq) throw new EditError("the steps to group must be in the same list of the same stage");
  }
  const indexes = [...new Set(steps.map((s) => s.index))].sort((a, b) => a - b);
  if (indexes.length !== steps.length) throw new EditError("a step is listed twice");
  const low = indexes[0] as number;
  const high = indexes[indexes.length - 1] as number;
  if (high - low + 1 !== indexes.length) throw new EditError("only adjacent steps can be grouped; move them next to each other first");
  const seq = first.seq;
  const style = styleNear(parsed, seq as Node);
  const { text, eol } = parsed;
  const id = inlineScalar(edit.groupId, !!seq.flow, style);
  if (seq.flow) {
    const firstNode = seq.items[low] as Node;
    const lastNode = seq.items[high] as Node;
    const start = rangeOf(firstNode)[0];
    const end = flowEnd(lastNode);
    const pad = style.flowPadding ? " " : "";
    session.apply([
      { start, end, text: `{${pad}id: ${id}, type: parallel, steps: [${text.slice(start, end)}]${pad}}` },
    ]);
  } else {
    const from = seqItemExtent(text, seq, low);
    const to = seqItemExtent(text, seq, high);
    if (!from || !to || from.inline) throw new EditError("cannot group these steps; edit the YAML by hand");
    const spacing = dashSpacingIn(parsed, seq, style);
    const contentCol = from.col + spacing;
    const header = [
      `${spaces(from.col)}-${spaces(spacing - 1)}id: ${id}`,
      `${spaces(contentCol)}type: parallel`,
      `${spaces(contentCol)}steps:`,
    ];
    const body = text.slice(from.start, to.end).replace(/\r?\n$/, "");
    const moved = reindent(body, contentCol + style.seqIndent - from.col);
    const terminated = !(to.end === text.length && !text.endsWith("\n"));
    session.apply([{ start: from.start, end: to.end, text: header.join(eol) + eol + moved + (terminated ? eol : "") }]);
  }
  return (after) => {
    const group = stepsOf(after).find((s) => s.id === edit.groupId);
    const inside = stepsOf(after).filter((s) => s.group?.id === edit.groupId).map((s) => s.id);
    return group && inside.length === edit.stepIds.length ? undefined : "internal error: the group was not created";
  };
};

function flowEnd(node: Node): number {
  return rangeOf(node)[1];
}

function dashSpacingIn(parsed: Parsed, seq: YAMLSeq, style: Style): number {
  const node = seq.items[0] as Node | undefined;
  const extent = seqItemExtent(parsed.text, seq, 0);
  if (!node?.range || !extent) return style.dashSpacing;
  const start = node.range[0];
  return lineStart(parsed.text, start) === lineStart(parsed.text, extent.head) ? start - extent.head : style.dashSpacing;
}

const ungroupParallel: Op<EditOf<"ungroupParallel">> = (session, edit) => {
  const parsed = session.parsed;
  const group = findStep(parsed, edit.groupId);
  if (!group.isGroup) throw new EditError(`step "${edit.groupId}" is not a parallel group`);
  const inner = valueOf(group.map, "steps");
  if (!isSeq(inner) || inner.items.length === 0) throw new EditError(`group "${edit.groupId}" has no steps`);
  const payloads = inner.items.map((_, i) => payloadOf(parsed, inner, i));
  session.apply(replaceItemWithItems(parsed, group.seq, group.index, payloads, styleNear(parsed, group.seq as Node)));
  return (after) =>
    stepsOf(after).some((s) => s.id === edit.groupId) ? "internal error: the group is still there" : undefined;
};

// -------------------------------------------------------------------------------------------------------------
// Stages

const addStage: Op<EditOf<"addStage">> = (session, edit) => {
  const parsed = session.parsed;
  const result = StageSchema.safeParse(edit.stage);
  if (!result.success) throw new EditError(`the stage is not valid: ${firstIssue(result.error)}`);
  const { seq, stages } = stagesOf(parsed);
  if (stages.some((s) => s.id === edit.stage.id)) throw new EditError(`stage id "${edit.stage.id}" is already used`);
  checkNewStepIds(parsed, [...edit.stage.steps, ...(edit.stage.rollbackSteps ?? [])].flatMap(stepIdsOf));
  const index = edit.index ?? stages.length;
  checkIndex(index, stages.length, `the stages (${stages.length})`);
  const value = orderBySchema(StageSchema, edit.stage);
  const style = styleNear(parsed);
  if (seq.items.length === 0) {
    const root = parsed.doc.contents as YAMLMap;
    session.apply(replaceValue(parsed, pairOwner(root, pairOf(root, "stages") as Pair), [value], style));
  } else {
    session.apply(insertItem(parsed, seq, index, { value }, style));
  }
  const cycles = noNewCycle(parsed, `adding stage "${edit.stage.id}" here`);
  return (after) =>
    stagesOf(after).stages[index]?.id === edit.stage.id
      ? cycles(after)
      : "internal error: the stage did not land where asked";
};

const removeStage: Op<EditOf<"removeStage">> = (session, edit) => {
  const parsed = session.parsed;
  const stage = findStage(parsed, edit.stageId);
  const { seq, stages } = stagesOf(parsed);
  if (stages.length <= 1) throw new EditError(`cannot remove "${edit.stageId}": a pipeline needs at least one stage`);
  const root = parsed.doc.contents as YAMLMap;
  const changes = removeItem(parsed, seq, stage.index, pairOwner(root, pairOf(root, "stages") as Pair));
  const style = styleNear(parsed);
  for (const other of stages) {
    if (other === stage || !other.map) continue;
    const pair = pairOf(other.map, "needs");
    const needs = pair?.value;
    if (!pair || !isSeq(needs)) continue;
    const values = (needs.items as Node[]).map((item) => (isScalar(item) ? item.value : Symbol("alias")));
    if (!values.includes(edit.stageId)) continue;
    const kept = values.filter((v) => v !== edit.stageId);
    const owner = pairOwner(other.map, pair);
    changes.push(...(diffScalarList(parsed, owner, needs, kept, style) ?? replaceValue(parsed, owner, kept, style)));
  }
  session.apply(changes);
  const cycles = noNewCycle(
    parsed,
    `removing stage "${edit.stageId}" makes the stage after it (its needs are left out) run after the one before, which`,
  );
  return (after) => {
    const left = stageNeeds(after).find((s) => s.needs?.includes(edit.stageId));
    return left
      ? `stage "${left.id}" still needs "${edit.stageId}" through an alias; edit its needs by hand first`
      : cycles(after);
  };
};

/** A cycle of the stage graph in run order (`a → b → a`), or null. */
function anyCycle(parsed: Parsed): string[] | null {
  const deps = effectiveNeedsOf(stageNeeds(parsed));
  const ids = new Set(deps.keys());
  const edges = new Map([...deps].map(([id, needs]) => [id, [...new Set(needs.filter((n) => ids.has(n) && n !== id))]]));
  for (const component of stronglyConnected(edges)) {
    if (component.length < 2) continue;
    return shortestCycle(component[0] as string, edges, new Set(component)).reverse();
  }
  return null;
}

/** A check refusing a result whose stage graph has a cycle the original did not have. */
function noNewCycle(before: Parsed, what: string): Check {
  const had = anyCycle(before) !== null;
  return (after) => {
    if (had) return undefined;
    const cycle = anyCycle(after);
    return cycle ? `${what} would create a cycle ${cycle.join(" → ")}` : undefined;
  };
}

const renameStage: Op<EditOf<"renameStage">> = (session, edit) => {
  const parsed = session.parsed;
  const stage = findStage(parsed, edit.stageId);
  checkId(edit.newId, "stage");
  if (edit.newId === edit.stageId) return;
  if (stagesOf(parsed).stages.some((s) => s.id === edit.newId)) throw new EditError(`stage id "${edit.newId}" is already used`);
  const style = styleNear(parsed);
  const changes: TextChange[] = [];
  const rename = (node: Node, map: YAMLMap | YAMLSeq, ownerCol: number) => {
    if (!isScalar(node)) return;
    changes.push(...replaceScalar(parsed, node, edit.newId, { flow: !!map.flow, ownerCol, style }));
  };
  const idPair = pairOf(stage.map, "id") as Pair;
  if (!isScalar(idPair.value)) throw aliasError(parsed, idPair.value as Node, `the id of stage "${stage.id}"`);
  rename(idPair.value as Node, stage.map, columnOf(parsed.text, rangeOf(idPair.key as Node)[0]));
  for (const other of stagesOf(parsed).stages) {
    const needs = other.map ? valueOf(other.map, "needs") : undefined;
    if (!isSeq(needs)) continue;
    for (const item of needs.items as Node[]) {
      if (isScalar(item) && String(item.value) === edit.stageId) {
        rename(item, needs, columnOf(parsed.text, rangeOf(item)[0]));
      }
    }
  }
  session.apply(changes);
  return (after) => {
    const left = stageNeeds(after).find((s) => s.needs?.includes(edit.stageId));
    if (left) return `stage "${left.id}" needs "${edit.stageId}" through an alias; rename it there by hand first`;
    return stagesOf(after).stages[stage.index]?.id === edit.newId ? undefined : "internal error: the stage was not renamed";
  };
};

// -------------------------------------------------------------------------------------------------------------
// Needs

/** Whether new `needs` lists are written `[a, b]`: as the document's other needs are, else as its lists are. */
function needsStyle(parsed: Parsed, style: Style): Style {
  let flow = 0;
  let block = 0;
  for (const stage of stagesOf(parsed).stages) {
    const needs = stage.map ? valueOf(stage.map, "needs") : undefined;
    if (isSeq(needs) && needs.items.length > 0) {
      if (needs.flow) flow++;
      else block++;
    }
  }
  return flow === block ? style : { ...style, flowScalarLists: flow > block };
}

/** Changes that make the stage's written `needs` exactly `needs` (writing the key when it is left out). */
function writeNeeds(parsed: Parsed, stage: StageRef & { map: YAMLMap }, needs: string[]): TextChange[] {
  const style = needsStyle(parsed, styleNear(parsed));
  const pair = pairOf(stage.map, "needs");
  if (!pair) {
    const at = insertionIndex(stage.map, "needs", keyOrderAt(parsed, ["stages", stage.index]));
    return insertPair(parsed, stage.map, at, "needs", needs, style);
  }
  const owner = pairOwner(stage.map, pair);
  const node = pair.value as Node | null;
  if (node && isSeq(node)) {
    refuseShared(parsed, node, `the needs of stage "${stage.id}"`);
    const changes =
      node.items.length === 0
        ? needs.length === 0
          ? []
          : replaceValue(parsed, owner, needs, style)
        : diffScalarList(parsed, owner, node, needs, style);
    return changes && normalizeChanges(changes) ? changes : replaceValue(parsed, owner, needs, style);
  }
  return replaceValue(parsed, owner, needs, style);
}

/** A check that stage `id` now effectively needs `expected` and every other stage needs what it did. */
function needsCheck(before: Parsed, id: string, expected: string[]): Check {
  const old = effectiveNeedsOf(stageNeeds(before));
  return (after) => {
    const now = effectiveNeedsOf(stageNeeds(after));
    for (const [stage, needs] of now) {
      const want = stage === id ? expected : old.get(stage);
      if (JSON.stringify(needs) !== JSON.stringify(want)) {
        return stage === id
          ? "internal error: the needs were not changed as asked"
          : `the edit would also change the needs of stage "${stage}" (they share a list through an anchor); edit the YAML by hand`;
      }
    }
    return undefined;
  };
}

function refuseCycle(parsed: Parsed, stageId: string, needs: string[]): void {
  const stages = stageNeeds(parsed).map((s) => (s.id === stageId ? { id: s.id, needs: [] } : s));
  for (const need of needs) {
    const cycle = cycleIfConnected({ stages }, need, stageId);
    if (cycle) throw new EditError(`would create a cycle ${cycle.join(" → ")}`);
  }
}

const setNeeds: Op<EditOf<"setNeeds">> = (session, edit) => {
  const parsed = session.parsed;
  const stage = findStage(parsed, edit.stageId);
  const ids = new Set(stagesOf(parsed).stages.map((s) => s.id));
  if (edit.needs === null) {
    const pair = pairOf(stage.map, "needs");
    if (!pair) return;
    if (pair.value) refuseShared(parsed, pair.value as Node, `the needs of stage "${stage.id}"`);
    // Without needs the stage runs after the previous one, which must not wait for it.
    const previous = stagesOf(parsed).stages[stage.index - 1]?.id;
    const implicit = previous ? [previous] : [];
    refuseCycle(parsed, edit.stageId, implicit);
    session.apply(removePair(parsed, stage.map, pair, stageOwner(parsed, stage)));
    return needsCheck(parsed, edit.stageId, implicit);
  }
  const needs = edit.needs;
  for (const need of needs) {
    if (need === edit.stageId) throw new EditError(`stage "${edit.stageId}" cannot need itself`);
    if (!ids.has(need)) throw new EditError(`there is no stage "${need}"`);
  }
  if (new Set(needs).size !== needs.length) throw new EditError("a stage is listed twice in needs");
  refuseCycle(parsed, edit.stageId, needs);
  session.apply(writeNeeds(parsed, stage, needs));
  return needsCheck(parsed, edit.stageId, needs);
};

const connect: Op<EditOf<"connect">> = (session, edit) => {
  const parsed = session.parsed;
  findStage(parsed, edit.from);
  const to = findStage(parsed, edit.to);
  const cycle = cycleIfConnected({ stages: stageNeeds(parsed) }, edit.from, edit.to);
  if (cycle) throw new EditError(`would create a cycle ${cycle.join(" → ")}`);
  const effective = effectiveNeedsOf(stageNeeds(parsed)).get(edit.to) ?? [];
  if (effective.includes(edit.from)) return;
  const written = explicitNeeds(parsed, to);
  // An omitted needs is materialised with its implicit entry, so the edge from the previous stage stays.
  const needs = [...(written ?? effective), edit.from];
  session.apply(writeNeeds(parsed, to, needs));
  return needsCheck(parsed, edit.to, needs);
};

const disconnect: Op<EditOf<"disconnect">> = (session, edit) => {
  const parsed = session.parsed;
  findStage(parsed, edit.from);
  const to = findStage(parsed, edit.to);
  const effective = effectiveNeedsOf(stageNeeds(parsed)).get(edit.to) ?? [];
  if (!effective.includes(edit.from)) return;
  const needs = effective.filter((need) => need !== edit.from);
  session.apply(writeNeeds(parsed, to, needs));
  return needsCheck(parsed, edit.to, needs);
};

// -------------------------------------------------------------------------------------------------------------
// Fields

function isJsonLike(value: unknown, depth = 0): boolean {
  if (depth > 50) return false;
  if (value === null || value === undefined) return true;
  if (typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => item !== undefined && isJsonLike(item, depth + 1));
  if (isPlainObject(value)) return Object.values(value).every((item) => isJsonLike(item, depth + 1));
  return false;
}

/** `{ a: { b: value } }` for the path ["a", "b"]. */
function nested(path: FieldPath, value: unknown): unknown {
  let out = value;
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i] as string | number;
    if (typeof segment === "number") {
      throw new EditError(`cannot create list entry ${segment}: the list does not exist; set the whole list instead`);
    }
    out = { [segment]: out };
  }
  return out;
}

const setField: Op<EditOf<"setField">> = (session, edit) => {
  const parsed = session.parsed;
  const { path, value } = edit;
  if (!Array.isArray(path) || path.length === 0) throw new EditError("setField needs a path");
  if (!isJsonLike(value)) throw new EditError("the value must be a string, number, boolean, null, list or map");
  const style = styleNear(parsed);
  let node: unknown = parsed.doc.contents;
  let owner: Owner = { kind: "root" };
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string | number;
    const last = i === path.length - 1;
    const here = path.slice(0, i);
    if (isAlias(node)) throw aliasError(parsed, node, `"${formatPath(here)}"`);
    if (isMap(node)) {
      const map = node as YAMLMap;
      const pair = pairOf(map, String(segment));
      const child = pair?.value as Node | null | undefined;
      const empty = !child || (isScalar(child) && child.value === null && !last);
      if (last || empty) {
        const full = last ? value : value === undefined ? undefined : nested(path.slice(i + 1), value);
        if (full === undefined) {
          if (pair && (last || !empty)) session.apply(removePair(parsed, map, pair, owner));
        } else if (pair) {
          session.apply(setValue(parsed, pairOwner(map, pair), child ?? null, full, path.slice(0, i + 1), style));
        } else if (map.items.length === 0) {
          session.apply(replaceValue(parsed, owner, { [String(segment)]: orderBySchema(schemaAt(parsed, path.slice(0, i + 1)), full) }, style));
        } else {
          const at = insertionIndex(map, String(segment), keyOrderAt(parsed, here));
          session.apply(insertPair(parsed, map, at, String(segment), orderBySchema(schemaAt(parsed, path.slice(0, i + 1)), full), style));
        }
        break;
      }
      owner = pairOwner(map, pair as Pair);
      node = child;
    } else if (isSeq(node)) {
      const seq = node as YAMLSeq;
      const index = typeof segment === "number" ? segment : /^\d+$/.test(segment) ? Number(segment) : NaN;
      if (!Number.isInteger(index)) throw new EditError(`"${formatPath(here)}" is a list; "${segment}" is not an index`);
      const length = seq.items.length;
      if (last) {
        if (value === undefined) {
          if (index < length) session.apply(removeItem(parsed, seq, index, owner));
        } else if (index < length) {
          session.apply(setValue(parsed, { kind: "item", seq, index }, seq.items[index] as Node, value, path, style));
        } else if (index === length && length > 0) {
          session.apply(insertItem(parsed, seq, index, { value: orderBySchema(schemaAt(parsed, path), value) }, style));
        } else if (index === length) {
          session.apply(replaceValue(parsed, owner, [orderBySchema(schemaAt(parsed, path), value)], style));
        } else {
          throw new EditError(`"${formatPath(here)}" has ${length} entries; cannot set entry ${index}`);
        }
        break;
      }
      if (index >= length) throw new EditError(`"${formatPath(here)}" has no entry ${index}`);
      owner = { kind: "item", seq, index };
      node = seq.items[index];
    } else {
      throw new EditError(`"${formatPath(here)}" is not a map or a list, so it has no "${segment}"`);
    }
  }
  return (after) => {
    const node = nodeAt(after, path) as Node | undefined | null;
    const got = node && !isAlias(node) ? (node as Node).toJS(after.doc) : node ? (node as Node).toJS(after.doc) : undefined;
    const want = value === undefined ? undefined : value;
    const absent = node === undefined;
    if (want === undefined) return absent ? undefined : "internal error: the field is still there";
    return sameValue(got, want) ? undefined : `internal error: the field did not take the value (${JSON.stringify(got)})`;
  };
};

/** Deep equality of plain values, ignoring key order. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
    const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
    return keysA.length === keysB.length && keysA.every((k) => sameValue(a[k], b[k]));
  }
  return false;
}
