// Benchmark (not a test): how long does the lab take to boot N sshd hosts, and can we log in to all?
// Timing lives here rather than in assertions so slow CI machines report numbers instead of flaking.
//
//   node --import tsx test-support/ssh-lab/start-many.ts [--count 100] [--concurrency 16]
import { cpus } from "node:os";
import { mapLimit } from "./procs";
import { exec, withSsh } from "./ssh-client";
import { startSshHosts } from "./sshd";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

async function main() {
  const count = flag("count", 100);
  const concurrency = flag("concurrency", 16);
  const t0 = performance.now();
  const lab = await startSshHosts({ count, concurrency });
  const started = performance.now();
  try {
    // Log in to every host (20 at a time) to prove each sshd is usable, not merely listening.
    const latencies = await mapLimit(lab.hosts, 20, async (h, i) => {
      const t = performance.now();
      const r = await withSsh(lab.connectConfig(i), (c) => exec(c, 'echo "$SLIPWAY_HOST_NAME"'));
      if (r.stdout.trim() !== h.name) throw new Error(`${h.name} answered ${JSON.stringify(r.stdout)}`);
      return performance.now() - t;
    });
    const loggedIn = performance.now();
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!);
    await lab.stop();
    const stopped = performance.now();
    const summary = {
      hosts: count,
      mode: lab.mode,
      cpus: cpus().length,
      startConcurrency: concurrency,
      startMs: Math.round(started - t0),
      loginAllMs: Math.round(loggedIn - started),
      loginP50Ms: pct(0.5),
      loginP95Ms: pct(0.95),
      stopMs: Math.round(stopped - loggedIn),
    };
    console.log(`started ${count} sshd hosts in ${summary.startMs} ms (${lab.mode} mode, ${summary.cpus} CPUs)`);
    console.log(JSON.stringify(summary));
  } catch (err) {
    await lab.stop();
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
