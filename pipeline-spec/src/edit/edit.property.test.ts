/**
 * Property test of the structural editor: random sequences of edits (seeded, reproducible) over a corpus of
 * hand-written, commented pipelines in every YAML style users write. After each edit:
 *  1. the result parses without YAML problems (and without any problem the edit could not have caused);
 *  2. the edit had its intended effect: the document's data equals a reference model of the edit applied to
 *     the data before (or the edit was refused, and only for a reason it is allowed to refuse);
 *  3. untouched parts are byte-identical: the reported changes rebuild the result from the original, the text
 *     outside `changed` is the original's, and every change lies inside the stage/step/key the edit targets
 *     (plus the `needs` of stages that name a renamed or removed stage);
 *  4. every comment of the original that did not belong to a removed node is still there, in order.
 *
 * Reproduce a failure with the seed it prints: SLIPWAY_EDIT_SEED=<seed> SLIPWAY_EDIT_SEQUENCES=<n>.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isAlias, isMap, isScalar, isSeq, parseDocument, Parser } from "yaml";
import type { Document, Node, Pair, YAMLMap, YAMLSeq } from "yaml";
import { parsePipelineYaml } from "../parse";
import { parseText } from "./doc";
import { compareWithFullParse } from "./incremental";
import { applyEdit, locateNode, nodeAtOffset } from "./index";
import type { Edit, EditResult, StageInput, StepInput } from "./index";

const SEED = Number(process.env.SLIPWAY_EDIT_SEED ?? 0x51177a7);
const SEQUENCES = Number(process.env.SLIPWAY_EDIT_SEQUENCES ?? 200);
const MAX_EDITS = 8;

const corpusDir = new URL("../../test/edit-corpus/", import.meta.url);
const corpus = readdirSync(corpusDir)
  .filter((name) => name.endsWith(".yaml"))
  .sort()
  .map((name) => ({ name, text: readFileSync(new URL(name, corpusDir), "utf8") }));

// ---------------------------------------------------------------------------------------------------------------
// Randomness

type Rng = { int(n: number): number; pick<T>(items: readonly T[]): T; chance(p: number): boolean };

function rngFrom(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    chance: (p) => next() < p,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The data model: what the document should contain after an edit

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;
type Path = (string | number)[];

const clone = <T>(value: T): T => structuredClone(value);

type StepInfo = {
  id: string;
  stage: number;
  list: "steps" | "rollbackSteps";
  index: number;
  group?: { id: string; index: number; size: number };
  isGroup: boolean;
  type: string;
  path: Path;
};

function stepsOf(raw: Raw): StepInfo[] {
  const out: StepInfo[] = [];
  (raw.stages as Raw[]).forEach((stage, s) => {
    for (const list of ["steps", "rollbackSteps"] as const) {
      ((stage[list] ?? []) as Raw[]).forEach((item, i) => {
        const isGroup = item.type === "parallel";
        out.push({ id: item.id, stage: s, list, index: i, isGroup, type: item.type, path: ["stages", s, list, i] });
        if (!isGroup) return;
        (item.steps as Raw[]).forEach((child, c) => {
          out.push({
            id: child.id,
            stage: s,
            list,
            index: c,
            group: { id: item.id, index: i, size: item.steps.length },
            isGroup: false,
            type: child.type,
            path: ["stages", s, list, i, "steps", c],
          });
        });
      });
    }
  });
  return out;
}

function effectiveNeeds(raw: Raw, index: number): string[] {
  const stage = raw.stages[index];
  if (stage.needs) return [...stage.needs];
  return index > 0 ? [raw.stages[index - 1].id] : [];
}

function hasCycle(raw: Raw): boolean {
  const deps = new Map<string, string[]>();
  (raw.stages as Raw[]).forEach((stage, i) => deps.set(stage.id, effectiveNeeds(raw, i)));
  const state = new Map<string, number>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 1) return true;
    if (state.get(id) === 2) return false;
    state.set(id, 1);
    for (const need of deps.get(id) ?? []) if (deps.has(need) && visit(need)) return true;
    state.set(id, 2);
    return false;
  };
  return [...deps.keys()].some((id) => visit(id));
}

/** Takes a step out of its place as removeStep does (unwrapping a group left with one step). */
function modelRemoveStep(raw: Raw, id: string): Raw {
  const step = stepsOf(raw).find((s) => s.id === id) as StepInfo;
  const stage = raw.stages[step.stage];
  if (step.group) {
    const group = stage[step.list][step.group.index];
    group.steps.splice(step.index, 1);
    if (group.steps.length === 1) stage[step.list][step.group.index] = group.steps[0];
    return raw;
  }
  stage[step.list].splice(step.index, 1);
  return raw;
}

function setAt(raw: Raw, path: Path, value: unknown): void {
  let node = raw;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i] as string | number;
    if (node[segment] === undefined || node[segment] === null) {
      if (value === undefined) return;
      node[segment] = {};
    }
    node = node[segment];
  }
  const last = path[path.length - 1] as string | number;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Regions of the original text (for invariants 3 and 4), computed from the yaml library's ranges

type Region = [number, number];

const isBlank = (line: string) => /^[ \t]*\r?$/.test(line);
const isComment = (line: string) => /^[ \t]*#/.test(line);
const indent = (line: string) => /^ */.exec(line)?.[0].length ?? 0;
const lineStartOf = (text: string, offset: number) => text.lastIndexOf("\n", offset - 1) + 1;
const nextLine = (text: string, offset: number) => {
  const i = text.indexOf("\n", offset);
  return i === -1 ? text.length : i + 1;
};
const lineOf = (text: string, start: number) => {
  const i = text.indexOf("\n", start);
  return text.slice(start, i === -1 ? text.length : i);
};
const boundaryAfter = (text: string, offset: number) =>
  offset <= 0 || text[offset - 1] === "\n" ? offset : nextLine(text, offset);

