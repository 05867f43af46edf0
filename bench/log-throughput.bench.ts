/**
 * Log throughput and line → browser latency. Real processes: a studio (`next start`) and a delegate (the built
 * bundle) on loopback, a scratch database, and a signed-in "browser" reading the execution's live event stream
 * (GET /api/executions/:id/events, as the execution page does).
 *
 * Each printed line carries the epoch ms at which it was written: `L <n> <ms>`. Two runs:
 *   flat out  one step printing `lines` lines as fast as it can → lines stored per second (first line printed →
 *             last line stored in the database), and the latency of each line to the browser (dominated by the
 *             backlog when printing outpaces storing)
 *   paced     one step printing at `rate` lines/s for `seconds` s → line → browser latency p50/p95/p99, the figure a
 *             person watching a live log sees
 *
 * Run: npx tsx bench/log-throughput.bench.ts [lines=200000] [rate=5000] [seconds=20]
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import {
  createLabDatabase,
  createLabPipeline,
  createLabToken,
  readExecutionStream,
  readRun,
  seedLab,
  signIn,
  startDelegate,
  startLabRun,
  startStudio,
  until,
  type Lab,
  type Studio,
} from "../test-support/process-lab";
import { report, round } from "./lib";

const lines = Number(process.argv[2] ?? 200_000);
const rate = Number(process.argv[3] ?? 5_000);
const seconds = Number(process.argv[4] ?? 20);

// The line generator the step runs (node, so every line gets its own millisecond timestamp at the moment it is
// written; console.log on a pipe is synchronous on Linux).
const generator = path.join(tmpdir(), `log-gen-${process.pid}.cjs`);
writeFileSync(
  generator,
  `const [mode, a, b] = process.argv.slice(2);
if (mode === "flat") {
  const n = Number(a);
  for (let i = 1; i <= n; i++) console.log("L " + i + " " + Date.now());
} else {
  const perSec = Number(a), total = perSec * Number(b), t0 = Date.now();
  let i = 0;
  const tick = () => {
    const due = Math.min(total, Math.floor(((Date.now() - t0) * perSec) / 1000));
    while (i < due) { i++; console.log("L " + i + " " + Date.now()); }
    if (i < total) setTimeout(tick, 5);
  };
  tick();
}
`,
);

/** User + system CPU time of a process so far, in ms (from /proc; clock ticks are 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** lib.ts's summary spreads its input into Math.max, which overflows the stack at 200,000 values: sort once here. */
function fmt(v: number[]) {
  const s = Float64Array.from(v).sort();
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  return { n: s.length, p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), max: round(s[s.length - 1]!) };
}
const LINE = /^L (\d+) (\d+)$/;

