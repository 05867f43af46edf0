/**
 * The `sshRollback` step: per host that this execution's release touched, return to the release it replaced.
 *
 *   touched     the host's live release is work.release, or its .previous-release was written by work.release
 *               (a deploy that stopped the service and then failed before switching counts too)
 *   target      the release recorded in .previous-release (by work.release); else the release whose backup
 *               work.release made (backups/backups.log); a host where work.release was the first release fails
 *   per host    lbRemove → stop → restore (the folder, or from its newest backup) → start (switch current) →
 *               healthCheck → lbAdd; a host already back on the target only gets start/health/LB (idempotent)
 *
 * Hosts not touched are left alone and say so. Batches, concurrency and tolerance as in sshDeploy.
 */
import type { SshRollbackWork } from "@slipway/pipeline-spec/protocol";
import type { StepContext, StepExecutor, StepResult } from "../types";
import { batchSize, mapLimit, runBatches, toBatches } from "./batches";
import { step } from "./deploy";
import { connectFleet, errorMessage, hostScript, hostVars, inOrder, parseKv, type FleetHost, type SshExecutorOptions } from "./fleet";
import { HaproxyRuntime, checkName } from "./haproxy";
import * as P from "./phases";
import { FleetProgress } from "./progress";
import { shq, substitute } from "./vars";

export function createSshRollbackExecutor(options: SshExecutorOptions): StepExecutor<SshRollbackWork> {
  return { kind: "sshRollback", run: (work, ctx) => runRollback(work, ctx, options) };
}

const fail = (message: string, outputs: Record<string, string> = {}): StepResult => ({ outcome: "failure", exitCode: null, message, outputs });

interface Plan {
  state: P.HostState;
  target: string;
}

async function runRollback(work: SshRollbackWork, ctx: StepContext, options: SshExecutorOptions): Promise<StepResult> {
  const started = Date.now();
  if (!P.RELEASE_NAME.test(work.release)) return fail(`release ${JSON.stringify(work.release)} cannot be a folder name`);
  let size: number;
  try {
    size = batchSize(work.batch.size, work.hosts.length);
    for (const t of work.hosts) {
      const vars = hostVars(work.variables, t, { APP_PATH: "/app", RELEASE: work.release });
      if (work.healthCheck) substitute(work.healthCheck.url, vars, "strict", "the health check URL");
      if (work.loadBalancer?.kind === "haproxy") checkName("server", substitute(work.loadBalancer.server, vars, "strict", "the load balancer's server name"));
    }
    if (work.loadBalancer?.kind === "haproxy") new HaproxyRuntime(work.loadBalancer.runtimeApi);
  } catch (err) {
    return fail(`${errorMessage(err)}; nothing was changed on any host`);
  }

  const concurrency = Math.min(64, Math.max(options.connectConcurrency ?? 32, work.batch.maxConcurrency ?? 1));
  const connected = await connectFleet(work.hosts, ctx, { concurrency, tolerateUnreachable: work.batch.tolerateFailures });
  const fleet = connected.fleet;
  const outputs = (): Record<string, string> => {
    const learned = fleet.learnedHostKeys();
    return Object.keys(learned).length ? { learnedHostKeys: JSON.stringify(learned) } : {};
  };
  const progress = new FleetProgress(
    work.hosts.map((h) => h.name),
    (p) => ctx.progress(p),
  );
  try {
    if (!connected.ok) {
      for (const h of fleet.hosts) progress.set(h.target.name, h.error ? { status: "failed", message: h.error } : { status: "skipped", message: "not started: another host was refused" });
      return fail(connected.message, outputs());
    }
    const failures = new Map<string, string>();
    for (const h of connected.unreachable) {
      failures.set(h.target.name, h.error!);
      progress.set(h.target.name, { status: "failed", message: h.error! });
    }
    const plans = new Map<FleetHost, Plan>();
    const untouched: FleetHost[] = [];
    await mapLimit(
      fleet.hosts.filter((h) => h.error === null),
      concurrency,
      async (h) => {
        try {
          const appPath = substitute(work.appPath, hostVars(work.variables, h.target, { RELEASE: work.release }), "shell", "appPath");
          const state = await P.probeHost(h, appPath, work.sudo, ctx.signal);
          progress.set(h.target.name, { release: state.current });
          const touched = state.current === work.release || state.previousBy === work.release;
          if (!touched) {
            untouched.push(h);
            progress.set(h.target.name, { status: "skipped", message: `not changed by ${work.release}: left alone` });
            h.lane.system(`live release ${state.current ?? "none"}; not changed by ${work.release}: left alone`);
            return;
          }
          let target = state.previousBy === work.release ? state.previous : null;
          if (target === null) target = await backedUpBy(h, state.appPath, work.release, ctx.signal);
          if (target === null) throw new Error(`${work.release} is live here, but no record says which release it replaced (.previous-release, backups/backups.log)`);
          if (target === "") throw new Error(`${work.release} was the first release on this host: there is nothing to roll back to`);
          plans.set(h, { state, target });
          h.lane.system(`live release ${state.current ?? "none"}; rolling back to ${target}${state.current === target ? " (already live)" : ""}`);
        } catch (err) {
          failures.set(h.target.name, errorMessage(err));
          progress.set(h.target.name, { status: "failed", message: errorMessage(err) });
          h.lane.system(`cannot roll back: ${errorMessage(err)}`);
        }
      },
    );
    if (ctx.signal.aborted) return fail("cancelled before any host was changed", outputs());
    const selected = fleet.hosts.filter((h) => plans.has(h));
    const perBatch = typeof work.batch.size === "string" ? batchSize(work.batch.size, Math.max(1, selected.length)) : size;
    const batches = toBatches(selected, perBatch);
    ctx.log.system(`rolling back ${selected.length} host(s) touched by ${work.release}; ${untouched.length} untouched host(s) left alone; ${batches.length} batch(es) of up to ${perBatch}`);
    const lb: P.LbContext | null = work.loadBalancer
      ? { lb: work.loadBalancer, haproxy: work.loadBalancer.kind === "haproxy" ? new HaproxyRuntime(work.loadBalancer.runtimeApi) : null, baseEnv: options.baseEnv, delegatePid: options.delegatePid, workDir: ctx.workDir }
      : null;
    const run = await runBatches(batches, {
      maxConcurrency: work.batch.maxConcurrency ?? perBatch,
      tolerateFailures: work.batch.tolerateFailures - failures.size,
      signal: ctx.signal,
      onBatch: (i, total) => {
        progress.setBatch(i, total);
        ctx.log.system(`batch ${i + 1}/${total}: ${batches[i]!.map((h) => h.target.name).join(", ")}`);
      },
      work: (h) => rollbackHost(h, plans.get(h)!, { work, ctx, lb, progress, failures }),
    });
    for (const h of run.notStarted) progress.set(h.target.name, { status: "skipped", message: ctx.signal.aborted ? "cancelled before this host started" : "not started: too many hosts failed" });
    const names = (list: FleetHost[]) => fleet.hosts.filter((h) => list.includes(h)).map((h) => h.target.name).join(",");
    const failed = fleet.hosts.filter((h) => failures.has(h.target.name));
    const out = { ...outputs(), rolledBackHosts: names(run.succeeded), untouchedHosts: names(untouched), failedHosts: names(failed) };
    if (ctx.signal.aborted) return { outcome: "cancelled", exitCode: null, message: `cancelled after ${run.succeeded.length} host(s) were rolled back`, outputs: out };
    if (failures.size > work.batch.tolerateFailures) {
      return fail(`${failures.size} host(s) could not be rolled back (tolerated: ${work.batch.tolerateFailures}): ${inOrder(work.hosts, failures).map(([n, m]) => `${n}: ${m}`).join(" | ")}`, out);
    }
    const took = ((Date.now() - started) / 1000).toFixed(1);
    return { outcome: "success", exitCode: 0, message: `rolled back ${run.succeeded.length} host(s) from ${work.release}; ${untouched.length} untouched; in ${took} s`, outputs: out };
  } finally {
    fleet.close();
  }
}

