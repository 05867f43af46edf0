/**
 * How long one structural edit takes on a big pipeline (50 stages × 10 steps = 500 steps, comments and block
 * scripts everywhere). Not a test: run `npx tsx pipeline-spec/src/edit/bench-edit.ts` and read p50/p95.
 *
 * Three situations are measured, next to the cost of one full yaml parse of the same text:
 *  - chained: the graph editor's case — each edit starts from the previous result, which applyEdit has already
 *    parsed (incrementally, stage by stage) to check it;
 *  - typed in a stage: the user edited the YAML inside a stage in between, so the input is new, but it differs
 *    from the last parsed text in one place and is re-parsed from it incrementally;
 *  - typed in the header: the change is above the stage list, so the input is parsed in full.
 */
import { parseDocument } from "yaml";
import { applyEdit } from "./apply";
import type { Edit } from "./types";

const STAGES = 50;
const STEPS_PER_STAGE = 10;

function bigPipeline(): string {
  const lines = [
    "# A generated pipeline for the edit benchmark.",
    "apiVersion: slipway/v1",
    "kind: Pipeline",
    "name: Benchmark",
    "",
    "variables:",
    "  - name: version",
    "    type: string",
    '    default: "1.0.0"',
    "",
    "stages:",
  ];
  for (let s = 0; s < STAGES; s++) {
    lines.push(`  # Stage ${s}: builds and checks part ${s}.`, `  - id: stage-${s}`, `    name: Stage ${s}`);
    if (s % 5 === 0 && s > 0) lines.push(`    needs: [stage-${s - 1}, stage-${s - 5}]`);
    lines.push("    steps:");
    for (let i = 0; i < STEPS_PER_STAGE; i++) {
      const id = `step-${s}-${i}`;
      if (i % 3 === 0) {
        lines.push(
          `      # ${id} compiles`,
          `      - id: ${id}`,
          "        type: shell",
          "        timeout: 10m # generous",
          "        env:",
          "          LOG_LEVEL: info",
          "        script: |",
          `          echo "building part ${s}.${i} <+pipeline.variables.version>"`,
          "          make all",
        );
      } else if (i % 3 === 1) {
        lines.push(`      - { id: ${id}, type: wait, duration: 1s }`);
      } else {
        lines.push(`      - id: ${id}`, "        type: http", "        url: https://example.com/health", "        retries: 2");
      }
    }
    lines.push("");
  }
  return lines.join("\n");
}

function edits(round: number): Edit[] {
  const s = (round * 7) % STAGES;
  const t = (s + 13) % STAGES;
  return [
    { op: "addStep", stageId: `stage-${s}`, index: 3, step: { id: `new-${round}`, type: "shell", script: "make\nmake test\n" } },
    { op: "setField", path: ["stages", t, "steps", 0, "timeout"], value: `${round + 1}m` },
    { op: "renameStep", stepId: `step-${t}-2`, newId: `renamed-${round}` },
    { op: "moveStep", stepId: `step-${t}-4`, toStageId: `stage-${s}`, index: 0 },
    { op: "connect", from: `stage-${Math.min(s, t)}`, to: `stage-${Math.max(s, t)}` },
    { op: "renameStage", stageId: `stage-${s}`, newId: `stage-${s}-x${round}` },
    { op: "groupParallel", stepIds: [`step-${t}-5`, `step-${t}-6`], groupId: `group-${round}` },
    { op: "removeStep", stepId: `step-${t}-7` },
  ];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

function report(label: string, timings: Map<string, number[]>): void {
  const all = [...timings.values()].flat().sort((a, b) => a - b);
  console.log(`\n${label}: ${all.length} edits, p50 ${percentile(all, 50).toFixed(1)} ms, p95 ${percentile(all, 95).toFixed(1)} ms`);
  for (const [op, list] of timings) {
    const sorted = [...list].sort((a, b) => a - b);
    console.log(`  ${op.padEnd(14)} p50 ${percentile(sorted, 50).toFixed(1).padStart(6)} ms   p95 ${percentile(sorted, 95).toFixed(1).padStart(6)} ms`);
  }
}

type Mode = "chained" | "typed in a stage" | "typed in the header";

function run(rounds: number, mode: Mode): Map<string, number[]> {
  const timings = new Map<string, number[]>();
  let text = bigPipeline();
  let typed = 0;
  for (let round = 0; round < rounds; round++) {
    for (const edit of edits(round)) {
      // The user typed in the YAML since the last edit, so the edit gets a text it has never parsed.
      typed++;
      if (mode === "typed in a stage") {
        const stage = (round * 11 + typed) % STAGES;
        text = text.replace(new RegExp(`^  # Stage ${stage}: .*$`, "m"), `  # Stage ${stage}: typed ${typed}.`);
      } else if (mode === "typed in the header") {
        text = text.replace(/^# A generated pipeline.*$/m, `# A generated pipeline for the edit benchmark (${typed}).`);
      }
      const start = performance.now();
      const result = applyEdit(text, edit);
      const elapsed = performance.now() - start;
      if (!result.ok) throw new Error(`${edit.op} failed: ${result.error}`);
      text = result.text;
      timings.set(edit.op, [...(timings.get(edit.op) ?? []), elapsed]);
    }
  }
  return timings;
}

/** The floor: one parse of the same text by the yaml package (an edit parses its result once, to check it). */
function baseline(rounds: number): Map<string, number[]> {
  const text = bigPipeline();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    parseDocument(`${text}# ${i}\n`, { keepSourceTokens: true });
    times.push(performance.now() - start);
  }
  return new Map([["parseDocument", times]]);
}

const text = bigPipeline();
console.log(`pipeline: ${STAGES} stages, ${STAGES * STEPS_PER_STAGE} steps, ${text.split("\n").length} lines, ${(text.length / 1024).toFixed(0)} KiB`);
run(3, "chained"); // warm up the JIT
baseline(10);
report("baseline: one yaml parseDocument of the text", baseline(40));
report("chained: each edit on the previous result (the graph editor's case)", run(10, "chained"));
report("after typing inside a stage: the input is re-parsed from the last one, stage by stage", run(10, "typed in a stage"));
report("after typing above the stages: the input is parsed in full", run(10, "typed in the header"));
