/**
 * One command on 100 real sshd hosts (test-support/ssh-lab, loopback) at concurrency 50 through the delegate's
 * `ssh` executor — connect + host key verification of every host first, then `hostname` on each — beside the same
 * fan-out by the real OpenSSH client (`xargs -P50 ssh`, the lab's key, a known_hosts file, StrictHostKeyChecking).
 *
 *   npx tsx bench/ssh-fanout.bench.ts [hosts=100] [concurrency=50] [runs=3]
 *
 * Figures: wall time per run (median reported), per-host connect time (handshake + auth + key check) p50/p95
 * for the executor, and per-host total time (connect + command) p50/p95 for both.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import type { SshCommandWork } from "@slipway/pipeline-spec/protocol";
import { createSshCommandExecutor } from "../delegate/src/steps/ssh";
import type { StepContext, StepLog } from "../delegate/src/steps/types";
import { startSshHosts } from "../test-support/ssh-lab/index";
import { report, round, summary } from "./lib";

const HOSTS = Number(process.argv[2] ?? 100);
const CONCURRENCY = Number(process.argv[3] ?? 50);
const RUNS = Number(process.argv[4] ?? 3);

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const fmt = (v: number[]) => Object.fromEntries(Object.entries(summary(v)).map(([k, x]) => [k, round(x)]));

function ctx(): { ctx: StepContext; connectMs: number[]; totalMs: number[]; names: Set<string> } {
  const connectMs: number[] = [];
  const totalMs: number[] = [];
  const names = new Set<string>();
  const lane = (name: string): StepLog => ({
    stdout: (c) => {
      if (String(c).trim()) names.add(name);
    },
    stderr: () => {},
    system: (l) => {
      const c = /^connected to .* in (\d+) ms/.exec(l);
      if (c) connectMs.push(Number(c[1]));
      const e = /^exit code 0 in (\d+) ms/.exec(l);
      if (e) totalMs.push(Number(e[1]));
    },
  });
  return {
    connectMs,
    totalMs,
    names,
    ctx: {
      signal: new AbortController().signal,
      log: lane(""),
      workDir: tmpdir(),
      timeoutMs: 0,
      lane,
      progress: () => {},
      task: { taskId: "bench", executionId: "bench", stepId: "fanout", attempt: 1 },
      stageOutputs: {},
    },
  };
}

function sh(cmd: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("bash", ["-c", cmd], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

async function main() {
  const lab = await startSshHosts({ count: HOSTS, withArtifact: false, concurrency: 16 });
  const dir = mkdtempSync(join(tmpdir(), "ssh-fanout-"));
  try {
    const exec = createSshCommandExecutor({ baseEnv: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, delegatePid: process.pid, connectConcurrency: CONCURRENCY });
    const work: SshCommandWork = {
      kind: "ssh",
      hosts: lab.hosts.map((h) => ({ name: h.name, address: h.address, port: h.port, user: lab.user, auth: { kind: "key", privateKey: lab.clientPrivateKey }, hostKey: h.hostKeyFingerprint, trustOnFirstUse: false, group: "all", tags: [], vars: {}, jumpHost: null })),
      script: "hostname",
      env: {},
      sudo: false,
      concurrency: CONCURRENCY,
      tolerateFailures: 0,
    };
    const key = join(dir, "id_ed25519");
    writeFileSync(key, lab.clientPrivateKey);
    chmodSync(key, 0o600);
    writeFileSync(join(dir, "known_hosts"), lab.knownHosts());
    writeFileSync(join(dir, "ports"), lab.hosts.map((h) => h.port).join("\n") + "\n");
    const ssh = `ssh -F /dev/null -i ${key} -o UserKnownHostsFile=${dir}/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=15 -o LogLevel=ERROR`;
    // Each invocation prints its own wall time (connect + command) after the command's output.
    const perHost = `s=$(date +%s%N); ${ssh} -p "$1" ${lab.user}@127.0.0.1 hostname >/dev/null || exit 255; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))`;

    const ours: { wallMs: number; connectMs: number[]; totalMs: number[] }[] = [];
    const theirs: { wallMs: number; totalMs: number[] }[] = [];
    const theirsCurve: { wallMs: number; totalMs: number[] }[] = [];
    const xargs = async (kex: string, run: number) => {
      const cmd = perHost.replace("ssh -F", `ssh ${kex} -F`);
      const t1 = performance.now();
      const x = await sh(`xargs -P${CONCURRENCY} -I{} bash -c '${cmd.replace(/'/g, `'\\''`)}' _ {} < ${dir}/ports`);
      const xWall = performance.now() - t1;
      const times = x.stdout.split("\n").filter(Boolean).map(Number);
      if (x.code !== 0 || times.length !== HOSTS) throw new Error(`xargs ssh run ${run}: exit ${x.code}, ${times.length} hosts: ${x.stderr.slice(0, 500)}`);
      return { wallMs: xWall, totalMs: times };
    };
    for (let run = 0; run < RUNS + 1; run++) {
      const c = ctx();
      const t0 = performance.now();
      const res = await exec.run(work, c.ctx);
      const wallMs = performance.now() - t0;
      if (res.outcome !== "success" || c.names.size !== HOSTS) throw new Error(`executor run ${run}: ${res.outcome} ${res.message} (${c.names.size} hosts answered)`);
      const openssh = await xargs("", run);
      // The same with the key exchange ssh2 negotiates (OpenSSH 9.x defaults to the costlier sntrup761x25519).
      const curve = await xargs("-o KexAlgorithms=curve25519-sha256", run);
      if (run === 0) continue; // warm-up (page cache, sshd binaries)
      ours.push({ wallMs, connectMs: c.connectMs, totalMs: c.totalMs });
      theirs.push(openssh);
      theirsCurve.push(curve);
    }
    report("ssh-fanout", {
      hosts: HOSTS,
      concurrency: CONCURRENCY,
      runs: RUNS,
      cpus: cpus().length,
      labMode: lab.mode,
      labStartupMs: lab.startupMs,
      executor: {
        wallMs: { median: round(median(ours.map((o) => o.wallMs))), runs: ours.map((o) => round(o.wallMs)) },
        connectMs: fmt(ours.flatMap((o) => o.connectMs)),
        commandMs: fmt(ours.flatMap((o) => o.totalMs)),
      },
      xargsOpenSsh: {
        wallMs: { median: round(median(theirs.map((o) => o.wallMs))), runs: theirs.map((o) => round(o.wallMs)) },
        perHostTotalMs: fmt(theirs.flatMap((o) => o.totalMs)),
      },
      xargsOpenSshCurve25519: {
        wallMs: { median: round(median(theirsCurve.map((o) => o.wallMs))), runs: theirsCurve.map((o) => round(o.wallMs)) },
        perHostTotalMs: fmt(theirsCurve.flatMap((o) => o.totalMs)),
      },
      rssMB: round(process.memoryUsage().rss / 1e6),
    });
  } finally {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