/** The release whose backup `release` made on this host ("" never: a backup implies a release before). */
async function backedUpBy(h: FleetHost, appPath: string, release: string, signal: AbortSignal): Promise<string | null> {
  const r = await hostScript(h, `f=${shq(`${appPath}/backups/backups.log`)}\n[ -f "$f" ] || exit 0\nprintf 'prev=%s\\n' "$(grep -F ' by='${shq(release)}' ' "$f" | tail -n 1 | sed -n 's/.* release=\\([^ ]*\\) .*/\\1/p')"`, { signal, quiet: true, timeoutMs: P.TIMEOUTS.probe, what: "reading backups.log" });
  const prev = parseKv(r.stdout).prev;
  return prev ? prev : null;
}

interface RollbackShared {
  work: SshRollbackWork;
  ctx: StepContext;
  lb: P.LbContext | null;
  progress: FleetProgress;
  failures: Map<string, string>;
}

async function rollbackHost(h: FleetHost, plan: Plan, s: RollbackShared): Promise<boolean> {
  const { work, ctx, progress } = s;
  const name = h.target.name;
  const vars = hostVars(work.variables, h.target, { APP_PATH: plan.state.appPath, RELEASE: plan.target, ROLLBACK_FROM: work.release });
  const run: P.HostRun = {
    h,
    appPath: plan.state.appPath,
    release: plan.target,
    vars,
    sudo: work.sudo,
    serviceControl: work.serviceControl,
    signal: ctx.signal,
    current: plan.state.current,
    atRelease: plan.state.current === plan.target,
    stopped: false,
    relinked: false,
  };
  const already = run.atRelease ? `already back on ${plan.target}: skipped` : null;
  const phases: [string, () => Promise<string>][] = [
    ["lbRemove", () => P.lbRemove(run, s.lb, vars)],
    ["stop", () => P.stop(run)],
    ["restore", () => (already ? Promise.resolve(already) : P.restore(run, plan.target))],
    ["start", () => P.start(run, plan.target)],
    ["healthCheck", () => P.healthCheck(run, work.healthCheck)],
    ["lbAdd", () => P.lbAdd(run, s.lb, vars)],
  ];
  progress.set(name, { status: "running", message: `rolling back to ${plan.target}` });
  for (const [p, fn] of phases) {
    progress.set(name, { phase: p });
    if (!(await step(h, p, fn, s))) return false;
    if (p === "start") progress.set(name, { release: plan.target });
  }
  progress.set(name, { status: "done", release: plan.target, message: `back on ${plan.target}` });
  return true;
}
