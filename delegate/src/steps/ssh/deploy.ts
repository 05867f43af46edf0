/**
 * The `sshDeploy` step: the seed's per-host sequence as a configurable phase list, in batches.
 *
 *   1. check everything that can be checked on the delegate: release name, phases, batch size, every ${VAR} in
 *      config templates / health URL / LB server name, the runtime API address
 *   2. connect every host and verify its key (fleet.ts): one refused key → fail, nothing ran anywhere
 *   3. read each host's state (app path, live release); fetch the artifact once (sha256 checked)
 *   4. pick the hosts (canary: until ⌈percent⌉ run the release, hosts already on it count) and cut batches
 *   5. per host, the phases in order (phases.ts), each idempotent; batches stop once failures pass the tolerance
 *   6. prune old releases on hosts that succeeded; report learned host keys and the per-host outcome
 *
 * Progress (per host: phase, status, release; the batch) goes to ctx.progress as it changes.
 */
import type { SshDeployWork } from "@slipway/pipeline-spec/protocol";
import type { StepContext, StepExecutor, StepResult } from "../types";
import { ArtifactError, fetchArtifact, type LocalArtifact } from "./artifact";
import { batchSize, canaryPlan, mapLimit, runBatches, toBatches } from "./batches";
import { connectFleet, errorMessage, hostVars, inOrder, type FleetHost, type SshExecutorOptions } from "./fleet";
import { HaproxyRuntime, checkName } from "./haproxy";
import * as P from "./phases";
import { FleetProgress } from "./progress";
import { substitute } from "./vars";

/** Mirrors DEPLOY_PHASES in pipeline-spec/src/steps/ssh.ts (the delegate bundle imports only the protocol). */
export const DEPLOY_PHASES = ["lbRemove", "stop", "backup", "transfer", "install", "configure", "permissions", "start", "healthCheck", "lbAdd"] as const;
type Phase = (typeof DEPLOY_PHASES)[number];

export function createSshDeployExecutor(options: SshExecutorOptions): StepExecutor<SshDeployWork> {
  return { kind: "sshDeploy", run: (work, ctx) => runDeploy(work, ctx, options) };
}

const fail = (message: string, outputs: Record<string, string> = {}): StepResult => ({ outcome: "failure", exitCode: null, message, outputs });

/** Everything ${VAR} on every host must resolve before anything is touched: returns the first problem. */
export function precheck(work: Pick<SshDeployWork, "hosts" | "variables" | "configFiles" | "healthCheck" | "loadBalancer" | "release">, extra: Record<string, string> = {}): string | null {
  try {
    for (const t of work.hosts) {
      const vars = hostVars(work.variables, t, { APP_PATH: "/app", RELEASE: work.release, ...extra });
      for (const f of work.configFiles) substitute(f.template, vars, "strict", `config file ${f.path}`);
      if (work.healthCheck) substitute(work.healthCheck.url, vars, "strict", "the health check URL");
      if (work.loadBalancer?.kind === "haproxy") checkName("server", substitute(work.loadBalancer.server, vars, "strict", "the load balancer's server name"));
    }
    for (const f of work.configFiles) P.checkConfigPath(f.path);
    if (work.loadBalancer?.kind === "haproxy") {
      new HaproxyRuntime(work.loadBalancer.runtimeApi);
      checkName("backend", work.loadBalancer.backend);
    }
    return null;
  } catch (err) {
    return errorMessage(err);
  }
}

