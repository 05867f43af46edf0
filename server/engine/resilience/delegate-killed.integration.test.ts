/**
 * A delegate process killed with SIGKILL in the middle of a step, with a second delegate (same tags) standing by.
 * Real processes: one studio (`next start`), two delegates (the built bundle), bash steps keeping a ledger.
 *
 * What must happen: the killed delegate's whole process group dies with it (its watchdog), the studio notices when
 * the task's lease runs out, and then the step's failure strategy decides — FAILED without one, a new attempt on
 * the surviving delegate with `retry`. Never two attempts running at the same time.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "~/test-support/db";
import {
  checkNumberedLog,
  createLabDatabase,
  createLabPipeline,
  createLabToken,
  createLedger,
  numberedStepScript,
  readChunks,
  readRun,
  seedLab,
  startDelegate,
  startLabRun,
  startStudio,
  TERMINAL,
  until,
  yamlBlock,
  type Lab,
  type LabDatabase,
  type LabDelegate,
  type Ledger,
  type Studio,
} from "~/test-support/process-lab";
import { DELEGATE_TIMINGS } from "../../delegates/timings";

useTestDatabase(); // the test run's environment (secrets key), though this file works in its own database

const TAG = "lab-kill";
const LINES = 40; // one line every 0.5 s: ~20 s of work
/** The bound: from the kill to the step failed (or its retry running). */
const DETECTION_BOUND_MS = 45_000;

let labDb: LabDatabase;
let lab: Lab;
let studio: Studio;
let token: string;
const delegates: LabDelegate[] = [];
const ledgers: Ledger[] = [];

beforeAll(async () => {
  labDb = await createLabDatabase();
  lab = await seedLab(labDb.db);
  studio = await startStudio({ databaseUrl: labDb.url });
  token = await createLabToken(lab);
}, 15 * 60_000);

afterAll(async () => {
  await Promise.all(delegates.map((d) => d.kill("SIGKILL")));
  await studio?.stop();
  await labDb?.drop();
  for (const l of ledgers) l.remove();
});

function pipelineYaml(ledger: Ledger, onFailure: string | null, tag: string) {
  return [
    "apiVersion: slipway/v1",
    "kind: Pipeline",
    `name: Kill a delegate ${Math.random().toString(36).slice(2, 8)}`,
    "stages:",
    "  - id: main",
    `    selectors: [${tag}]`,
    "    steps:",
    "      - id: long",
    "        type: shell",
    ...(onFailure ? [`        onFailure: ${onFailure}`] : []),
    "        script: |",
    yamlBlock(numberedStepScript({ ledger: ledger.file, stepId: "long", count: LINES, every: 1, pauseSeconds: 0.5, canary: true }), 10),
  ].join("\n");
}

/** Whether `pid` is still a live (non-zombie) process. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Two delegates with the same tags, both connected (stream open) before the run starts. */
async function twoDelegates(suffix: string, tag: string) {
  const pair = await Promise.all([1, 2].map((i) => startDelegate({ url: studio.baseUrl, token, name: `kill-${suffix}-${i}`, tags: [tag], maxTasks: 2 })));
  delegates.push(...pair);
  await until(
    "both delegates connected with their streams open",
    async () => (await lab.db.delegate.count({ where: { name: { in: pair.map((d) => d.name) }, status: "CONNECTED", streamOpen: true } })) === 2,
    { timeoutMs: 30_000, diagnostics: () => pair.map((d) => `--- ${d.name}\n${d.output().slice(-2000)}`).join("\n") },
  );
  return pair;
}

/** Starts the run, waits for the step to be well under way, kills the delegate running it. */
async function runAndKill(onFailure: string | null, suffix: string) {
  const ledger = createLedger();
  ledgers.push(ledger);
  // Tags of this test only: the delegates of the other test (still running) must not take its step.
  const tag = `${TAG}-${suffix}`;
  const pair = await twoDelegates(suffix, tag);
  const pipelineId = await createLabPipeline(lab, pipelineYaml(ledger, onFailure, tag));
  const run = await startLabRun(lab, pipelineId);

  // The ledger's start line names the delegate process (the script's parent) and the attempt (its task folder).
  const start = await until("the step to start on a delegate", () => ledger.starts("long")[0], { timeoutMs: 30_000 });
  const victim = pair.find((d) => d.pid === start.ppid);
  const survivor = pair.find((d) => d.pid !== start.ppid)!;
  expect(victim, `the step's parent pid ${start.ppid} is one of our delegates`).toBeDefined();
  const first = await lab.db.stepRun.findUniqueOrThrow({ where: { id: start.taskId }, include: { delegate: true } });
  expect(first.attempt).toBe(1);
  expect(first.delegate?.name).toBe(victim!.name);
  const canary = await until("the step's canary sleep", () => ledger.read().find((e) => e.kind === "canary" && e.marker === start.marker));
  // A few lines in: the step is mid-work, its lease renewed at least once or not, either way.
  await until("a few lines printed", () => ledger.read().some((e) => e.kind === "tick" && e.marker === start.marker && e.n >= 6), { timeoutMs: 20_000 });
  expect(alive(canary.pid)).toBe(true);

  await victim!.kill("SIGKILL");
  const killedAt = Date.now();

  // The watchdog notices within ~0.5 s and kills the group: the canary (a background sleep) and the script.
  await until("the killed delegate's process group to be gone", () => !alive(canary.pid) && !alive(start.pid), { timeoutMs: 10_000, intervalMs: 20 });
  const groupGoneAt = Date.now();
  const failed = await until(
    "attempt 1 to fail",
    async () => {
      const s = await lab.db.stepRun.findUniqueOrThrow({ where: { id: start.taskId } });
      return s.status === "FAILED" ? s : null;
    },
    { timeoutMs: DETECTION_BOUND_MS + 5_000, intervalMs: 200 },
  );
  const detectionMs = failed.finishedAt!.getTime() - killedAt;
  return { ledger, run, start, canary, victim: victim!, survivor, killedAt, groupGoneAt, failed, detectionMs };
}

