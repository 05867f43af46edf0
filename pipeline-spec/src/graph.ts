/**
 * The stage DAG. `needs` omitted means "after the previous stage" (Harness-like serial pipelines), `needs: []`
 * means "at once", a list means "after those". `buildStageGraph` is what the engine and the graph view use;
 * `checkStageGraph` reports what would make the graph unusable, in the order of workflow-kit's checks: duplicate
 * ids, unknown needs, self needs, cycles, then stages that can never run because of one of those.
 */
import type { Locator } from "./locate";
import type { Path, Problem, ProblemCode, Range } from "./problem";
import type { PipelineSpec, Stage } from "./schema";
import { didYouMean } from "./suggest";
import { shortestCycle, stronglyConnected } from "./graph-algorithms";

export type StageGraph = {
  /** Stage ids in an order that respects `needs`: wave by wave, document order within a wave. */
  order: string[];
  /** Effective needs of each stage, after applying "omitted = the previous stage". */
  deps: Map<string, string[]>;
  /** Stages that can start as soon as the execution starts. */
  roots: string[];
};

/** The needs of the stage at `index`, with the serial default applied. */
export function effectiveNeeds(stages: readonly Stage[], index: number): string[] {
  const stage = stages[index];
  if (!stage) return [];
  if (stage.needs) return [...stage.needs];
  const previous = stages[index - 1];
  return previous ? [previous.id] : [];
}

export function buildStageGraph(spec: PipelineSpec): StageGraph {
  const deps = new Map<string, string[]>();
  const position = new Map<string, number>();
  spec.stages.forEach((stage, index) => {
    if (deps.has(stage.id)) return; // duplicates are reported by checkStageGraph; the first one wins here
    deps.set(stage.id, effectiveNeeds(spec.stages, index));
    position.set(stage.id, index);
  });
  const roots = [...deps].filter(([, needs]) => needs.length === 0).map(([id]) => id);
  const dependents = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const [id, needs] of deps) {
    const known = [...new Set(needs)].filter((need) => deps.has(need) && need !== id);
    waiting.set(id, needs.length === known.length ? known.length : Infinity); // unknown needs never resolve
    for (const need of known) push(dependents, need, id);
  }
  // Kahn's algorithm in waves; stages in or behind a cycle never reach zero and are left out of `order`.
  const order: string[] = [];
  let wave = roots.filter((id) => waiting.get(id) === 0);
  while (wave.length > 0) {
    order.push(...wave);
    const next: string[] = [];
    for (const id of wave) {
      for (const dependent of dependents.get(id) ?? []) {
        const left = (waiting.get(dependent) ?? 0) - 1;
        waiting.set(dependent, left);
        if (left === 0) next.push(dependent);
      }
    }
    wave = next.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
  }
  return { order, deps, roots };
}

export function checkStageGraph(spec: PipelineSpec, locator: Locator): Problem[] {
  return [
    ...checkDuplicateIds(spec, locator),
    ...checkUnknownNeeds(spec, locator),
    ...checkSelfNeeds(spec, locator),
    ...checkCycles(spec, locator),
    ...checkUnreachable(spec, locator),
  ];
}

const problem = (code: ProblemCode, message: string, path: Path, range: Range): Problem => ({
  code,
  message,
  path,
  severity: "error",
  range,
});

/** Stage ids, step ids (all stages, rollback steps, parallel groups and their steps) and variable names. */
export function checkDuplicateIds(spec: PipelineSpec, locator: Locator): Problem[] {
  const problems: Problem[] = [];
  const scopes = new Map<string, Map<string, Path>>();
  const claim = (kind: string, id: string, path: Path) => {
    const seen = scopes.get(kind) ?? new Map<string, Path>();
    scopes.set(kind, seen);
    const first = seen.get(id);
    if (!first) return void seen.set(id, path);
    const line = locator.value(first).start.line;
    problems.push(
      problem("duplicate-id", `duplicate ${kind} "${id}" (first defined at line ${line})`, path, locator.value(path)),
    );
  };
  spec.variables?.forEach((variable, i) => claim("variable", variable.name, ["variables", i, "name"]));
  spec.stages.forEach((stage, i) => claim("stage id", stage.id, ["stages", i, "id"]));
  spec.stages.forEach((stage, i) => {
    for (const list of ["steps", "rollbackSteps"] as const) {
      stage[list]?.forEach((item, j) => {
        claim("step id", item.id, ["stages", i, list, j, "id"]);
        if (item.type !== "parallel") return;
        item.steps.forEach((step, k) => claim("step id", step.id, ["stages", i, list, j, "steps", k, "id"]));
      });
    }
  });
  return problems;
}

export function checkUnknownNeeds(spec: PipelineSpec, locator: Locator): Problem[] {
  const ids = new Set(spec.stages.map((stage) => stage.id));
  return spec.stages.flatMap((stage, i) =>
    (stage.needs ?? []).flatMap((need, j) => {
      if (ids.has(need)) return [];
      const path: Path = ["stages", i, "needs", j];
      const message = `stage "${stage.id}" needs unknown stage "${need}"${didYouMean(need, ids)}`;
      return [problem("unknown-need", message, path, locator.value(path))];
    }),
  );
}