function lastContent(node: Node): number {
  if (isScalar(node) || isAlias(node)) return (node.range as number[])[1] as number;
  const collection = node as YAMLMap | YAMLSeq;
  if (collection.flow) return (node.range as number[])[1] as number;
  let end = (node.range as number[])[0] as number;
  for (const item of collection.items as unknown[]) {
    const parts = isMap(node) ? [(item as Pair).key, (item as Pair).value] : [item];
    for (const part of parts as (Node | null)[]) {
      if (!part || (isScalar(part) && part.value === null && part.range?.[0] === part.range?.[1])) continue;
      end = Math.max(end, lastContent(part));
    }
  }
  return end;
}

/** A block item from its head (`-` or key): its leading comment lines, its lines, its deeper trailing comments. */
function itemRegion(text: string, head: number, node: Node | null, after = head + 1): Region {
  const ls = lineStartOf(text, head);
  const col = head - ls;
  let start = /^ *$/.test(text.slice(ls, head)) ? ls : head;
  if (start === ls) {
    for (let p = lineStartOf(text, ls - 1); ls > 0 && p >= 0; p = lineStartOf(text, p - 1)) {
      const line = lineOf(text, p);
      if (!isComment(line) || indent(line) > col) break;
      start = p;
      if (p === 0) break;
    }
  }
  let end = boundaryAfter(text, Math.max(node ? lastContent(node) : after, after));
  for (let at = end; at < text.length; at = nextLine(text, at)) {
    const line = lineOf(text, at);
    if (isBlank(line)) continue;
    if (!isComment(line) || indent(line) <= col) break;
    end = nextLine(text, at);
  }
  return [start, end];
}

function dashes(seq: YAMLSeq): number[] {
  const token = seq.srcToken;
  if (!token || token.type !== "block-seq") return [];
  return token.items.flatMap((item) => item.start.filter((t) => t.type === "seq-item-ind").map((t) => t.offset));
}

function seqItemRegion(text: string, seq: YAMLSeq, index: number): Region {
  const node = seq.items[index] as Node;
  if (seq.flow) return [(node.range as number[])[0] as number, lastContent(node)];
  const dash = dashes(seq)[index] as number;
  return itemRegion(text, dash, node);
}

function pairRegion(text: string, pair: Pair): Region {
  const key = pair.key as Node;
  const value = pair.value as Node | null;
  const after = lastContent(key);
  return itemRegion(text, (key.range as number[])[0] as number, value && value.range ? value : null, after);
}

const pairIn = (map: unknown, key: string): Pair | undefined =>
  isMap(map) ? (map.items.find((p) => isScalar(p.key) && String(p.key.value) === key) as Pair | undefined) : undefined;

function nodeAtPath(doc: Document, path: Path): { node: unknown; pair?: Pair; trail: unknown[]; throughAlias: boolean } {
  let node: unknown = doc.contents;
  let pair: Pair | undefined;
  const trail: unknown[] = [node];
  for (const segment of path) {
    if (isMap(node)) {
      pair = pairIn(node, String(segment));
      node = pair?.value;
    } else if (isSeq(node)) {
      pair = undefined;
      node = node.items[segment as number];
    } else {
      return { node: undefined, trail, throughAlias: isAlias(node) };
    }
    trail.push(node);
  }
  return { node, pair, trail, throughAlias: trail.slice(0, -1).some((n) => isAlias(n)) };
}

/** Slots tiling the stage list: stage i owns [its leading comments … the next stage's leading comments). */
function stageSlots(text: string, doc: Document): Region[] {
  const root = doc.contents as YAMLMap;
  const stagesPair = pairIn(root, "stages") as Pair;
  const seq = stagesPair.value as YAMLSeq;
  const next = root.items[root.items.indexOf(stagesPair as never) + 1];
  const end = next ? itemRegion(text, ((next.key as Node).range as number[])[0] as number, null)[0] : text.length;
  if (seq.flow) return seq.items.map(() => [0, text.length]);
  const heads = dashes(seq);
  const bounds = [nextLine(text, ((stagesPair.key as Node).range as number[])[0] as number)];
  for (let i = 1; i < heads.length; i++) bounds.push(seqItemRegion(text, seq, i)[0]);
  bounds.push(end);
  return heads.map((_, i) => [bounds[i] as number, bounds[i + 1] as number]);
}

function topLevelRegion(text: string, doc: Document, key: string): Region {
  const root = doc.contents as YAMLMap;
  const pair = pairIn(root, key);
  if (!pair) return [0, text.length];
  const next = root.items[root.items.indexOf(pair as never) + 1];
  const start = itemRegion(text, ((pair.key as Node).range as number[])[0] as number, null)[0];
  const end = next ? itemRegion(text, ((next.key as Node).range as number[])[0] as number, null)[0] : text.length;
  return [start, end];
}

function needsRegion(text: string, doc: Document, stageIndex: number): Region | undefined {
  const { node } = nodeAtPath(doc, ["stages", stageIndex]);
  const pair = pairIn(node, "needs");
  return pair ? pairRegion(text, pair) : undefined;
}

/** Every comment of the text, from the CST, in order. */
function commentsOf(text: string): { offset: number; source: string }[] {
  const out: { offset: number; source: string }[] = [];
  const walk = (token: unknown) => {
    if (Array.isArray(token)) return token.forEach(walk);
    if (!token || typeof token !== "object") return;
    const t = token as { type?: string; offset?: number; source?: string };
    if (t.type === "comment" && typeof t.offset === "number") out.push({ offset: t.offset, source: t.source ?? "" });
    for (const value of Object.values(token)) if (typeof value === "object") walk(value);
  };
  for (const token of new Parser().parse(text)) walk(token);
  return out.sort((a, b) => a.offset - b.offset);
}

