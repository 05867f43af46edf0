/**
 * Parse + validate + graph layout for a generated 500-step pipeline, the work the editor does after each pause in
 * typing (and the server does on save, minus layout). Run: npx tsx bench/pipeline-500.bench.ts [steps] [runs]
 */
import { parsePipelineYaml } from "@slipway/pipeline-spec";
import { layoutGraph } from "../components/editor/graph/layout";
import { specToGraph } from "../components/editor/graph/spec-to-flow";
import { generatePipelineYaml } from "./generate-pipeline";
import { report, round, summary } from "./lib";

const steps = Number(process.argv[2] ?? 500);
const runs = Number(process.argv[3] ?? 30);
const yaml = generatePipelineYaml(steps);
const parse: number[] = [];
const layout: number[] = [];
const total: number[] = [];
for (let i = 0; i < runs + 3; i++) {
  const t0 = performance.now();
  const result = parsePipelineYaml(yaml);
  if (!result.ok) throw new Error(`generated pipeline invalid: ${result.problems[0]?.message}`);
  const t1 = performance.now();
  await layoutGraph(specToGraph(result.spec));
  const t2 = performance.now();
  if (i < 3) continue; // warm-up
  parse.push(t1 - t0);
  layout.push(t2 - t1);
  total.push(t2 - t0);
}
const fmt = (v: number[]) => Object.fromEntries(Object.entries(summary(v)).map(([k, x]) => [k, round(x)]));
report("pipeline-parse-validate-layout", { steps, bytes: yaml.length, runs, parseMs: fmt(parse), layoutMs: fmt(layout), totalMs: fmt(total), rssMB: round(process.memoryUsage().rss / 1e6) });