async function runDeploy(work: SshDeployWork, ctx: StepContext, options: SshExecutorOptions): Promise<StepResult> {
  const started = Date.now();
  if (!P.RELEASE_NAME.test(work.release)) return fail(`release ${JSON.stringify(work.release)} cannot be a folder name (letters, digits, ".", "_", "-")`);
  const phases = (work.phases.length ? work.phases : [...DEPLOY_PHASES]) as string[];
  const unknown = phases.filter((p) => !(DEPLOY_PHASES as readonly string[]).includes(p));
  if (unknown.length) return fail(`unknown phase${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")} (known: ${DEPLOY_PHASES.join(", ")})`);
  let size: number;
  try {
    size = batchSize(work.batch.size, work.hosts.length);
  } catch (err) {
    return fail(errorMessage(err));
  }
  const problem = precheck(work);
  if (problem) return fail(`${problem}; nothing was changed on any host`);

  const connectConcurrency = Math.min(64, Math.max(options.connectConcurrency ?? 32, work.batch.maxConcurrency ?? 1));
  const connected = await connectFleet(work.hosts, ctx, { concurrency: connectConcurrency, tolerateUnreachable: work.batch.tolerateFailures });
  const fleet = connected.fleet;
  const outputs = (): Record<string, string> => {
    const learned = fleet.learnedHostKeys();
    return { release: work.release, ...(Object.keys(learned).length ? { learnedHostKeys: JSON.stringify(learned) } : {}) };
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

    // Where each host stands (read-only).
    const reachable = fleet.hosts.filter((h) => h.error === null);
    const states = new Map<FleetHost, P.HostState>();
    await mapLimit(reachable, connectConcurrency, async (h) => {
      try {
        const s = await P.probeHost(h, substitute(work.appPath, hostVars(work.variables, h.target, { RELEASE: work.release }), "shell", "appPath"), work.sudo, ctx.signal);
        states.set(h, s);
        progress.set(h.target.name, { release: s.current });
        h.lane.system(`app folder ${s.appPath}; live release: ${s.current ?? "none"}${s.current === work.release ? " (this release)" : ""}`);
      } catch (err) {
        failures.set(h.target.name, errorMessage(err));
        progress.set(h.target.name, { status: "failed", message: errorMessage(err) });
        h.lane.system(`cannot read the host's state: ${errorMessage(err)}`);
      }
    });
    if (ctx.signal.aborted) return fail("cancelled before any host was changed", outputs());
    if (failures.size > work.batch.tolerateFailures) {
      return fail(`${failures.size} host(s) cannot be deployed to (tolerated: ${work.batch.tolerateFailures}); nothing was changed on any host: ${inOrder(work.hosts, failures).map(([n, m]) => `${n}: ${m}`).join(" | ")}`, outputs());
    }
    const ready = reachable.filter((h) => states.has(h));
    const onRelease = (h: FleetHost) => {
      const s = states.get(h)!;
      return s.current === work.release && s.currentComplete;
    };

    // Which hosts, in which batches.
    let selected = ready;
    if (work.percent !== null) {
      const plan = canaryPlan(
        work.hosts.map((t) => {
          const h = ready.find((x) => x.target === t);
          return h ? onRelease(h) : false;
        }),
        work.percent,
      );
      const chosen = new Set(plan.selected.map((i) => work.hosts[i]!));
      selected = ready.filter((h) => chosen.has(h.target));
      ctx.log.system(`canary ${work.percent}%: ${plan.target} of ${work.hosts.length} hosts must run ${work.release}; ${plan.alreadyOn.length} already do, deploying to ${selected.length} more`);
      for (const h of ready) {
        if (chosen.has(h.target)) continue;
        const already = onRelease(h);
        progress.set(h.target.name, { status: already ? "done" : "skipped", release: states.get(h)!.current, message: already ? `already on ${work.release}: counts toward ${work.percent}%` : `not part of the ${work.percent}% step` });
        h.lane.system(already ? `already at release ${work.release}: counts toward ${work.percent}%; skipped` : `not selected for the ${work.percent}% step: left alone`);
      }
    }
    const perBatch = work.percent !== null ? batchSize(work.batch.size, Math.max(1, selected.length)) : size;
    const batches = toBatches(selected, perBatch);
    const concurrency = work.batch.maxConcurrency ?? perBatch;
    ctx.log.system(`deploying ${work.release} to ${selected.length} host${selected.length === 1 ? "" : "s"} in ${batches.length} batch${batches.length === 1 ? "" : "es"} of up to ${perBatch} (${concurrency} at once, ${work.batch.tolerateFailures} failure(s) tolerated); phases: ${phases.join(" → ")}`);

    // The artifact, once for the task, before any host is changed (later only if every host was already on it).
    let fetched: Promise<LocalArtifact> | null = null;
    const spec = work.artifact;
    const getArtifact = spec ? () => (fetched ??= fetchArtifact(spec, ctx.workDir, ctx.signal, (l) => ctx.log.system(l))) : null;
    if (getArtifact && phases.includes("transfer") && selected.some((h) => !onRelease(h))) {
      try {
        await getArtifact();
      } catch (err) {
        if (ctx.signal.aborted) return fail("cancelled before any host was changed", outputs());
        return fail(err instanceof ArtifactError ? err.message : `cannot get the artifact: ${errorMessage(err)}; nothing was changed on any host`, outputs());
      }
    }
    const lb: P.LbContext | null = work.loadBalancer
      ? { lb: work.loadBalancer, haproxy: work.loadBalancer.kind === "haproxy" ? new HaproxyRuntime(work.loadBalancer.runtimeApi) : null, baseEnv: options.baseEnv, delegatePid: options.delegatePid, workDir: ctx.workDir }
      : null;

    const run = await runBatches(batches, {
      maxConcurrency: concurrency,
      tolerateFailures: work.batch.tolerateFailures - failures.size,
      signal: ctx.signal,
      onBatch: (index, total) => {
        progress.setBatch(index, total);
        ctx.log.system(`batch ${index + 1}/${total}: ${batches[index]!.map((h) => h.target.name).join(", ")}`);
      },
      work: (h) => deployHost(h, states.get(h)!, { work, ctx, phases: phases as Phase[], getArtifact, lb, progress, failures }),
    });
    if (batches.length) progress.setBatch(batches.length - 1, batches.length);
    for (const h of run.notStarted) {
      progress.set(h.target.name, { status: "skipped", message: ctx.signal.aborted ? "cancelled before this host started" : "not started: too many hosts failed" });
      h.lane.system(ctx.signal.aborted ? "cancelled before this host started" : "not started: the step stopped after too many failed hosts");
    }
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    const names = (list: FleetHost[]) => fleet.hosts.filter((h) => list.includes(h)).map((h) => h.target.name).join(",");
    const out = { ...outputs(), deployedHosts: names(run.succeeded), failedHosts: names(fleet.hosts.filter((h) => failures.has(h.target.name))) };
    if (ctx.signal.aborted) return { outcome: "cancelled", exitCode: null, message: `cancelled after ${run.succeeded.length} host(s) were deployed`, outputs: out };
    if (failures.size > work.batch.tolerateFailures || (failures.size > 0 && run.notStarted.length > 0)) {
      const list = inOrder(work.hosts, failures).map(([n, m]) => `${n}: ${m}`).join(" | ");
      return fail(`${failures.size} host${failures.size === 1 ? "" : "s"} failed (tolerated: ${work.batch.tolerateFailures})${run.notStarted.length ? `, ${run.notStarted.length} not started` : ""}: ${list}`, out);
    }
    const already = work.percent !== null ? ready.filter((h) => onRelease(h)).length : 0;
    const tolerated = failures.size ? `; ${failures.size} failed within the tolerance: ${inOrder(work.hosts, failures).map(([n]) => n).join(", ")}` : "";
    return { outcome: "success", exitCode: 0, message: `${work.release} on ${run.succeeded.length + already}/${work.hosts.length} hosts (${run.succeeded.length} deployed in ${batches.length} batch${batches.length === 1 ? "" : "es"}) in ${took}${tolerated}`, outputs: out };
  } finally {
    fleet.close();
  }
}