/** Anchors/aliases inside a region: edits touching them may be refused. */
function sharedIn(region: Region, text: string): { anchors: boolean; aliases: boolean } {
  const slice = text.slice(region[0], region[1]);
  return { anchors: /(^|[\s[{,])&[^\s,[\]{}]+/.test(slice), aliases: /(^|[\s[{,])\*[^\s,[\]{}]+/.test(slice) };
}

// ---------------------------------------------------------------------------------------------------------------
// Random edits with their expectations

type Expectation = {
  edit: Edit;
  /** The data after the edit, when it is applied. */
  model?: (raw: Raw) => Raw;
  /** The edit must be refused with a message matching this. */
  refuse?: RegExp;
  /** The edit may be refused with a message matching this (anchors and aliases involved). */
  mayRefuse?: RegExp;
  /** Regions of the original the changes must stay inside. */
  allowed: Region[];
  /** Comments in these regions may disappear, except those in `keep`. */
  removable: Region[];
  keep: Region[];
  /** Comments in these regions move with the edit (checked as present, not in order). */
  moved: Region[];
  /** Problem codes the edit may legitimately cause. */
  mayCause?: string[];
};

const SCRIPTS = [
  "make",
  "echo hello: world",
  "npm test # not a comment",
  "set -e\nmake build\nmake test\n",
  "echo 'single'",
  'echo "double"',
  "ünïcödé ✓ script",
  "- starts with a dash",
  "#hash first",
  "key: value",
  "true",
  "1.2.3",
  "  leading spaces",
  "line one\n  indented line\n",
  "tab\there",
  "no newline\nat the end",
];
const NAMES = ["Build it", "Ça va", "Name: with colon", "yes", "1.2.3", "It's quoted", "Deploy 🚀", "null", "[bracket]"];
const TRICKY_IDS = ["true", "null", "no", "on", "yes", "off", "y", "n", "e2e", "x-1"];

class Generator {
  private counter = 0;
  constructor(
    private readonly rng: Rng,
    private readonly text: string,
    private readonly raw: Raw,
    private readonly doc: Document,
  ) {}

  private readonly given = new Set<string>();

  private usedIds(): Set<string> {
    return new Set([
      ...(this.raw.stages as Raw[]).map((s) => s.id as string),
      ...stepsOf(this.raw).map((s) => s.id),
      ...this.given,
    ]);
  }

  private newId(prefix: string): string {
    const used = this.usedIds();
    if (this.rng.chance(0.15)) {
      const tricky = TRICKY_IDS.filter((id) => !used.has(id));
      if (tricky.length > 0) {
        const id = this.rng.pick(tricky);
        this.given.add(id);
        return id;
      }
    }
    for (;;) {
      const id = `${prefix}-${this.rng.int(1000)}-${this.counter++}`;
      if (!used.has(id)) {
        this.given.add(id);
        return id;
      }
    }
  }

  private randomStep(id: string): StepInput {
    const rng = this.rng;
    const kind = rng.pick(["shell", "shell", "shell", "wait", "http", "approval"] as const);
    const name = rng.chance(0.4) ? { name: rng.pick(NAMES) } : {};
    if (kind === "wait") return { id, ...name, type: "wait", duration: rng.pick(["30s", "5m", "1h30m"]) };
    if (kind === "http") {
      return {
        id,
        ...name,
        type: "http",
        url: rng.pick(["https://example.com/health", "http://127.0.0.1:8080/ready?x=1", "<+pipeline.name>"]),
        ...(rng.chance(0.5) ? { method: "POST" as const } : {}),
        ...(rng.chance(0.4) ? { expect: { status: [200, 204] } } : {}),
      };
    }
    if (kind === "approval") {
      return { id, ...name, type: "approval", message: "Ship it: now?", approvers: { roles: ["Admin"] } };
    }
    return {
      id,
      ...name,
      type: "shell",
      script: rng.pick(SCRIPTS),
      ...(rng.chance(0.3) ? { timeout: "10m" } : {}),
      ...(rng.chance(0.25) ? { env: { LOG_LEVEL: "debug", PORT: "8080", EMPTY: "" } } : {}),
    };
  }

  private slots(): Region[] {
    return stageSlots(this.text, this.doc);
  }

  private stageNode(index: number): YAMLMap {
    return nodeAtPath(this.doc, ["stages", index]).node as YAMLMap;
  }

  private stepRegion(step: StepInfo): Region {
    const parentPath = step.path.slice(0, -1);
    const seq = nodeAtPath(this.doc, parentPath).node as YAMLSeq;
    return seqItemRegion(this.text, seq, step.path[step.path.length - 1] as number);
  }

  private base(edit: Edit, allowed: Region[]): Expectation {
    return { edit, allowed, removable: [], keep: [], moved: [] };
  }

  next(): Expectation {
    const kinds = [
      ["addStep", 14],
      ["removeStep", 10],
      ["moveStep", 8],
      ["addStage", 6],
      ["removeStage", 5],
      ["renameStage", 7],
      ["renameStep", 7],
      ["setNeeds", 6],
      ["connect", 8],
      ["disconnect", 6],
      ["setField", 16],
      ["groupParallel", 5],
      ["ungroupParallel", 5],
    ] as const;
    for (let attempt = 0; attempt < 20; attempt++) {
      let roll = this.rng.int(kinds.reduce((n, [, w]) => n + w, 0));
      const kind = kinds.find(([, w]) => (roll -= w) < 0)?.[0] ?? "addStep";
      const made = this[kind]();
      if (made) return made;
    }
    return this.addStep() as Expectation;
  }

  addStep(): Expectation | undefined {
    const rng = this.rng;
    const stage = rng.int(this.raw.stages.length);
    const groups = stepsOf(this.raw).filter((s) => s.isGroup && s.stage === stage);
    const intoGroup = groups.length > 0 && rng.chance(0.2) ? rng.pick(groups) : undefined;
    const list = intoGroup ? intoGroup.list : rng.chance(0.2) ? ("rollbackSteps" as const) : ("steps" as const);
    const step = this.randomStep(this.newId("step"));
    const length = intoGroup
      ? this.raw.stages[stage][list][intoGroup.index].steps.length
      : (this.raw.stages[stage][list] ?? []).length;
    const index = rng.chance(0.3) ? undefined : rng.int(length + 1);
    const edit: Edit = {
      op: "addStep",
      stageId: this.raw.stages[stage].id,
      step,
      ...(index === undefined ? {} : { index }),
      ...(list === "rollbackSteps" ? { list } : {}),
      ...(intoGroup ? { groupId: intoGroup.id } : {}),
    };
    return {
      ...this.base(edit, [this.slots()[stage] as Region]),
      model: (raw) => {
        const s = raw.stages[stage];
        const target = intoGroup ? s[list][intoGroup.index].steps : (s[list] ??= []);
        target.splice(index ?? target.length, 0, step);
        return raw;
      },
    };
  }

  removeStep(): Expectation | undefined {
    const steps = stepsOf(this.raw);
    const removable = steps.filter((s) => s.group || s.list === "rollbackSteps" || this.raw.stages[s.stage].steps.length > 1);
    const step = this.rng.pick(removable.length > 0 && this.rng.chance(0.9) ? removable : steps);
    const slot = this.slots()[step.stage] as Region;
    const region = this.stepRegion(step);
    const exp = this.base({ op: "removeStep", stepId: step.id }, [slot]);
    const stage = this.raw.stages[step.stage];
    if (!step.group && step.list === "steps" && stage.steps.length === 1) return { ...exp, refuse: /only step/ };
    exp.removable.push(region);
    if (step.group && step.group.size === 2) {
      // The group goes; the step that stays keeps its comments, the group keeps its leading ones.
      const group = stepsOf(this.raw).find((s) => s.id === step.group?.id) as StepInfo;
      const groupRegion = this.stepRegion(group);
      const head = lineStartOf(this.text, dashes(nodeAtPath(this.doc, group.path.slice(0, -1)).node as YAMLSeq)[group.index] ?? groupRegion[0]);
      exp.removable.push([head, groupRegion[1]]);
      const other = stepsOf(this.raw).find((s) => s.group?.id === step.group?.id && s.id !== step.id) as StepInfo;
      exp.keep.push(this.stepRegion(other));
    }
    const shared = sharedIn(region, this.text);
    return { ...exp, model: (raw) => modelRemoveStep(raw, step.id), ...(shared.anchors ? { mayRefuse: /alias/ } : {}) };
  }

  moveStep(): Expectation | undefined {
    const rng = this.rng;
    const steps = stepsOf(this.raw);
    const movable = steps.filter((s) => s.group || s.list === "rollbackSteps" || this.raw.stages[s.stage].steps.length > 1);
    const step = rng.pick(movable.length > 0 && rng.chance(0.9) ? movable : steps);
    const target = rng.int(this.raw.stages.length);
    const slots = this.slots();
    const list = rng.chance(0.15) ? ("rollbackSteps" as const) : ("steps" as const);
    const after = modelRemoveStep(clone(this.raw), step.id);
    const groups = step.isGroup ? [] : stepsOf(after).filter((s) => s.isGroup && s.stage === target && s.list === list);
    const group = groups.length > 0 && rng.chance(0.2) ? rng.pick(groups) : undefined;
    const stage = this.raw.stages[step.stage];
    const onlyStep = !step.group && step.list === "steps" && stage.steps.length === 1;
    const length = group ? after.stages[target][list][group.index].steps.length : (after.stages[target][list] ?? []).length;
    const index = rng.int(length + 1);
    const edit: Edit = {
      op: "moveStep",
      stepId: step.id,
      toStageId: this.raw.stages[target].id,
      index,
      ...(list === "rollbackSteps" ? { list } : {}),
      ...(group ? { toGroupId: group.id } : {}),
    };
    const exp = this.base(edit, [slots[step.stage] as Region, slots[target] as Region]);
    if (onlyStep) return { ...exp, refuse: /only step/ };
    const region = this.stepRegion(step);
    exp.moved.push(region);
    if (step.group && step.group.size === 2 && step.group.id !== group?.id) {
      const groupInfo = steps.find((s) => s.id === step.group?.id) as StepInfo;
      exp.removable.push(this.stepRegion(groupInfo));
      exp.keep.push(this.stepRegion(steps.find((s) => s.group?.id === step.group?.id && s.id !== step.id) as StepInfo));
    }
    const shared = sharedIn(region, this.text);
    const sameGroup = step.group !== undefined && step.group.id === group?.id;
    return {
      ...exp,
      ...(shared.anchors || shared.aliases ? { mayRefuse: /alias/ } : {}),
      mayCause: ["unknown-expression"],
      model: (raw) => {
        const value = clone(
          step.group
            ? raw.stages[step.stage][step.list][step.group.index].steps[step.index]
            : raw.stages[step.stage][step.list][step.index],
        );
        if (sameGroup) raw.stages[step.stage][step.list][step.group?.index as number].steps.splice(step.index, 1);
        else modelRemoveStep(raw, step.id);
        const s = raw.stages[target];
        const into = group ? s[list][group.index].steps : (s[list] ??= []);
        into.splice(index, 0, value);
        return raw;
      },
    };
  }

  addStage(): Expectation | undefined {
    const rng = this.rng;
    const stages = this.raw.stages as Raw[];
    const index = rng.chance(0.3) ? undefined : rng.int(stages.length + 1);
    const id = this.newId("stage");
    const needsKind = rng.int(3);
    const stage: StageInput = {
      id,
      ...(rng.chance(0.4) ? { name: rng.pick(NAMES) } : {}),
      ...(needsKind === 1 ? { needs: [] } : needsKind === 2 ? { needs: [rng.pick(stages).id as string] } : {}),
      steps: [this.randomStep(this.newId("step")), ...(rng.chance(0.3) ? [this.randomStep(this.newId("step"))] : [])],
    };
    const at = index ?? stages.length;
    const slots = this.slots();
    const allowed = [slots[at - 1], slots[at]].filter((r): r is Region => r !== undefined);
    const model = (raw: Raw) => {
      raw.stages.splice(at, 0, clone(stage));
      return raw;
    };
    const exp = { ...this.base({ op: "addStage", stage, ...(index === undefined ? {} : { index }) }, allowed), model };
    return hasCycle(model(clone(this.raw))) ? { ...exp, refuse: /would create a cycle/ } : exp;
  }

  removeStage(): Expectation | undefined {
    const stages = this.raw.stages as Raw[];
    const index = this.rng.int(stages.length);
    const id = stages[index].id as string;
    const slots = this.slots();
    const exp = this.base({ op: "removeStage", stageId: id }, []);
    if (stages.length === 1) return { ...exp, refuse: /at least one stage/, allowed: [slots[0] as Region] };
    const seq = nodeAtPath(this.doc, ["stages"]).node as YAMLSeq;
    const from = index > 0 ? boundaryAfter(this.text, lastContent(seq.items[index - 1] as Node)) : (slots[0] as Region)[0];
    exp.allowed.push([from, (slots[index] as Region)[1]]);
    exp.removable.push([from, (slots[index] as Region)[1]]);
    stages.forEach((stage, i) => {
      if (i === index || !stage.needs?.includes(id)) return;
      const region = needsRegion(this.text, this.doc, i);
      if (region) {
        exp.allowed.push(region);
        exp.removable.push(region);
      }
    });
    const model = (raw: Raw) => {
      raw.stages.splice(index, 1);
      for (const stage of raw.stages) if (stage.needs) stage.needs = stage.needs.filter((n: string) => n !== id);
      return raw;
    };
    const shared = sharedIn([from, (slots[index] as Region)[1]], this.text);
    if (hasCycle(model(clone(this.raw)))) return { ...exp, model, refuse: /would create a cycle/ };
    return { ...exp, model, ...(shared.anchors ? { mayRefuse: /alias/ } : {}) };
  }

  renameStage(): Expectation | undefined {
    const stages = this.raw.stages as Raw[];
    const index = this.rng.int(stages.length);
    const id = stages[index].id as string;
    const newId = this.rng.chance(0.1) ? (this.rng.pick(stages).id as string) : this.newId("stage");
    const idNode = nodeAtPath(this.doc, ["stages", index, "id"]).node as Node;
    const allowed: Region[] = [[(idNode.range as number[])[0] as number, (idNode.range as number[])[1] as number]];
    stages.forEach((stage, i) => {
      if (!stage.needs?.includes(id)) return;
      const region = needsRegion(this.text, this.doc, i);
      if (region) allowed.push(region);
    });
    const exp = this.base({ op: "renameStage", stageId: id, newId }, allowed);
    if (newId !== id && stages.some((s) => s.id === newId)) return { ...exp, refuse: /already used/ };
    return {
      ...exp,
      mayRefuse: /alias/,
      model: (raw) => {
        raw.stages[index].id = newId;
        for (const stage of raw.stages) if (stage.needs) stage.needs = stage.needs.map((n: string) => (n === id ? newId : n));
        return raw;
      },
    };
  }

  renameStep(): Expectation | undefined {
    const steps = stepsOf(this.raw);
    const step = this.rng.pick(steps);
    const newId = this.rng.chance(0.1) ? this.rng.pick(steps).id : this.newId("step");
    const idNode = nodeAtPath(this.doc, [...step.path, "id"]).node as Node;
    const exp = this.base({ op: "renameStep", stepId: step.id, newId }, [
      [(idNode.range as number[])[0] as number, (idNode.range as number[])[1] as number],
    ]);
    if (newId !== step.id && steps.some((s) => s.id === newId)) return { ...exp, refuse: /already used/ };
    return {
      ...exp,
      model: (raw) => {
        setAt(raw, [...step.path, "id"], newId);
        return raw;
      },
    };
  }

  private needsExpectation(edit: Edit, index: number, needs: string[] | null): Expectation {
    const slot = this.slots()[index] as Region;
    const exp = this.base(edit, [slot]);
    const region = needsRegion(this.text, this.doc, index);
    if (region) exp.removable.push(needs === null ? region : [this.valueStart(index), region[1]]);
    const model = (raw: Raw) => {
      if (needs === null) delete raw.stages[index].needs;
      else raw.stages[index].needs = needs;
      return raw;
    };
    const shared = region ? sharedIn(region, this.text) : { anchors: false, aliases: false };
    const mayRefuse = shared.anchors ? { mayRefuse: /anchor|alias/ } : {};
    if (hasCycle(model(clone(this.raw)))) return { ...exp, ...mayRefuse, refuse: /would create a cycle/ };
    return { ...exp, ...mayRefuse, model };
  }

  private valueStart(index: number): number {
    const pair = pairIn(this.stageNode(index), "needs") as Pair;
    return ((pair.key as Node).range as number[])[1] as number;
  }

  setNeeds(): Expectation | undefined {
    const rng = this.rng;
    const stages = this.raw.stages as Raw[];
    const index = rng.int(stages.length);
    const id = stages[index].id as string;
    let needs: string[] | null = null;
    if (!rng.chance(0.2)) {
      const others = stages.filter((s) => s.id !== id).map((s) => s.id as string);
      needs = others.filter(() => rng.chance(0.4));
      if (rng.chance(0.5)) needs.reverse();
    }
    return this.needsExpectation({ op: "setNeeds", stageId: id, needs }, index, needs);
  }

  connect(): Expectation | undefined {
    const stages = this.raw.stages as Raw[];
    const to = this.rng.int(stages.length);
    let from = this.rng.int(stages.length);
    if (from === to && stages.length > 1 && this.rng.chance(0.9)) from = (to + 1 + this.rng.int(stages.length - 1)) % stages.length;
    const edit: Edit = { op: "connect", from: stages[from].id, to: stages[to].id };
    const effective = effectiveNeeds(this.raw, to);
    if (from === to) return { ...this.base(edit, []), refuse: /cycle/ };
    if (effective.includes(stages[from].id)) return { ...this.base(edit, []), model: (raw) => raw };
    const written: string[] = stages[to].needs ?? effective;
    return this.needsExpectation(edit, to, [...written, stages[from].id]);
  }

  disconnect(): Expectation | undefined {
    const stages = this.raw.stages as Raw[];
    const to = this.rng.int(stages.length);
    const effective = effectiveNeeds(this.raw, to);
    const from = effective.length > 0 && this.rng.chance(0.85) ? this.rng.pick(effective) : this.rng.pick(stages).id;
    const edit: Edit = { op: "disconnect", from, to: stages[to].id };
    if (!effective.includes(from)) return { ...this.base(edit, []), model: (raw) => raw };
    return this.needsExpectation(edit, to, effective.filter((n) => n !== from));
  }

  setField(): Expectation | undefined {
    const rng = this.rng;
    const candidates: { path: Path; value: unknown }[] = [];
    candidates.push({ path: ["name"], value: rng.pick(NAMES) });
    candidates.push({ path: ["description"], value: rng.pick(["One line.", "Two lines\nof text\n", undefined]) });
    const stages = this.raw.stages as Raw[];
    const s = rng.int(stages.length);
    candidates.push({ path: ["stages", s, "name"], value: rng.pick([...NAMES, undefined]) });
    candidates.push({ path: ["stages", s, "description"], value: rng.pick(["Stage notes: here", "a\nb\n", undefined]) });
    candidates.push({ path: ["stages", s, "when"], value: rng.pick(["always", "onSuccess"]) });
    candidates.push({ path: ["stages", s, "onFailure"], value: rng.pick([{ action: "ignore" }, { action: "retry", retries: 2 }, undefined]) });
    const steps = stepsOf(this.raw).filter((step) => !step.isGroup);
    if (steps.length > 0) {
      const step = rng.pick(steps);
      const raw = stepsOf(this.raw).find((x) => x.id === step.id) as StepInfo;
      const p = raw.path;
      candidates.push({ path: [...p, "name"], value: rng.pick([...NAMES, undefined]) });
      candidates.push({ path: [...p, "description"], value: rng.pick(["Why: because", "multi\nline\n", undefined]) });
      candidates.push({ path: [...p, "when"], value: rng.pick(["always", "onFailure"]) });
      candidates.push({ path: [...p, "selectors"], value: rng.pick([["linux"], ["linux", "eu-west-1"], undefined]) });
      candidates.push({
        path: [...p, "onFailure"],
        value: rng.pick([{ action: "retry", retries: 3, backoff: "10s" }, { action: "abort" }, undefined]),
      });
      if (step.type !== "approval") candidates.push({ path: [...p, "timeout"], value: rng.pick(["5m", "1h", undefined]) });
      if (step.type === "shell") {
        candidates.push({ path: [...p, "script"], value: rng.pick(SCRIPTS) });
        candidates.push({ path: [...p, "env"], value: rng.pick([{ NEW_VAR: "v", LOG_LEVEL: "trace" }, { A: "1" }, undefined]) });
        candidates.push({ path: [...p, "env", rng.pick(["LOG_LEVEL", "EXTRA", "REGION"])], value: rng.pick(["x: y", "plain", undefined]) });
      }
      if (step.type === "wait") candidates.push({ path: [...p, "duration"], value: rng.pick(["45s", "2m"]) });
      if (step.type === "http") {
        candidates.push({ path: [...p, "url"], value: "https://example.com/v2?x=1&y=2" });
        candidates.push({ path: [...p, "retries"], value: rng.pick([0, 5, undefined]) });
      }
    }
    const { path, value } = rng.pick(candidates);
    const { node, trail, throughAlias } = nodeAtPath(this.doc, path);
    const stage = path[0] === "stages" ? (path[1] as number) : undefined;
    const allowed = stage !== undefined ? [this.slots()[stage] as Region] : [topLevelRegion(this.text, this.doc, path[0] as string)];
    const exp = this.base({ op: "setField", path, value }, allowed);
    if (throughAlias) return { ...exp, refuse: /alias/ };
    // Values shared through anchors change every alias too; that is tested by the unit tests, not modelled here.
    const anchored = trail.some((n) => n && (n as { anchor?: string }).anchor);
    if (anchored) return undefined;
    const parent = nodeAtPath(this.doc, path.slice(0, -1));
    const pair = pairIn(parent.node, String(path[path.length - 1]));
    if (pair && (value === undefined || (node && !isScalar(node)))) {
      const region = pairRegion(this.text, pair);
      exp.removable.push(value === undefined ? region : [((pair.key as Node).range as number[])[1] as number, region[1]]);
    }
    return {
      ...exp,
      model: (raw) => {
        setAt(raw, path, clone(value));
        return raw;
      },
    };
  }

  groupParallel(): Expectation | undefined {
    const rng = this.rng;
    const runs: StepInfo[][] = [];
    const top = stepsOf(this.raw).filter((s) => !s.group);
    for (const step of top) {
      const run: StepInfo[] = [];
      for (let i = 0; i < 3; i++) {
        const item = top.find((s) => s.stage === step.stage && s.list === step.list && s.index === step.index + i);
        if (!item || item.isGroup) break;
        run.push(item);
      }
      if (run.length >= 2) runs.push(run.slice(0, 2 + rng.int(run.length - 1)));
    }
    if (runs.length === 0) return undefined;
    const run = rng.pick(runs);
    const first = run[0] as StepInfo;
    const groupId = this.newId("group");
    const ids = run.map((s) => s.id);
    if (rng.chance(0.3)) ids.reverse();
    const exp = this.base({ op: "groupParallel", stepIds: ids, groupId }, [this.slots()[first.stage] as Region]);
    return {
      ...exp,
      model: (raw) => {
        const list = raw.stages[first.stage][first.list];
        const items = list.splice(first.index, run.length);
        list.splice(first.index, 0, { id: groupId, type: "parallel", steps: items });
        return raw;
      },
    };
  }

  ungroupParallel(): Expectation | undefined {
    const groups = stepsOf(this.raw).filter((s) => s.isGroup);
    if (groups.length === 0) return undefined;
    const group = this.rng.pick(groups);
    const exp = this.base({ op: "ungroupParallel", groupId: group.id }, [this.slots()[group.stage] as Region]);
    const region = this.stepRegion(group);
    const seq = nodeAtPath(this.doc, group.path.slice(0, -1)).node as YAMLSeq;
    const head = seq.flow ? region[0] : lineStartOf(this.text, dashes(seq)[group.index] ?? region[0]);
    exp.removable.push([head, region[1]]);
    for (const child of stepsOf(this.raw).filter((s) => s.group?.id === group.id)) exp.keep.push(this.stepRegion(child));
    return {
      ...exp,
      model: (raw) => {
        const list = raw.stages[group.stage][group.list];
        list.splice(group.index, 1, ...list[group.index].steps);
        return raw;
      },
    };
  }
}

/** A comment line typed above a random stage (what a user might do in the text editor). */
function typeInto(text: string, rng: Rng, n: number): string {
  const doc = parseDocument(text, { keepSourceTokens: true });
  const seq = nodeAtPath(doc, ["stages"]).node;
  if (!isSeq(seq) || seq.flow) return text;
  const dash = rng.pick(dashes(seq));
  if (dash === undefined) return text;
  const start = lineStartOf(text, dash);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  return `${text.slice(0, start)}${" ".repeat(dash - start)}# typed ${n}${eol}${text.slice(start)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Invariants

let incrementalParses = 0;

const inside = (regions: Region[], offset: number) => regions.some(([a, b]) => offset >= a && offset < b);

function checkInvariants(before: string, exp: Expectation, result: EditResult, doc: Document): string | undefined {
  if (!result.ok) {
    // An edit that must be refused (a cycle) may be refused first for another allowed reason (an anchor).
    if ([exp.refuse, exp.mayRefuse].some((allowed) => allowed?.test(result.error))) return undefined;
    return `refused: ${result.error}`;
  }
  if (exp.refuse) return `expected a refusal matching ${exp.refuse}, but the edit was applied`;
  const after = result.text;

  // 1. Parses, with no problem the edit could not have caused.
  const parsed = parsePipelineYaml(after);
  // Problems the document already had (e.g. after a move that left an expression without its environment)
  // may stay, reworded; new kinds of problems may not.
  const existing = new Map<string, number>();
  for (const p of parsePipelineYaml(before).problems) existing.set(p.code, (existing.get(p.code) ?? 0) + 1);
  const unexpected = parsed.problems.filter((p) => {
    if (p.code === "yaml-syntax") return true;
    if ((exp.mayCause ?? []).includes(p.code)) return false;
    const left = existing.get(p.code) ?? 0;
    existing.set(p.code, left - 1);
    return left <= 0;
  });
  if (unexpected.length > 0) {
    return `problems after the edit: ${unexpected.map((p) => `${p.range.start.line}:${p.range.start.column} ${p.code} ${p.message}`).join("; ")}`;
  }

  // 2. Intended effect.
  if (exp.model) {
    const want = exp.model(clone(doc.toJS()));
    const got = parseDocument(after).toJS();
    try {
      expect(got).toEqual(want);
    } catch {
      return `data differs from the model:\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(got)}`;
    }
  }

  // 3. Byte identity outside the changes, and changes inside the edited node.
  let rebuilt = "";
  let at = 0;
  for (const change of result.changes) {
    if (change.start < at || change.end < change.start) return `changes overlap or are unsorted: ${JSON.stringify(result.changes)}`;
    rebuilt += before.slice(at, change.start) + change.text;
    at = change.end;
  }
  rebuilt += before.slice(at);
  if (rebuilt !== after) return "the changes do not rebuild the result from the original";
  const { start, end } = result.changed;
  const tail = after.length - end;
  if (before.slice(0, start) !== after.slice(0, start) || before.slice(before.length - tail) !== after.slice(end)) {
    return `text outside changed ${JSON.stringify(result.changed)} differs`;
  }
  // Removing the last line of a document without a final line break takes the line break before it instead.
  const unterminated = !before.endsWith("\n");
  const slack = (a: number, change: { end: number }) =>
    unterminated && change.end === before.length ? a - (before[a - 2] === "\r" ? 2 : 1) : a;
  for (const change of result.changes) {
    if (!exp.allowed.some(([a, b]) => change.start >= slack(a, change) && change.end <= b)) {
      return `change ${JSON.stringify(change)} (old text ${JSON.stringify(before.slice(change.start, change.end))}) is outside the edited node(s) ${JSON.stringify(exp.allowed)}`;
    }
  }

  // 4. Comments that did not belong to a removed node survive, in order.
  const removable = (offset: number) => inside(exp.removable, offset) && !inside(exp.keep, offset);
  const original = commentsOf(before);
  const result4 = commentsOf(after).map((c) => c.source);
  const ordered = original.filter((c) => !removable(c.offset) && !inside(exp.moved, c.offset)).map((c) => c.source);
  let cursor = 0;
  for (const comment of ordered) {
    const found = result4.indexOf(comment, cursor);
    if (found === -1) return `comment lost or out of order: ${JSON.stringify(comment)}`;
    cursor = found + 1;
  }
  const movedComments = original.filter((c) => inside(exp.moved, c.offset) && !removable(c.offset)).map((c) => c.source);
  for (const comment of movedComments) if (!result4.includes(comment)) return `moved comment lost: ${JSON.stringify(comment)}`;

  // The parse kept for the next edit (often assembled incrementally) is the one a full parse gives.
  const kept = parseText(after);
  if (kept.incremental) {
    incrementalParses++;
    const difference = compareWithFullParse(kept);
    if (difference) return `incremental parse differs from a full parse: ${difference}`;
  }

  // And the graph view's helpers agree with the new text.
  const raw = parseDocument(after).toJS();
  for (const step of stepsOf(raw).slice(0, 3)) {
    const range = locateNode(after, { stepId: step.id });
    if (!range) return `locateNode lost step ${step.id}`;
    const at = nodeAtOffset(after, range.start);
    if (at?.stepId !== step.id) return `nodeAtOffset(${range.start}) is ${JSON.stringify(at)}, not step ${step.id}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------

describe("edit corpus", () => {
  it("has at least 30 documents", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus.map((doc) => [doc.name, doc.text] as const))("%s parses with no problems", (_, text) => {
    expect(parsePipelineYaml(text).problems).toEqual([]);
  });

  it("is commented throughout and covers the styles users write", () => {
    for (const doc of corpus) expect(commentsOf(doc.text).length, doc.name).toBeGreaterThanOrEqual(2);
    const count = (test: (text: string) => boolean) => corpus.filter((doc) => test(doc.text)).length;
    expect(count((t) => /^\s*- \{|: \{|: \[ *\{/m.test(t)), "flow-style steps or maps").toBeGreaterThanOrEqual(5);
    expect(count((t) => /(^|[\s[{,])&[\w-]+/.test(t)), "anchors").toBeGreaterThanOrEqual(2);
    expect(count((t) => /: '[^']*'/.test(t) && /: "[^"]*"/.test(t)), "single and double quotes").toBeGreaterThanOrEqual(2);
    expect(count((t) => /: [|>][-+]?( #.*)?\r?$/m.test(t)), "block scalars").toBeGreaterThanOrEqual(3);
  });

  it("keeps its CRLF and missing-final-newline documents byte exact", () => {
    expect(corpus.some((doc) => doc.text.includes("\r\n"))).toBe(true);
    expect(corpus.some((doc) => !doc.text.endsWith("\n"))).toBe(true);
  });
});

describe("random edit sequences", () => {
  it(`keep every invariant (seed ${SEED}, ${SEQUENCES} sequences of 1–${MAX_EDITS} edits)`, () => {
    const applied = new Map<string, number>();
    const refused = new Map<string, number>();
    let total = 0;
    for (let sequence = 0; sequence < SEQUENCES; sequence++) {
      const seed = (SEED + sequence * 0x9e3779b1) >>> 0;
      const rng = rngFrom(seed);
      const doc = rng.pick(corpus);
      let text = doc.text;
      const history: Edit[] = [];
      const count = 1 + rng.int(MAX_EDITS);
      for (let i = 0; i < count; i++) {
        if (rng.chance(0.2)) {
          // The user types in the YAML between two graph edits: the next input is new to the editor's cache.
          text = typeInto(text, rng, i);
          const typed = parseText(text);
          const difference = typed.incremental ? compareWithFullParse(typed) : undefined;
          if (typed.incremental) incrementalParses++;
          if (difference) throw new Error(`incremental parse of typed text differs: ${difference}\n${text}`);
        }
        const parsed = parseDocument(text, { keepSourceTokens: true });
        const raw = parsed.toJS();
        const exp = new Generator(rng, text, raw, parsed).next();
        const result = applyEdit(text, exp.edit);
        total++;
        const failure = checkInvariants(text, exp, result, parsed);
        if (failure) {
          throw new Error(
            [
              `invariant broken: ${failure}`,
              `reproduce: SLIPWAY_EDIT_SEED=${SEED} sequence ${sequence} (sequence seed ${seed}), document ${doc.name}`,
              `edits before: ${JSON.stringify(history)}`,
              `failing edit #${i + 1}: ${JSON.stringify(exp.edit)}`,
              "text before the failing edit:",
              text,
              ...(result.ok ? ["text after:", result.text] : []),
            ].join("\n"),
          );
        }
        history.push(exp.edit);
        const tally = result.ok ? applied : refused;
        tally.set(exp.edit.op, (tally.get(exp.edit.op) ?? 0) + 1);
        if (result.ok) text = result.text;
        else if (process.env.SLIPWAY_EDIT_VERBOSE) console.info(`refused ${exp.edit.op}: ${result.error}`);
      }
    }
    const refusals = [...refused.values()].reduce((a, b) => a + b, 0);
    console.info(
      `edit property test: seed ${SEED}, ${SEQUENCES} sequences, ${total} edits (${total - refusals} applied, ${refusals} refused as expected; ${incrementalParses} results parsed incrementally and checked against a full parse)`,
      Object.fromEntries(applied),
    );
    // Every kind of edit was really exercised, and refusals stayed the exception.
    for (const op of ["addStep", "removeStep", "moveStep", "addStage", "removeStage", "renameStage", "renameStep", "setNeeds", "connect", "disconnect", "setField", "groupParallel", "ungroupParallel"]) {
      expect(applied.get(op) ?? 0, op).toBeGreaterThanOrEqual(5);
    }
    expect(refusals / total).toBeLessThan(0.25);
    expect(incrementalParses).toBeGreaterThan(total / 4);
  }, 120_000);
});