export function checkSelfNeeds(spec: PipelineSpec, locator: Locator): Problem[] {
  return spec.stages.flatMap((stage, i) =>
    (stage.needs ?? []).flatMap((need, j) => {
      if (need !== stage.id) return [];
      const path: Path = ["stages", i, "needs", j];
      return [problem("cycle", `stage "${stage.id}" cannot need itself`, path, locator.value(path))];
    }),
  );
}

/** Beyond this many stages in one cycle, the others share the first stage's cycle instead of getting their own. */
const DETAILED_CYCLE_MEMBERS = 20;

/** Each stage in a cycle gets the shortest cycle through it, at the `needs` entry that starts it. */
export function checkCycles(spec: PipelineSpec, locator: Locator): Problem[] {
  const { edges } = needEdges(spec);
  const problems: Problem[] = [];
  for (const component of stronglyConnected(edges)) {
    if (component.length < 2) continue;
    const members = new Set(component);
    let shared: string[] | undefined;
    component.forEach((start, i) => {
      // A shortest cycle costs a breadth-first search; a pasted thousand-stage loop must stay cheap.
      const cycle =
        i < DETAILED_CYCLE_MEMBERS
          ? shortestCycle(start, edges, members)
          : (shared ??= shortestCycle(component[0] as string, edges, members));
      const next =
        cycle[0] === start ? (cycle[1] as string) : ((edges.get(start) ?? []).find((n) => members.has(n)) as string);
      const message = `needs form a cycle: ${showCycle(cycle)} (each stage waits for the next one)`;
      const [path, range] = needLocation(spec, locator, start, next);
      problems.push(problem("cycle", message, path, range));
    });
  }
  return problems;
}

function showCycle(cycle: string[]): string {
  if (cycle.length <= 12) return cycle.join(" → ");
  return [...cycle.slice(0, 5), "…", ...cycle.slice(-5)].join(" → ") + ` (${cycle.length - 1} stages)`;
}

/** Stages that wait, directly or not, for a stage in a cycle, needing itself, or needing an unknown stage. */
export function checkUnreachable(spec: PipelineSpec, locator: Locator): Problem[] {
  const { edges, ids } = needEdges(spec);
  const reason = new Map<string, string>();
  for (const component of stronglyConnected(edges)) {
    if (component.length > 1) for (const id of component) reason.set(id, "is in a cycle");
  }
  spec.stages.forEach((stage) => {
    if (reason.has(stage.id)) return;
    if (stage.needs?.includes(stage.id)) reason.set(stage.id, "needs itself");
    else if (stage.needs?.some((need) => !ids.has(need))) reason.set(stage.id, "needs an unknown stage");
  });
  // Spread "blocked" from the broken stages to everything that waits for them, each stage once.
  const dependents = new Map<string, string[]>();
  for (const [id, needs] of edges) for (const need of needs) push(dependents, need, id);
  const blocked = new Set(reason.keys());
  const queue = [...blocked];
  for (let head = 0; head < queue.length; head++) {
    for (const dependent of dependents.get(queue[head] as string) ?? []) {
      if (blocked.has(dependent)) continue;
      blocked.add(dependent);
      queue.push(dependent);
    }
  }
  const problems: Problem[] = [];
  for (const [id, needs] of edges) {
    if (!blocked.has(id) || reason.has(id)) continue;
    const culprit = needs.find((need) => blocked.has(need)) as string;
    const why = reason.get(culprit) ?? "can never run either";
    const [path, range] = needLocation(spec, locator, id, culprit);
    problems.push(
      problem("unreachable", `stage "${id}" can never run: it waits for "${culprit}", which ${why}`, path, range),
    );
  }
  return problems;
}

/** Edges stage → the known stages it effectively needs (self needs left out: they are reported on their own). */
function needEdges(spec: PipelineSpec): { edges: Map<string, string[]>; ids: Set<string> } {
  const ids = new Set(spec.stages.map((stage) => stage.id));
  const edges = new Map<string, string[]>();
  spec.stages.forEach((stage, index) => {
    if (edges.has(stage.id)) return;
    const needs = effectiveNeeds(spec.stages, index).filter((need) => ids.has(need) && need !== stage.id);
    edges.set(stage.id, [...new Set(needs)]);
  });
  return { edges, ids };
}

/** Where stage `id` says it needs `need`: the list entry, or the stage id when the need is the implicit one. */
function needLocation(spec: PipelineSpec, locator: Locator, id: string, need: string): [Path, Range] {
  const index = firstIndexOf(spec).get(id) ?? -1;
  const entry = spec.stages[index]?.needs?.indexOf(need) ?? -1;
  const path: Path = entry >= 0 ? ["stages", index, "needs", entry] : ["stages", index, "id"];
  return [path, locator.value(path)];
}

const firstIndexes = new WeakMap<PipelineSpec, Map<string, number>>();

/** Stage id → index of its first definition, computed once per spec. */
function firstIndexOf(spec: PipelineSpec): Map<string, number> {
  let map = firstIndexes.get(spec);
  if (!map) {
    map = new Map();
    for (const [i, stage] of spec.stages.entries()) if (!map.has(stage.id)) map.set(stage.id, i);
    firstIndexes.set(spec, map);
  }
  return map;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