describe("a delegate killed mid-step (SIGKILL), a second delegate standing by", () => {
  it("without a retry policy: the killed delegate's process group dies at once, the step is FAILED within 45 s, and nothing runs it again", async () => {
    const r = await runAndKill(null, "fail");
    console.log(JSON.stringify({ test: "delegate-killed/fail", detectionMs: r.detectionMs, groupGoneAfterMs: r.groupGoneAt - r.killedAt, leaseTtlMs: DELEGATE_TIMINGS.leaseTtlMs }));
    expect(r.detectionMs).toBeLessThanOrEqual(DETECTION_BOUND_MS);
    expect(r.failed.message).toMatch(/stopped responding/);
    const exec = await until("the execution to end", async () => {
      const e = await readRun(lab.db, r.run.id);
      return TERMINAL.includes(e.status) ? e : null;
    });
    expect(exec.status).toBe("FAILED");
    expect(exec.steps.map((s) => [s.stepId, s.attempt, s.status])).toEqual([["long", 1, "FAILED"]]);
    // The ledger: it started once, never finished (killed), and printed nothing after the group was killed.
    const entries = r.ledger.read();
    expect(entries.filter((e) => e.kind === "start")).toHaveLength(1);
    expect(entries.filter((e) => e.kind === "end")).toHaveLength(0);
    expect(Math.max(...entries.filter((e) => e.kind === "tick").map((e) => e.at))).toBeLessThan(r.groupGoneAt);
    // The survivor is alive and ran nothing of this step.
    expect(r.survivor.running).toBe(true);
  });

  it("with `retry` (2 retries, 1 s backoff): the retry runs on the OTHER delegate, and starts only after the killed attempt's process group is gone", async () => {
    const r = await runAndKill("{ action: retry, retries: 2, backoff: 1s }", "retry");
    const second = await until("attempt 2 to start on a delegate (ledger)", () => r.ledger.starts("long").find((s) => s.attempt === 2), { timeoutMs: DETECTION_BOUND_MS, intervalMs: 100 });
    const retryStartedMs = second.at - r.killedAt;
    console.log(JSON.stringify({ test: "delegate-killed/retry", detectionMs: r.detectionMs, retryStartedAfterKillMs: retryStartedMs, groupGoneAfterMs: r.groupGoneAt - r.killedAt, leaseTtlMs: DELEGATE_TIMINGS.leaseTtlMs }));
    expect(r.detectionMs).toBeLessThanOrEqual(DETECTION_BOUND_MS);
    expect(retryStartedMs).toBeLessThanOrEqual(DETECTION_BOUND_MS);
    // On the other delegate process…
    expect(second.ppid).toBe(r.survivor.pid);
    const attempt2 = await lab.db.stepRun.findUniqueOrThrow({ where: { id: second.taskId }, include: { delegate: true } });
    expect(attempt2.attempt).toBe(2);
    expect(attempt2.delegate?.name).toBe(r.survivor.name);
    // …and strictly after everything of attempt 1 stopped: its group was gone, its last line written, before.
    const firstEntries = r.ledger.read().filter((e) => e.marker === r.start.marker);
    const lastOfFirst = Math.max(...firstEntries.map((e) => e.at));
    expect(second.at).toBeGreaterThan(r.groupGoneAt);
    expect(second.at).toBeGreaterThan(lastOfFirst);
    expect(firstEntries.some((e) => e.kind === "end")).toBe(false);

    // Attempt 2 runs to the end: the execution succeeds with exactly two attempts, each run once.
    const exec = await until(
      "the execution to end",
      async () => {
        const e = await readRun(lab.db, r.run.id);
        return TERMINAL.includes(e.status) ? e : null;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(exec.status).toBe("SUCCESS");
    expect(exec.steps.map((s) => [s.stepId, s.attempt, s.status, s.conclusion])).toEqual([
      ["long", 1, "FAILED", "retried"],
      ["long", 2, "SUCCESS", "success"],
    ]);
    const entries = r.ledger.read();
    expect(entries.filter((e) => e.kind === "start").map((e) => e.attempt)).toEqual([1, 2]);
    expect(entries.filter((e) => e.kind === "end").map((e) => e.attempt)).toEqual([2]);
    // The second attempt's log is whole: 1..40, contiguous.
    const step2 = exec.steps.find((s) => s.attempt === 2)!;
    const check = checkNumberedLog(await readChunks(lab.db, step2.id), { prefix: "line", count: LINES, logLines: step2.logLines });
    expect(check.problems).toEqual([]);
  });
});