async function runOnce(lab: Lab, studio: Studio, session: { cookie: string }, name: string, command: string, expected: number) {
  const yaml = `apiVersion: slipway/v1\nkind: Pipeline\nname: Log bench ${name} ${Math.random().toString(36).slice(2, 6)}\nstages:\n  - id: main\n    selectors: [bench]\n    steps:\n      - id: print\n        type: shell\n        script: ${JSON.stringify(command)}\n`;
  const run = await startLabRun(lab, await createLabPipeline(lab, yaml));
  const latencies: number[] = [];
  const arrivedByFirstLine = new Map<number, number>();
  let received = 0;
  let lastReceivedAt = 0;
  const stream = await readExecutionStream(studio, session, run.id, {
    timeoutMs: 20 * 60_000,
    onMessage: (m) => {
      if (m.event !== "log") return;
      const d = JSON.parse(m.data) as { stream: string; lines: string[]; firstLine: number };
      if (d.stream !== "stdout") return;
      arrivedByFirstLine.set(d.firstLine, m.receivedAt);
      for (const l of d.lines) {
        const x = LINE.exec(l);
        if (!x) continue;
        received++;
        latencies.push(m.receivedAt - Number(x[2]));
        lastReceivedAt = m.receivedAt;
      }
    },
  });
  if (stream.ended !== "done") throw new Error(`${name}: the stream did not reach the end of the execution (${stream.ended})`);
  const exec = await readRun(lab.db, run.id);
  if (exec.status !== "SUCCESS") throw new Error(`${name}: execution ${exec.status}`);
  const step = exec.steps[0]!;
  const chunks = await lab.db.logChunk.findMany({ where: { stepRunId: step.id, stream: "stdout" }, orderBy: { seq: "asc" }, select: { lines: true, createdAt: true, firstLine: true } });
  // Which hop the time goes to: printed → stored (the delegate's chunking and upload, the studio's insert) per line,
  // and stored → at the browser (commit, NOTIFY, the stream's read and write) per chunk.
  const toStored: number[] = [];
  const storedToBrowser: number[] = [];
  for (const c of chunks) {
    for (const l of c.lines) toStored.push(c.createdAt.getTime() - Number(LINE.exec(l)![2]));
    const at = arrivedByFirstLine.get(c.firstLine);
    if (at !== undefined) storedToBrowser.push(at - c.createdAt.getTime());
  }
  const stored = chunks.reduce((n, c) => n + c.lines.length, 0);
  const first = LINE.exec(chunks[0]!.lines[0]!)!;
  const lastChunk = chunks.at(-1)!;
  const last = LINE.exec(lastChunk.lines.at(-1)!)!;
  const firstPrinted = Number(first[2]);
  const lastPrinted = Number(last[2]);
  // createdAt is now() of the storing transaction (its start): the last line was stored at or just after it.
  const lastStored = lastChunk.createdAt.getTime();
  return {
    lines: stored,
    expected,
    receivedByBrowser: received,
    chunks: chunks.length,
    printMs: lastPrinted - firstPrinted,
    printedPerSec: Math.round((stored / Math.max(1, lastPrinted - firstPrinted)) * 1000),
    storedPerSec: Math.round((stored / Math.max(1, lastStored - firstPrinted)) * 1000),
    firstPrintedToLastStoredMs: lastStored - firstPrinted,
    firstPrintedToLastAtBrowserMs: lastReceivedAt - firstPrinted,
    lineToBrowserMs: fmt(latencies),
    lineToStoredMs: fmt(toStored),
    chunkStoredToBrowserMs: fmt(storedToBrowser),
  };
}

const labDb = await createLabDatabase("slipway_bench");
let exitCode = 0;
try {
  const lab = await seedLab(labDb.db);
  const studio = await startStudio({ databaseUrl: labDb.url });
  const delegate = await startDelegate({ url: studio.baseUrl, token: await createLabToken(lab), name: "bench", tags: ["bench"], logLevel: "warn" });
  try {
    await until("the delegate's stream to open", async () => (await lab.db.delegate.count({ where: { name: "bench", streamOpen: true } })) === 1, { timeoutMs: 60_000 });
    const session = await signIn(studio, lab.admin.email, lab.admin.password);
    const cpu0 = { studio: cpuMs(studio.pid), delegate: cpuMs(delegate.pid) };
    const flat = await runOnce(lab, studio, session, "flat", `${process.execPath} ${generator} flat ${lines}`, lines);
    const cpu1 = { studio: cpuMs(studio.pid), delegate: cpuMs(delegate.pid) };
    const paced = await runOnce(lab, studio, session, "paced", `${process.execPath} ${generator} paced ${rate} ${seconds}`, rate * seconds);
    const cpu2 = { studio: cpuMs(studio.pid), delegate: cpuMs(delegate.pid) };
    report("log-throughput", {
      flatOut: { ...flat, studioCpuMs: cpu1.studio - cpu0.studio, delegateCpuMs: cpu1.delegate - cpu0.delegate },
      paced: { rate, seconds, ...paced, studioCpuMs: cpu2.studio - cpu1.studio, delegateCpuMs: cpu2.delegate - cpu1.delegate },
      goals: { linesPerSec: 5000, p95Ms: 500 },
      loadavg1m: round(loadavg()[0]!, 2),
      cpus: cpus().length,
    });
  } finally {
    await delegate.kill("SIGTERM");
    await studio.stop();
  }
} catch (e) {
  console.error(e);
  exitCode = 1;
} finally {
  rmSync(generator, { force: true });
  await labDb.drop();
}
process.exit(exitCode);
