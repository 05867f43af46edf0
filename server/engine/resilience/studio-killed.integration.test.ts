/**
 * The studio process killed with SIGKILL in the middle of a run and started again on the same port a few seconds
 * later. Real processes: the studio (`next start`, its job runner inside), one delegate, bash steps keeping a
 * ledger. The run has shell steps printing 3,000 numbered lines each, a `wait` step and an approval (approved
 * through the domain function after the restart).
 *
 * What must hold: the run finishes SUCCESS; every step ran exactly once (the ledger); every step's stored log is
 * exactly lines 1..3000 in order, chunk seq contiguous from 1, line numbers contiguous, counts equal.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "~/test-support/db";
import {
  approveLab,
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

useTestDatabase();

const TAG = "lab-studio-kill";
const LINES = 3_000;
const SHELL_STEPS = ["build", "package", "deploy", "verify"];

let labDb: LabDatabase;
let lab: Lab;
let studio: Studio;
let delegate: LabDelegate;
let ledger: Ledger;

beforeAll(async () => {
  labDb = await createLabDatabase();
  lab = await seedLab(labDb.db);
  studio = await startStudio({ databaseUrl: labDb.url });
  ledger = createLedger();
  delegate = await startDelegate({ url: studio.baseUrl, token: await createLabToken(lab), name: "studio-kill", tags: [TAG] });
}, 15 * 60_000);

afterAll(async () => {
  await delegate?.kill("SIGKILL");
  await studio?.stop();
  await labDb?.drop();
  ledger?.remove();
});

/** 3,000 lines over ~4 s: a pause of 0.13 s after every 100. */
const shellStep = (id: string) =>
  [`      - id: ${id}`, "        type: shell", "        script: |", yamlBlock(numberedStepScript({ ledger: ledger.file, stepId: id, count: LINES, every: 100, pauseSeconds: 0.13 }), 10)].join("\n");

function pipelineYaml() {
  return [
    "apiVersion: slipway/v1",
    "kind: Pipeline",
    `name: Kill the studio ${Math.random().toString(36).slice(2, 8)}`,
    "stages:",
    "  - id: build",
    `    selectors: [${TAG}]`,
    "    steps:",
    shellStep("build"),
    shellStep("package"),
    "  - id: release",
    `    selectors: [${TAG}]`,
    "    steps:",
    "      - { id: settle, type: wait, duration: 3s }",
    "      - id: approve",
    "        type: approval",
    "        approvers: { roles: [Admin] }",
    shellStep("deploy"),
    shellStep("verify"),
  ].join("\n");
}

describe("the studio killed mid-run (SIGKILL) and restarted on the same port", () => {
  it("the run still succeeds, every step ran exactly once, and every step's log is exactly lines 1..3000 in order, without gap or duplicate", async () => {
    const pipelineId = await createLabPipeline(lab, pipelineYaml());
    const run = await startLabRun(lab, pipelineId);

    // Kill it while the second step is printing: some of its lines stored, most not yet.
    const victim = await until("the second step to be mid-way", async () => {
      const s = await lab.db.stepRun.findFirst({ where: { executionId: run.id, stepId: "package", status: "RUNNING" } });
      return s && s.logLines >= 200 && s.logLines < LINES / 2 ? s : null;
    }, { timeoutMs: 60_000, intervalMs: 50 });
    const oldPid = studio.pid;
    await studio.kill("SIGKILL");
    const killedAt = Date.now();
    const storedAtKill = (await lab.db.stepRun.findUniqueOrThrow({ where: { id: victim.id } })).logLines;
    await sleep(3_000); // the scenario: the studio stays down a few seconds (not a wait for a condition)
    await studio.restart();
    const downMs = Date.now() - killedAt;
    expect(studio.pid).not.toBe(oldPid);

    // The run carries on: the wait step's timer fires, the approval waits for a person.
    const approval = await until("the approval to be waiting", async () => lab.db.stepRun.findFirst({ where: { executionId: run.id, stepId: "approve", status: "APPROVAL_REQUIRED" } }), {
      timeoutMs: 90_000,
      intervalMs: 250,
      diagnostics: async () => `steps: ${JSON.stringify((await readRun(lab.db, run.id)).steps.map((s) => [s.stepId, s.attempt, s.status, s.message]))}\n--- delegate\n${delegate.output().slice(-3000)}`,
    });
    await approveLab(lab, approval.id);
    const exec = await until("the execution to end", async () => {
      const e = await readRun(lab.db, run.id);
      return TERMINAL.includes(e.status) ? e : null;
    }, { timeoutMs: 90_000, intervalMs: 250, diagnostics: () => `--- delegate\n${delegate.output().slice(-3000)}\n--- studio\n${studio.output().slice(-3000)}` });
    console.log(JSON.stringify({ test: "studio-killed", downMs, killedDuring: "package", linesStoredAtKill: storedAtKill, totalMs: exec.finishedAt!.getTime() - exec.createdAt.getTime() }));

    expect(exec.status).toBe("SUCCESS");
    // One attempt per step, each finished the way its type finishes.
    const order = ["build", "package", "settle", "approve", "deploy", "verify"];
    const rows = exec.steps.map((s) => [s.stepId, s.attempt, s.status]).sort((a, b) => order.indexOf(a[0] as string) - order.indexOf(b[0] as string));
    expect(rows).toEqual([
      ["build", 1, "SUCCESS"],
      ["package", 1, "SUCCESS"],
      ["settle", 1, "SUCCESS"],
      ["approve", 1, "APPROVED"],
      ["deploy", 1, "SUCCESS"],
      ["verify", 1, "SUCCESS"],
    ]);

    // The ledger: each shell step started once and ended once, in the attempt the studio recorded.
    const entries = ledger.read();
    for (const id of SHELL_STEPS) {
      const step = exec.steps.find((s) => s.stepId === id)!;
      const starts = entries.filter((e) => e.kind === "start" && e.stepId === id);
      const ends = entries.filter((e) => e.kind === "end" && e.stepId === id);
      expect(starts.map((e) => e.taskId), `${id} started once`).toEqual([step.id]);
      expect(ends.map((e) => e.taskId), `${id} ended once`).toEqual([step.id]);
    }

    // The logs: for every shell step, exactly lines 1..3000, in order, contiguous seqs and line numbers.
    for (const id of SHELL_STEPS) {
      const step = exec.steps.find((s) => s.stepId === id)!;
      const chunks = await readChunks(lab.db, step.id);
      const check = checkNumberedLog(chunks, { prefix: "line", count: LINES, logLines: step.logLines });
      expect(check.problems, `log of ${id}`).toEqual([]);
      expect(check.numberedLines).toBe(LINES);
    }
    // Both studio processes served the same run: the old one stored part of the interrupted step, the new one the rest.
    expect(storedAtKill).toBeLessThan(LINES);
  });
});