interface DeployShared {
  work: SshDeployWork;
  ctx: StepContext;
  phases: Phase[];
  /** The artifact (fetched once for the task), or null when the service has none. */
  getArtifact: (() => Promise<LocalArtifact>) | null;
  lb: P.LbContext | null;
  progress: FleetProgress;
  failures: Map<string, string>;
}

async function deployHost(h: FleetHost, state: P.HostState, s: DeployShared): Promise<boolean> {
  const { work, ctx, progress } = s;
  const name = h.target.name;
  const vars = hostVars(work.variables, h.target, { APP_PATH: state.appPath, RELEASE: work.release });
  const run: P.HostRun = {
    h,
    appPath: state.appPath,
    release: work.release,
    vars,
    sudo: work.sudo,
    serviceControl: work.serviceControl,
    signal: ctx.signal,
    current: state.current,
    atRelease: state.current === work.release && state.currentComplete,
    stopped: false,
    relinked: false,
  };
  const files = work.configFiles.map((f) => ({ path: P.checkConfigPath(f.path), content: substitute(f.template, vars, "strict", `config file ${f.path}`) }));
  const phase: Record<Phase, () => Promise<string>> = {
    lbRemove: () => P.lbRemove(run, s.lb, vars),
    stop: () => P.stop(run),
    backup: () => P.backup(run),
    transfer: () => P.transfer(run, s.getArtifact),
    install: () => P.install(run, !!work.artifact),
    configure: () => P.configure(run, files),
    permissions: () => P.permissions(run, files),
    start: () => P.start(run),
    healthCheck: () => P.healthCheck(run, work.healthCheck),
    lbAdd: () => P.lbAdd(run, s.lb, vars),
  };
  progress.set(name, { status: "running", phase: null, message: "" });
  h.lane.system(`deploying ${work.release} (live: ${state.current ?? "none"}${run.atRelease ? ", already this release" : ""})`);
  const ok = await step(h, "record", () => P.recordPrevious(run), s);
  if (!ok) return false;
  for (const p of s.phases) {
    progress.set(name, { phase: p });
    if (!(await step(h, p, phase[p], s))) return false;
    if (p === "start") progress.set(name, { release: work.release });
  }
  try {
    h.lane.system(`cleanup: ${await P.prune(run, work.keepReleases)}`);
  } catch (err) {
    h.lane.system(`cleanup failed (the deploy itself succeeded): ${errorMessage(err)}`);
  }
  progress.set(name, { status: "done", release: run.relinked || run.atRelease ? work.release : state.current, message: `on ${work.release}` });
  return true;
}

/** Runs one phase on a host: a line before and after in its lane; a failure marks the host failed. */
export async function step(h: FleetHost, name: string, fn: () => Promise<string>, s: { ctx: StepContext; progress: FleetProgress; failures: Map<string, string> }): Promise<boolean> {
  const t0 = Date.now();
  try {
    const summary = await fn();
    h.lane.system(`${name}: ${summary} (${Date.now() - t0} ms)`);
    return true;
  } catch (err) {
    const raw = errorMessage(err);
    const msg = raw.startsWith(`${name}: `) ? raw.slice(name.length + 2) : raw;
    const cancelled = s.ctx.signal.aborted;
    h.lane.system(`${name} failed: ${cancelled ? "cancelled" : msg}`);
    s.failures.set(h.target.name, `${name}: ${cancelled ? "cancelled" : msg}`);
    s.progress.set(h.target.name, { status: "failed", message: `${name}: ${cancelled ? "cancelled" : msg}` });
    return false;
  }
}
