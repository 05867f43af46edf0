/**
 * The `ssh` step: one script on every selected host, `concurrency` hosts at once, each host's output in its own
 * lane. All hosts are connected and their keys verified before the script starts anywhere. The step fails once
 * more than `tolerateFailures` hosts failed (hosts not started by then are reported as such).
 *
 * The script runs under bash (-e, pipefail) from the login user's home, with the step's env exported and known
 * ${VAR} (env, HOST, HOST_NAME, HOST_PORT, HOST_GROUP, the host's vars) filled in; sudo -n when configured.
 */
import type { SshCommandWork } from "@slipway/pipeline-spec/protocol";
import type { StepContext, StepExecutor, StepResult } from "../types";
import { runBatches } from "./batches";
import { connectFleet, errorMessage, exportLines, hostScript, hostVars, inOrder, type FleetHost, type SshExecutorOptions } from "./fleet";
import { FleetProgress } from "./progress";
import { substitute } from "./vars";

export function createSshCommandExecutor(options: SshExecutorOptions): StepExecutor<SshCommandWork> {
  return { kind: "ssh", run: (work, ctx) => runCommand(work, ctx, options) };
}

async function runCommand(work: SshCommandWork, ctx: StepContext, options: SshExecutorOptions): Promise<StepResult> {
  const started = Date.now();
  const concurrency = Math.max(1, work.concurrency);
  const connected = await connectFleet(work.hosts, ctx, { concurrency: Math.min(64, Math.max(options.connectConcurrency ?? 32, concurrency)), tolerateUnreachable: work.tolerateFailures });
  const fleet = connected.fleet;
  const learned = fleet.learnedHostKeys();
  const outputs: Record<string, string> = Object.keys(learned).length ? { learnedHostKeys: JSON.stringify(learned) } : {};
  const progress = new FleetProgress(
    work.hosts.map((h) => h.name),
    (p) => ctx.progress(p),
  );
  try {
    if (!connected.ok) {
      for (const h of fleet.hosts) progress.set(h.target.name, h.error ? { status: "failed", message: h.error } : { status: "skipped", message: "not started: another host was refused" });
      return { outcome: "failure", exitCode: null, message: connected.message, outputs };
    }
    const failures = new Map<string, string>();
    for (const h of connected.unreachable) {
      failures.set(h.target.name, h.error!);
      progress.set(h.target.name, { status: "failed", message: h.error! });
    }
    const codes: Record<string, number | null> = {};
    const hosts = fleet.hosts.filter((h) => h.error === null);
    const run = await runBatches([hosts], {
      maxConcurrency: concurrency,
      tolerateFailures: work.tolerateFailures - failures.size,
      signal: ctx.signal,
      work: async (h: FleetHost) => {
        const vars = hostVars(work.env, h.target);
        progress.set(h.target.name, { status: "running", phase: "command" });
        const t0 = Date.now();
        try {
          const script = `${exportLines(vars)}\ncd 2>/dev/null || cd /\n${substitute(work.script, vars, "shell", "the script")}`;
          const r = await hostScript(h, script, { signal: ctx.signal, sudo: work.sudo, what: "script" });
          codes[h.target.name] = r.code;
          h.lane.system(`exit code 0 in ${Date.now() - t0} ms`);
          progress.set(h.target.name, { status: "done", message: "exit code 0" });
          return true;
        } catch (err) {
          const msg = errorMessage(err).replace(/^script: /, "");
          codes[h.target.name] = /exit code (\d+)/.exec(msg) ? Number(/exit code (\d+)/.exec(msg)![1]) : null;
          failures.set(h.target.name, msg);
          h.lane.system(`failed: ${msg} after ${Date.now() - t0} ms`);
          progress.set(h.target.name, { status: "failed", message: msg });
          return false;
        }
      },
    });
    for (const h of run.notStarted) progress.set(h.target.name, { status: "skipped", message: ctx.signal.aborted ? "cancelled before this host started" : "not started: too many hosts failed" });
    outputs.exitCodes = JSON.stringify(codes);
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    if (ctx.signal.aborted) return { outcome: "cancelled", exitCode: null, message: `cancelled (${run.succeeded.length} host(s) had finished)`, outputs };
    if (failures.size > work.tolerateFailures) {
      const list = inOrder(work.hosts, failures).map(([n, m]) => `${n}: ${m}`).join(" | ");
      return { outcome: "failure", exitCode: null, message: `${failures.size} of ${work.hosts.length} host(s) failed (tolerated: ${work.tolerateFailures})${run.notStarted.length ? `, ${run.notStarted.length} not started` : ""}: ${list}`, outputs };
    }
    const tolerated = failures.size ? `; ${failures.size} failed within the tolerance (${inOrder(work.hosts, failures).map(([n]) => n).join(", ")})` : "";
    return { outcome: "success", exitCode: 0, message: `succeeded on ${run.succeeded.length}/${work.hosts.length} hosts in ${took}${tolerated}`, outputs };
  } finally {
    fleet.close();
  }
}
