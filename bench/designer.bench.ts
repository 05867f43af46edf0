/**
 * The designer's two directions on big documents, as the browser runs them (same modules, in Node):
 *   YAML → graph   parsePipelineYaml + document index + specToGraph + layoutGraph (elkjs), what runs after a
 *                  pause in typing: after a structural edit (the stage layout is computed) and after a field
 *                  edit (same stages and needs: elk's last answer is reused);
 *   graph → YAML   applyEdit of one graph/inspector gesture (add, set a field, connect, rename, move, remove),
 *                  on text the engine parsed last ("chained") and on text just typed in ("afterTyping");
 *   open 1 MB      parse + graph + first layout of a ~1 MB pipeline (MAX_PIPELINE_BYTES is 2 MB).
 * Goals (issue 4): ≤ 100 ms, ≤ 50 ms, ≤ 1 s. Run: npx tsx bench/designer.bench.ts [steps] [runs]
 * Prints one JSON line (`designer`); no pass/fail (shared machines are noisy). Each figure has wall time (`…Ms`)
 * and this process's CPU time (`…CpuMs`, user + system of all its threads, so GC threads can push it above the
 * wall time): on a machine shared with other work the wall time includes waiting for a core — compare `load`
 * (1-minute load average) with `cores`.
 */
import os from "node:os";
import { applyEdit, parsePipelineYaml, type Edit } from "@slipway/pipeline-spec";
import { layoutGraph } from "../components/editor/graph/layout";
import { specToGraph } from "../components/editor/graph/spec-to-flow";
import { indexDocument } from "../components/editor/store/doc-index";
import { generatePipelineYaml } from "./generate-pipeline";
import { report, round, summary } from "./lib";

const steps = Number(process.argv[2] ?? 500);
const runs = Number(process.argv[3] ?? 30);
const fmt = (v: number[]) => Object.fromEntries(Object.entries(summary(v)).map(([k, x]) => [k, round(x)]));

/** Wall and CPU milliseconds of one call (CPU: user + system time of this process, all its threads). */
async function timed<T>(f: () => T | Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1000 };
}

async function yamlToGraph(yaml: string) {
  const parsed = await timed(() => {
    const result = parsePipelineYaml(yaml);
    if (!result.ok) throw new Error(`generated pipeline invalid: ${result.problems[0]?.message}`);
    indexDocument(result.document); // the editor store indexes the document on every parse
    return result.spec;
  });
  const graph = await timed(async () => layoutGraph(specToGraph(parsed.value)));
  return { parse: parsed.wall, graph: graph.wall, total: parsed.wall + graph.wall, cpu: parsed.cpu + graph.cpu, nodes: graph.value.nodes.length };
}

/**
 * Runs over `variant(i)`: after a structural edit (a stage more: the stage layout is computed again) or after a
 * field edit (same stages and needs: the layout's stage positions are reused, see layout.ts).
 */
async function measureYamlToGraph(variant: (i: number) => string, n: number) {
  const parse: number[] = [];
  const graph: number[] = [];
  const total: number[] = [];
  const cpu: number[] = [];
  let nodes = 0;
  for (let i = 0; i < n + 3; i++) {
    const r = await yamlToGraph(variant(i));
    nodes = r.nodes;
    if (i < 3) continue; // warm-up (JIT)
    parse.push(r.parse);
    graph.push(r.graph);
    total.push(r.total);
    cpu.push(r.cpu);
  }
  return { nodes, parseMs: fmt(parse), graphAndLayoutMs: fmt(graph), totalMs: fmt(total), cpuMs: fmt(cpu) };
}

/** The text with one stage more at the end: a different stage DAG for every i. */
const withExtraStage = (yaml: string, i: number) => `${yaml}  - id: extra-${i}\n    steps:\n      - id: extra-${i}-0\n        type: wait\n        duration: 1s\n`;
/** The text with one script changed: the same stage DAG for every i. */
const withEditedScript = (yaml: string, i: number) => yaml.replace("          make build\n", `          make build-${i}\n`);

/** One gesture of each kind, somewhere in the middle of the document. */
function gestures(stages: number): Edit[] {
  const mid = Math.floor(stages / 2);
  return [
    { op: "addStep", stageId: `stage-${mid}`, index: 3, step: { id: "added", type: "shell", script: "echo added" } },
    { op: "setField", path: ["stages", mid, "steps", 2, "timeout"], value: "10m" },
    { op: "connect", from: `stage-${mid - 2}`, to: `stage-${mid}` },
    { op: "renameStep", stepId: `s${mid}-1`, newId: "renamed" },
    { op: "moveStep", stepId: `s${mid}-0`, toStageId: `stage-${mid + 1}`, index: 0 },
    { op: "removeStep", stepId: `s${mid}-5` },
  ];
}

/**
 * "chained": each gesture applies to the text the previous one produced (the designer's normal case: the engine
 * has parsed that text already). "after typing": the text differs from the last one seen by a keystroke.
 */
async function measureEdits(yaml: string, stages: number, n: number) {
  const out: Record<string, unknown> = {};
  for (const edit of gestures(stages)) {
    const chained: number[] = [];
    const chainedCpu: number[] = [];
    const typed: number[] = [];
    const typedCpu: number[] = [];
    for (let i = 0; i < n + 3; i++) {
      applyEdit(yaml, { op: "setField", path: ["name"], value: `Generated ${i}` }); // the previous gesture
      const a = await timed(() => applyEdit(yaml, edit));
      if (!a.value.ok) throw new Error(`${edit.op}: ${a.value.error}`);
      const typedText = `${yaml}# typed ${i}\n`;
      const b = await timed(() => applyEdit(typedText, edit));
      if (i < 3) continue;
      chained.push(a.wall);
      chainedCpu.push(a.cpu);
      typed.push(b.wall);
      typedCpu.push(b.cpu);
    }
    out[edit.op] = { chainedMs: fmt(chained), chainedCpuMs: fmt(chainedCpu), afterTypingMs: fmt(typed), afterTypingCpuMs: fmt(typedCpu) };
  }
  return out;
}

const yaml500 = generatePipelineYaml(steps);
const stages500 = Math.ceil(steps / 10);
const afterStructuralEdit = await measureYamlToGraph((i) => withExtraStage(yaml500, i), runs);
const afterFieldEdit = await measureYamlToGraph((i) => withEditedScript(yaml500, i), runs);
const editToYaml500 = await measureEdits(yaml500, stages500, runs);

// ~1 MB: the same generator, scaled until the text just passes 1 MiB; every run is a first layout.
let bigSteps = Math.floor((steps * 1024 * 1024) / yaml500.length);
let big = generatePipelineYaml(bigSteps);
while (big.length < 1024 * 1024) big = generatePipelineYaml((bigSteps += 10));
const open = await measureYamlToGraph((i) => withExtraStage(big, i), Math.max(3, Math.floor(runs / 6)));

report("designer", {
  cores: os.cpus().length,
  load: round(os.loadavg()[0] ?? 0, 2),
  yamlToGraph: { steps, bytes: yaml500.length, runs, afterStructuralEdit, afterFieldEdit },
  graphEditToYaml: { steps, bytes: yaml500.length, runs, ...editToYaml500 },
  open1MB: { steps: bigSteps, bytes: big.length, ...open },
  rssMB: round(process.memoryUsage().rss / 1e6),
});
