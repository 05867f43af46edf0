/**
 * Dispatch latency: how long from a step becoming runnable to a delegate holding it, over ~1,000 no-op shell steps.
 * Real processes: a studio (`next start`) and a delegate (the built bundle) on loopback, a scratch database.
 *
 *   runnable        the commit of the step's QUEUED transition — measured as its execution_event `at`, which is
 *                   PostgreSQL's now() of that transaction (its start, slightly before the commit: the figure
 *                   errs on the slow side, never the fast side)
 *   has the task    the moment the claim's answer arrives at the delegate: the delegate appends "claimed <taskId> <ms>"
 *                   to SLIPWAY_DELEGATE_TRACE_CLAIMS right after the response is parsed, before the step starts
 *                   (and "offered <taskId> <ms>" when the offer arrives on its stream)
 *
 * Both clocks are this machine's. Also reported, to see which hop dominates: QUEUED → offer at the delegate,
 * offer → claim answer, QUEUED → claim in the studio (step_run.startedAt, the studio's clock inside the claim
 * transaction) and that → answer at the delegate.
 *
 * Run: npx tsx bench/dispatch-latency.bench.ts [steps=1000] [executions=10]
 * Profile the studio: BENCH_STUDIO_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (the profile is written when it stops).
 * Count and time the SQL: BENCH_PG_LOG_STATEMENTS=1 sets log_min_duration_statement = 0 on the scratch database
 * (the server's log, lines prefixed with the database name, printed at the end; needs a superuser connection).
 */
import { readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import {
  createLabDatabase,
  createLabPipeline,
  createLabToken,
  readRun,
  seedLab,
  startDelegate,
  startLabRun,
  startStudio,
  TERMINAL,
  until,
} from "../test-support/process-lab";
import { report, round, summary } from "./lib";

/** User + system CPU time of a process so far, in ms (from /proc; Linux clock ticks are 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

const totalSteps = Number(process.argv[2] ?? 1000);
const executions = Number(process.argv[3] ?? 10);
const perExecution = Math.ceil(totalSteps / executions);
const trace = path.join(tmpdir(), `dispatch-trace-${process.pid}.txt`);

const labDb = await createLabDatabase("slipway_bench");
let exitCode = 0;
try {
  const lab = await seedLab(labDb.db);
  if (process.env.BENCH_PG_LOG_STATEMENTS) {
    await lab.db.$executeRawUnsafe(`ALTER DATABASE "${labDb.name}" SET log_min_duration_statement = 0`);
    console.log(`[bench] logging every statement of database ${labDb.name}`);
  }
  // BENCH_STUDIO_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the studio (written when it stops).
  const studio = await startStudio({ databaseUrl: labDb.url, nodeArgs: process.env.BENCH_STUDIO_NODE_ARGS?.split(" ").filter(Boolean) });
  // Room for every execution's step at once: the figure is dispatch, not queueing for a free slot.
  const delegate = await startDelegate({ url: studio.baseUrl, token: await createLabToken(lab), name: "bench", tags: ["bench"], maxTasks: Math.min(256, executions * 2), env: { SLIPWAY_DELEGATE_TRACE_CLAIMS: trace }, logLevel: "warn" });
  try {
    await until("the delegate's stream to open", async () => (await lab.db.delegate.count({ where: { name: "bench", streamOpen: true } })) === 1, { timeoutMs: 60_000 });
    const steps = Array.from({ length: perExecution }, (_, i) => `      - { id: s${i + 1}, type: shell, script: "true" }`).join("\n");
    const yaml = `apiVersion: slipway/v1\nkind: Pipeline\nname: Dispatch bench\nstages:\n  - id: main\n    selectors: [bench]\n    steps:\n${steps}\n`;
    const pipelineId = await createLabPipeline(lab, yaml);
    const cpuBefore = { studio: cpuMs(studio.pid), delegate: cpuMs(delegate.pid) };
    const started = Date.now();
    // Started one after another (starts of one pipeline serialise on its row anyway); they then run side by side.
    const runs: { id: string }[] = [];
    for (let i = 0; i < executions; i++) runs.push(await startLabRun(lab, pipelineId));
    await until("every execution to end", async () => {
      const done = await lab.db.execution.count({ where: { id: { in: runs.map((r) => r.id) }, status: { in: TERMINAL as never[] } } });
      return done === executions;
    }, { timeoutMs: 30 * 60_000, intervalMs: 1_000 });
    const wallMs = Date.now() - started;
    const cpu = { studio: cpuMs(studio.pid) - cpuBefore.studio, delegate: cpuMs(delegate.pid) - cpuBefore.delegate };
    for (const r of runs) {
      const e = await readRun(lab.db, r.id);
      if (e.status !== "SUCCESS") throw new Error(`execution ${r.id} ended ${e.status}`);
    }

    const queued = await lab.db.executionEvent.findMany({ where: { executionId: { in: runs.map((r) => r.id) }, scope: "step", to: "QUEUED" }, select: { stepRunId: true, at: true } });
    const stepRows = await lab.db.stepRun.findMany({ where: { executionId: { in: runs.map((r) => r.id) } }, select: { id: true, startedAt: true } });
    const startedAt = new Map(stepRows.map((s) => [s.id, s.startedAt!.getTime()]));
    const traced = readFileSync(trace, "utf8").split("\n").filter(Boolean).map((l) => l.split(" "));
    const arrived = new Map(traced.filter((f) => f[0] === "claimed").map((f) => [f[1]!, Number(f[2])] as const));
    // The first offer of each task on the stream (a poll may also have offered it; the stream is the fast path).
    const offered = new Map<string, number>();
    for (const f of traced) if (f[0] === "offered" && !offered.has(f[1]!)) offered.set(f[1]!, Number(f[2]));
    const total: number[] = [];
    const toClaim: number[] = [];
    const claimToDelegate: number[] = [];
    const toOffer: number[] = [];
    const offerToClaimed: number[] = [];
    for (const q of queued) {
      const at = q.at.getTime();
      const got = arrived.get(q.stepRunId!);
      if (got === undefined) throw new Error(`no claim trace for ${q.stepRunId}`);
      total.push(got - at);
      toClaim.push(startedAt.get(q.stepRunId!)! - at);
      claimToDelegate.push(got - startedAt.get(q.stepRunId!)!);
      const off = offered.get(q.stepRunId!);
      if (off !== undefined) {
        toOffer.push(off - at);
        offerToClaimed.push(got - off);
      }
    }
    const fmt = (v: number[]) => Object.fromEntries(Object.entries(summary(v)).map(([k, x]) => [k, round(x)]));
    report("dispatch-latency", {
      measured: "QUEUED event `at` (its transaction's now()) → claim answer parsed at the delegate",
      steps: total.length,
      executions,
      stepsPerExecution: perExecution,
      latencyMs: fmt(total),
      queuedToOfferAtDelegateMs: fmt(toOffer),
      offerToClaimAnswerMs: fmt(offerToClaimed),
      queuedToClaimCommittedMs: fmt(toClaim),
      claimCommittedToDelegateMs: fmt(claimToDelegate),
      goalP99Ms: 100,
      wallMs,
      // CPU the two processes used per step (claim, logs, result, reconcile on the studio side): with 2 busy cores
      // shared with other work, this is what queues up.
      studioCpuMsPerStep: round(cpu.studio / total.length),
      delegateCpuMsPerStep: round(cpu.delegate / total.length),
      loadavg1m: round(loadavg()[0]!, 2),
      cpus: (await import("node:os")).cpus().length,
    });
  } finally {
    await delegate.kill("SIGTERM");
    await studio.stop();
  }
} catch (e) {
  console.error(e);
  exitCode = 1;
} finally {
  rmSync(trace, { force: true });
  await labDb.drop();
}
process.exit(exitCode);
