/**
 * A delegate cut off from a studio that keeps running (a network partition), made with a TCP proxy between them
 * that refuses new connections (pause) after resetting the open ones (cutAll). Real processes throughout.
 *
 * Two guarantees that only a partition tests (a killed delegate cannot act, a killed studio cannot reassign):
 *  - the cut-off delegate stops the step itself (self-fence) before the studio's lease runs out, so the retry the
 *    studio then starts elsewhere never overlaps it;
 *  - a claim the studio stored but whose answer was lost is not lost with it: the delegate repeats the same claim
 *    until the studio answers, and the step runs once.
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "~/test-support/db";
import {
  createLabDatabase,
  createLabPipeline,
  createLabToken,
  createLedger,
  numberedStepScript,
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
import { DELEGATE_TIMINGS } from "../../delegates/timings";

useTestDatabase();

let labDb: LabDatabase;
let lab: Lab;
let studio: Studio;
let token: string;
const delegates: LabDelegate[] = [];
const proxies: TcpProxy[] = [];
const ledgers: Ledger[] = [];

beforeAll(async () => {
  labDb = await createLabDatabase();
  lab = await seedLab(labDb.db);
  studio = await startStudio({ databaseUrl: labDb.url });
  token = await createLabToken(lab);
}, 15 * 60_000);

afterAll(async () => {
  await Promise.all(delegates.map((d) => d.kill("SIGKILL")));
  for (const p of proxies) await p.close();
  await studio?.stop();
  await labDb?.drop();
  for (const l of ledgers) l.remove();
});

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

async function delegate(name: string, url: string, tag: string) {
  const d = await startDelegate({ url, token, name, tags: [tag] });
  delegates.push(d);
  await until(`${name} connected`, async () => (await lab.db.delegate.count({ where: { name, status: "CONNECTED", streamOpen: true } })) === 1, {
    timeoutMs: 30_000,
    diagnostics: () => d.output().slice(-2000),
  });
  return d;
}

function pipeline(tag: string, ledger: Ledger, step: { count: number; pauseSeconds: number; onFailure?: string }) {
  return [
    "apiVersion: slipway/v1",
    "kind: Pipeline",
    `name: Partition ${Math.random().toString(36).slice(2, 8)}`,
    "stages:",
    "  - id: main",
    `    selectors: [${tag}]`,
    "    steps:",
    "      - id: work",
    "        type: shell",
    ...(step.onFailure ? [`        onFailure: ${step.onFailure}`] : []),
    "        script: |",
    yamlBlock(numberedStepScript({ ledger: ledger.file, stepId: "work", count: step.count, every: 1, pauseSeconds: step.pauseSeconds, canary: true }), 10),
  ].join("\n");
}

describe("a delegate partitioned from a running studio", () => {
  it("stops its step by itself (self-fence) before the studio's lease on it runs out; the retry on another delegate starts only after", async () => {
    const tag = "lab-fence";
    const ledger = createLedger();
    ledgers.push(ledger);
    const proxy = await tcpProxy({ target: studio.port });
    proxies.push(proxy);
    const cutOff = await delegate("fence-cut-off", proxy.url, tag);
    // ~60 s of work: still running when the fence (25 s after the last renewal) and the lease (30 s) come due.
    const run = await startLabRun(lab, await createLabPipeline(lab, pipeline(tag, ledger, { count: 120, pauseSeconds: 0.5, onFailure: "{ action: retry, retries: 1, backoff: 1s }" })));
    const start = await until("the step to start on the delegate behind the proxy", () => ledger.starts("work")[0], { timeoutMs: 30_000 });
    expect(start.ppid).toBe(cutOff.pid);
    const canary = await until("the step's canary", () => ledger.read().find((e) => e.kind === "canary" && e.marker === start.marker));
    const standby = await delegate("fence-standby", studio.baseUrl, tag);

    await until("a few lines printed", () => ledger.read().some((e) => e.kind === "tick" && e.marker === start.marker && e.n >= 4), { timeoutMs: 20_000 });
    proxy.pause();
    proxy.cutAll();
    const partitionedAt = Date.now();

    // Watch the lease the studio holds for it (the last renewal that got through) until the studio fails the step.
    let leaseExpiresAt = 0;
    let fencedAt = 0;
    const failed = await until(
      "the studio to fail the attempt",
      async () => {
        if (!fencedAt && !alive(canary.pid) && !alive(start.pid)) fencedAt = Date.now();
        const s = await lab.db.stepRun.findUniqueOrThrow({ where: { id: start.taskId } });
        if (s.leaseExpiresAt) leaseExpiresAt = s.leaseExpiresAt.getTime();
        return s.status === "FAILED" ? s : null;
      },
      { timeoutMs: DELEGATE_TIMINGS.leaseTtlMs + 20_000, intervalMs: 50 },
    );
    if (!fencedAt) fencedAt = await until("the step's process group to be gone", () => (!alive(canary.pid) && !alive(start.pid) ? Date.now() : 0), { timeoutMs: 5_000, intervalMs: 20 });
    const retry = await until("the retry to start", () => ledger.starts("work").find((s) => s.attempt === 2), { timeoutMs: 30_000 });
    console.log(
      JSON.stringify({
        test: "partition/self-fence",
        fencedAfterPartitionMs: fencedAt - partitionedAt,
        fenceBeforeLeaseExpiryMs: leaseExpiresAt - fencedAt,
        studioFailedAfterPartitionMs: failed.finishedAt!.getTime() - partitionedAt,
        retryStartedAfterFenceMs: retry.at - fencedAt,
      }),
    );

    // The delegate stopped the work before the studio's lease ran out (the margin the fence exists for)…
    expect(leaseExpiresAt).toBeGreaterThan(0);
    expect(fencedAt).toBeLessThan(leaseExpiresAt);
    expect(fencedAt).toBeLessThan(failed.finishedAt!.getTime());
    expect(cutOff.output()).toMatch(/lease not renewed for \d+ s: stopping the work/);
    // …and it printed nothing after that; the retry ran on the other delegate, strictly after.
    const firstEntries = ledger.read().filter((e) => e.marker === start.marker);
    expect(Math.max(...firstEntries.map((e) => e.at))).toBeLessThan(fencedAt);
    expect(retry.ppid).toBe(standby.pid);
    expect(retry.at).toBeGreaterThan(fencedAt);
    expect(failed.message).toMatch(/stopped responding/);
    expect((await readRun(lab.db, run.id)).steps.map((s) => [s.attempt, s.status])).toEqual([[1, "FAILED"], [2, "RUNNING"]]);
  });

  it("a claim the studio stored but whose answer was lost, with the studio unreachable for 12 s after, is repeated until it is answered: the step runs once and succeeds", async () => {
    const tag = "lab-lost-claim";
    const ledger = createLedger();
    ledgers.push(ledger);
    let claimSeenAt = 0;
    const proxy = await tcpProxy({
      target: studio.port,
      onRequest: (line, conn) => {
        if (claimSeenAt || !/^POST \/api\/delegate\/v1\/tasks\/[^/]+\/claim$/.test(line)) return;
        claimSeenAt = Date.now();
        conn.dropResponses(); // the studio stores the claim; its answer never reaches the delegate
      },
    });
    proxies.push(proxy);
    const d = await delegate("lost-claim", proxy.url, tag);
    const run = await startLabRun(lab, await createLabPipeline(lab, pipeline(tag, ledger, { count: 10, pauseSeconds: 0.2 })));

    // The claim went through and was stored…
    const claimed = await until("the studio to store the claim", async () => lab.db.stepRun.findFirst({ where: { executionId: run.id, status: "RUNNING" } }), { timeoutMs: 30_000, intervalMs: 20 });
    // …then the studio becomes unreachable for longer than the delegate used to keep retrying a claim (~8 s).
    proxy.pause();
    proxy.cutAll();
    await sleep(12_000); // the scenario: a 12 s partition (not a wait for a condition)
    expect(ledger.starts("work")).toEqual([]); // nothing could run: the delegate never got the task
    proxy.resume();
    const resumedAt = Date.now();

    const exec = await until("the execution to end", async () => {
      const e = await readRun(lab.db, run.id);
      return TERMINAL.includes(e.status) ? e : null;
    }, { timeoutMs: 60_000, intervalMs: 200, diagnostics: () => d.output().slice(-3000) });
    expect(exec.status, d.output().slice(-3000)).toBe("SUCCESS");
    expect(exec.steps.map((s) => [s.attempt, s.status, s.claimId])).toEqual([[1, "SUCCESS", claimed.claimId]]);
    const starts = ledger.starts("work");
    expect(starts).toHaveLength(1);
    expect(starts[0]!.at).toBeGreaterThan(resumedAt);
    console.log(JSON.stringify({ test: "partition/lost-claim-answer", claimSeenToStartMs: starts[0]!.at - claimSeenAt, startedAfterResumeMs: starts[0]!.at - resumedAt }));
  });
});
