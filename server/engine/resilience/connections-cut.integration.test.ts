/**
 * The delegate's connections to the studio cut 50 times during a run. Real processes: the studio, one delegate
 * talking to it through a TCP proxy on 127.0.0.1, bash steps keeping a ledger. Each cut resets every open
 * connection at once — the SSE notification stream and whatever request is in flight (log uploads, lease
 * renewals, claims, results).
 *
 * What must hold (as when the studio is killed): the run finishes SUCCESS, every step ran exactly once, and every
 * step's stored log is exactly its numbered lines, in order, without gap or duplicate.
 */
import { setTimeout as sleep } from "node:timers/promises";
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
  tcpProxy,
  TERMINAL,
  until,
  yamlBlock,
  type Lab,
  type LabDatabase,
  type LabDelegate,
  type Ledger,
  type Studio,
  type TcpProxy,
} from "~/test-support/process-lab";

useTestDatabase();

const TAG = "lab-cuts";
const CUTS = 50;
/** The step of the issue: ~5,000 numbered lines over ~15 s (0.15 s pause after every 50). */
const BIG = { id: "print", count: 5_000, every: 50, pauseSeconds: 0.15 };
/** A second step, so an offer, a claim and a result also happen while the cuts go on. */
const SMALL = { id: "after", count: 300, every: 50, pauseSeconds: 0.1 };

let labDb: LabDatabase;
let lab: Lab;
let studio: Studio;
let proxy: TcpProxy;
let delegate: LabDelegate;
let ledger: Ledger;

beforeAll(async () => {
  labDb = await createLabDatabase();
  lab = await seedLab(labDb.db);
  studio = await startStudio({ databaseUrl: labDb.url });
  proxy = await tcpProxy({ target: studio.port });
  ledger = createLedger();
  delegate = await startDelegate({ url: proxy.url, token: await createLabToken(lab), name: "cuts", tags: [TAG] });
}, 15 * 60_000);

afterAll(async () => {
  await delegate?.kill("SIGKILL");
  await proxy?.close();
  await studio?.stop();
  await labDb?.drop();
  ledger?.remove();
});

const shellStep = (s: typeof BIG) =>
  [`      - id: ${s.id}`, "        type: shell", "        script: |", yamlBlock(numberedStepScript({ ledger: ledger.file, stepId: s.id, count: s.count, every: s.every, pauseSeconds: s.pauseSeconds }), 10)].join("\n");

describe("the delegate's connections cut 50 times during a run (TCP proxy)", () => {
  it("the run still succeeds, every step ran exactly once, and every log is exactly its numbered lines in order, without gap or duplicate — with the SSE stream among the cut connections", async () => {
    await until("the delegate's stream to be open", async () => (await lab.db.delegate.count({ where: { name: "cuts", streamOpen: true } })) === 1 && proxy.stats.openStreams === 1, {
      timeoutMs: 30_000,
      diagnostics: () => delegate.output().slice(-2000),
    });
    const yaml = ["apiVersion: slipway/v1", "kind: Pipeline", `name: Cut connections ${Math.random().toString(36).slice(2, 8)}`, "stages:", "  - id: main", `    selectors: [${TAG}]`, "    steps:", shellStep(BIG), shellStep(SMALL)].join("\n");
    const run = await startLabRun(lab, await createLabPipeline(lab, yaml));
    await until("the big step to start printing", () => ledger.starts(BIG.id).length > 0, { timeoutMs: 30_000 });

    // 50 cuts spread over the run, one every ~300 ms. Each cuts what is open at that moment — the stream, keep-alive
    // connections, requests in flight; when nothing is (the delegate between requests), it waits up to 1 s for the
    // next connection, so that no call cuts nothing.
    const startedCutting = Date.now();
    let cutWhileStreamOpen = 0;
    for (let i = 0; i < CUTS; i++) {
      const deadline = Date.now() + 1_000;
      while (proxy.stats.open === 0 && Date.now() < deadline) await sleep(10);
      if (proxy.stats.openStreams > 0) cutWhileStreamOpen++;
      proxy.cutAll();
      await sleep(300);
    }
    const cuttingMs = Date.now() - startedCutting;
    const printedByThen = ledger.read().filter((e) => e.kind === "tick" && e.stepId === BIG.id && e.at <= startedCutting + cuttingMs).length * BIG.every;

    const exec = await until("the execution to end", async () => {
      const e = await readRun(lab.db, run.id);
      return TERMINAL.includes(e.status) ? e : null;
    }, { timeoutMs: 90_000, intervalMs: 250, diagnostics: () => `--- delegate\n${delegate.output().slice(-4000)}` });
    const stats = proxy.stats;
    console.log(JSON.stringify({ test: "connections-cut", cutCalls: stats.cutCalls, connectionsCut: stats.cut, streamsCut: stats.cutStreams, cutWhileStreamOpen, accepted: stats.accepted, cuttingMs, linesPrintedWhenCutsEnded: printedByThen, totalMs: exec.finishedAt!.getTime() - exec.createdAt.getTime() }));

    // The proxy really cut: 50 calls, at least 50 connections, the SSE stream among them.
    expect(stats.cutCalls).toBe(CUTS);
    expect(stats.cut).toBeGreaterThanOrEqual(CUTS);
    expect(stats.cutStreams).toBeGreaterThanOrEqual(1);
    // The cuts landed while the big step was printing: it started before the first cut and ended after it.
    const bigEnd = ledger.read().find((e) => e.kind === "end" && e.stepId === BIG.id);
    expect(bigEnd && bigEnd.at).toBeGreaterThan(startedCutting);

    expect(exec.status, `steps: ${JSON.stringify(exec.steps.map((s) => [s.stepId, s.attempt, s.status, s.message]))}\n--- delegate\n${delegate.output().slice(-6000)}`).toBe("SUCCESS");
    const entries = ledger.read();
    for (const s of [BIG, SMALL]) {
      const step = exec.steps.find((x) => x.stepId === s.id)!;
      expect(exec.steps.filter((x) => x.stepId === s.id).map((x) => [x.attempt, x.status])).toEqual([[1, "SUCCESS"]]);
      expect(entries.filter((e) => e.kind === "start" && e.stepId === s.id).map((e) => e.taskId), `${s.id} started once`).toEqual([step.id]);
      expect(entries.filter((e) => e.kind === "end" && e.stepId === s.id).map((e) => e.taskId), `${s.id} ended once`).toEqual([step.id]);
      const check = checkNumberedLog(await readChunks(lab.db, step.id), { prefix: "line", count: s.count, logLines: step.logLines });
      expect(check.problems, `log of ${s.id}`).toEqual([]);
    }
  });
});
