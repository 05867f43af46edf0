/**
 * Watching ECS services: waiting for the deployment we created (never "any" steady state: a service ECS rolled back
 * is steady too), scaling, waiting for a deleted service to become INACTIVE, and reading deployment history to find
 * the task definition a deployment replaced.
 *
 * Waiting polls DescribeServices every `pollIntervalMs` (default 5 s, not the SDK waiter's 15 s) and decides on the
 * rolloutState of our deployment, by id:
 *   COMPLETED (and the service down to that one deployment, running = desired)  → success
 *   FAILED                                                                       → failure with ECS's reason
 *   our deployment gone and another one PRIMARY                                  → failure "ECS rolled back"
 * New service events are copied to the log as they appear, and progress is posted while waiting.
 */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  ListServiceDeploymentsCommand,
  UpdateServiceCommand,
  type Deployment,
  type DescribeServiceDeploymentsCommandOutput,
  type DescribeServiceRevisionsCommandOutput,
  type ListServiceDeploymentsCommandOutput,
  type Service,
} from "@aws-sdk/client-ecs";
import type { AwsEcsTarget } from "@slipway/pipeline-spec/protocol";
import type { StepLog } from "../types";
import type { AwsClients } from "./clients";
import type { Clock, EcsProgress, ProgressReporter } from "./context";
import { Cancelled, PhaseFailure, shortArn } from "./errors";
import { describeServices, healthyTargets } from "./inspect";

export type Role = EcsProgress["services"][number]["role"];

export interface Env {
  aws: AwsEcsTarget;
  clients: AwsClients;
  clock: Clock;
  signal: AbortSignal;
  log: StepLog;
  progress: ProgressReporter;
  /** Absolute deadline (clock ms) for any wait in this task. */
  deadline: number;
}

/** Polls run at a fixed rate: the time the calls took comes off the wait, so a change is seen within one interval. */
function nextPollIn(clock: Clock, began: number, intervalMs: number): number {
  return Math.max(0, intervalMs - (clock.now() - began));
}

export function primaryOf(svc: Service | undefined): Deployment | undefined {
  return svc?.deployments?.find((d) => d.status === "PRIMARY");
}

export function serviceRow(name: string, role: Role, svc: Service | undefined, deploymentId?: string): EcsProgress["services"][number] {
  const d = deploymentId ? svc?.deployments?.find((x) => x.id === deploymentId) : primaryOf(svc);
  return {
    name,
    role,
    desired: svc?.desiredCount ?? 0,
    running: svc?.runningCount ?? 0,
    pending: svc?.pendingCount ?? 0,
    taskDefinition: shortArn(d?.taskDefinition ?? svc?.taskDefinition ?? ""),
    rolloutState: d?.rolloutState ?? null,
  };
}

export interface Watched {
  name: string;
  role: Role;
  /** The deployment whose outcome decides (only for the service being deployed). */
  deploymentId?: string;
  taskDefinitionArn?: string;
}

export interface WaitOutcome {
  service: Service;
  deployment: Deployment;
  /** Clock time when the poll that saw COMPLETED returned. */
  detectedAt: number;
  polls: number;
}

/** Copies service events newer than `since` to the log, once each. */
export class EventTail {
  private readonly seen = new Set<string>();
  constructor(private readonly since: number) {}

  log(log: StepLog, svc: Service | undefined): void {
    const fresh = (svc?.events ?? [])
      .filter((e) => e.id && !this.seen.has(e.id) && (e.createdAt?.getTime() ?? 0) >= this.since)
      .reverse()
      .slice(-20);
    for (const e of fresh) {
      this.seen.add(e.id!);
      log.system(`  ecs event ${e.createdAt?.toISOString().slice(11, 19) ?? ""}: ${e.message ?? ""}`);
    }
  }
}

/**
 * Polls until the watched deployment is COMPLETED (and the service settled on it), or fails with why. `others` are
 * described in the same call for the progress view (e.g. the live blue service beside the green one).
 */
export async function waitForDeployment(
  env: Env,
  target: Watched & { deploymentId: string; taskDefinitionArn: string },
  opts: {
    pollIntervalMs: number;
    others?: Watched[];
    phase: (svc: Service, d: Deployment) => string;
    weights: EcsProgress["weights"];
    since: number;
    /**
     * Also require this many healthy targets (the desired count) in the service's target group: a scale-up keeps
     * the deployment COMPLETED while the new tasks are still in their first health checks.
     */
    targetGroupArn?: string;
  },
): Promise<WaitOutcome> {
  const { log, clock } = env;
  const tail = new EventTail(opts.since);
  const others = opts.others ?? [];
  const maxPolls = Math.ceil(Math.max(0, env.deadline - clock.now()) / Math.max(1, opts.pollIntervalMs)) + 2;
  let lastLine = "";
  for (let poll = 1; poll <= maxPolls; poll++) {
    const began = clock.now();
    if (env.signal.aborted) throw new Cancelled(`stopped while waiting for ${target.name}`);
    const services = await describeServices(env.aws, env.clients, [target.name, ...others.map((o) => o.name)]);
    const svc = services.get(target.name);
    if (!svc) throw new PhaseFailure(`ECS service "${target.name}" disappeared while waiting for deployment ${target.deploymentId}`);
    tail.log(log, svc);
    const ours = svc.deployments?.find((d) => d.id === target.deploymentId);
    const primary = primaryOf(svc);
    const rows = [serviceRow(target.name, target.role, svc, ours ? target.deploymentId : undefined), ...others.map((o) => serviceRow(o.name, o.role, services.get(o.name)))];
    if (!ours) {
      env.progress.post({ kind: "ecs", phase: "UNHEALTHY", weights: opts.weights, services: rows, failingSample: null }, true);
      const now = primary?.taskDefinition ? ` and the service runs ${shortArn(primary.taskDefinition)} again` : "";
      throw new PhaseFailure(`ECS rolled back: deployment ${target.deploymentId} of ${shortArn(target.taskDefinitionArn)} is gone from ${target.name}${now}`);
    }
    const line = `${target.name}: deployment ${ours.id} ${ours.rolloutState ?? "?"} desired ${svc.desiredCount ?? 0} running ${ours.runningCount ?? 0} pending ${ours.pendingCount ?? 0}${(ours.failedTasks ?? 0) > 0 ? ` failed ${ours.failedTasks}` : ""}${(svc.deployments?.length ?? 0) > 1 ? ` (+${svc.deployments!.length - 1} older deployment${svc.deployments!.length > 2 ? "s" : ""} draining)` : ""}`;
    if (line !== lastLine) log.system(line);
    lastLine = line;

    if (ours.rolloutState === "FAILED") {
      env.progress.post({ kind: "ecs", phase: "UNHEALTHY", weights: opts.weights, services: rows, failingSample: null }, true);
      const back = primary && primary.id !== ours.id ? `; ECS rolled back to ${shortArn(primary.taskDefinition ?? "")} (deployment ${primary.id})` : "";
      throw new PhaseFailure(`deployment ${ours.id} of ${shortArn(target.taskDefinitionArn)} FAILED: ${ours.rolloutStateReason ?? "no reason given"}${back}`);
    }
    const settled =
      ours.rolloutState === "COMPLETED" &&
      ours.status === "PRIMARY" &&
      (svc.deployments?.length ?? 0) === 1 &&
      (svc.runningCount ?? 0) === (svc.desiredCount ?? 0) &&
      (svc.pendingCount ?? 0) === 0;
    env.progress.post({ kind: "ecs", phase: opts.phase(svc, ours), weights: opts.weights, services: rows, failingSample: null });
    if (settled && opts.targetGroupArn && (svc.desiredCount ?? 0) > 0) {
      const health = await healthyTargets(env.clients, opts.targetGroupArn);
      if (health.healthy < (svc.desiredCount ?? 0)) {
        const wait = `${target.name}: ${health.healthy} of ${svc.desiredCount} targets healthy in ${shortArn(opts.targetGroupArn)}`;
        if (wait !== lastLine) log.system(wait);
        lastLine = wait;
      } else return { service: svc, deployment: ours, detectedAt: clock.now(), polls: poll };
    } else if (settled) return { service: svc, deployment: ours, detectedAt: clock.now(), polls: poll };
    if (clock.now() >= env.deadline) break;
    await clock.sleep(nextPollIn(clock, began, opts.pollIntervalMs), env.signal);
  }
  if (env.signal.aborted) throw new Cancelled(`stopped while waiting for ${target.name}`);
  throw new PhaseFailure(`gave up waiting for deployment ${target.deploymentId} of ${target.name}: ${lastLine}`);
}

/** Waiting for a deleted (DRAINING) service to become INACTIVE, so CreateService can reuse its name. */
export async function waitUntilGone(env: Env, name: string, pollIntervalMs: number): Promise<void> {
  const maxPolls = Math.ceil(Math.max(0, env.deadline - env.clock.now()) / Math.max(1, pollIntervalMs)) + 2;
  for (let poll = 1; poll <= maxPolls; poll++) {
    const began = env.clock.now();
    const svc = (await describeServices(env.aws, env.clients, [name])).get(name);
    if (!svc) return;
    env.log.system(`${name} is ${svc.status} (deleted, draining ${svc.runningCount ?? 0} tasks): waiting before creating it again`);
    if (env.signal.aborted) throw new Cancelled();
    if (env.clock.now() >= env.deadline) break;
    await env.clock.sleep(nextPollIn(env.clock, began, pollIntervalMs), env.signal);
  }
  throw new PhaseFailure(`ECS service "${name}" is still draining after a delete; cannot create it again yet`);
}

/** Waits until a service runs no tasks (after scaling it to 0). */
export async function waitUntilDrained(env: Env, name: string, role: Role, pollIntervalMs: number, phase: string, weights: EcsProgress["weights"]): Promise<Service | undefined> {
  const maxPolls = Math.ceil(Math.max(0, env.deadline - env.clock.now()) / Math.max(1, pollIntervalMs)) + 2;
  let last = "";
  for (let poll = 1; poll <= maxPolls; poll++) {
    const began = env.clock.now();
    const svc = (await describeServices(env.aws, env.clients, [name])).get(name);
    env.progress.post({ kind: "ecs", phase, weights, services: [serviceRow(name, role, svc)], failingSample: null });
    if (!svc || ((svc.runningCount ?? 0) === 0 && (svc.pendingCount ?? 0) === 0)) return svc;
    const line = `${name}: desired ${svc.desiredCount ?? 0} running ${svc.runningCount ?? 0} pending ${svc.pendingCount ?? 0}`;
    if (line !== last) env.log.system(line);
    last = line;
    if (env.signal.aborted) throw new Cancelled();
    if (env.clock.now() >= env.deadline) break;
    await env.clock.sleep(nextPollIn(env.clock, began, pollIntervalMs), env.signal);
  }
  throw new PhaseFailure(`${name} still runs tasks after scaling to 0: ${last}`);
}

export async function scaleService(env: Env, name: string, desiredCount: number): Promise<Service | undefined> {
  const out = await env.clients.call<{ service?: Service }>("ecs", new UpdateServiceCommand({ cluster: env.aws.cluster, service: name, desiredCount }), `${name} desiredCount=${desiredCount}`);
  return out.service;
}

export interface History {
  /** Whether any recent deployment of the service targeted `taskDefinitionArn`. */
  found: boolean;
  /** The task definition the newest such deployment replaced. */
  previous?: string;
  /** That deployment's status (SUCCESSFUL, ROLLBACK_SUCCESSFUL, STOPPED, …) and reason. */
  status?: string;
  reason?: string;
}

/**
 * Deployment history (ListServiceDeployments → DescribeServiceDeployments → DescribeServiceRevisions): which task
 * definition the newest deployment of ours replaced, and whether ECS rolled it back. Used only on a repeat, when the
 * live service no longer shows what it ran before.
 */
export async function deploymentHistory(env: Env, serviceName: string, taskDefinitionArn: string): Promise<History> {
  const list = await env.clients.call<ListServiceDeploymentsCommandOutput>(
    "ecs",
    new ListServiceDeploymentsCommand({ cluster: env.aws.cluster, service: serviceName, maxResults: 10 }),
    `${serviceName} (history)`,
  );
  const arns = (list.serviceDeployments ?? []).map((d) => d.serviceDeploymentArn).filter((a): a is string => !!a);
  if (arns.length === 0) return { found: false };
  const described = await env.clients.call<DescribeServiceDeploymentsCommandOutput>(
    "ecs",
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns }),
    `${arns.length} deployment${arns.length === 1 ? "" : "s"} of ${serviceName}`,
  );
  const records = (described.serviceDeployments ?? []).sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  const revisionArns = [...new Set(records.flatMap((r) => [r.targetServiceRevision?.arn, ...(r.sourceServiceRevisions ?? []).map((s) => s.arn)]).filter((a): a is string => !!a))].slice(0, 20);
  if (revisionArns.length === 0) return { found: false };
  const revisions = await env.clients.call<DescribeServiceRevisionsCommandOutput>(
    "ecs",
    new DescribeServiceRevisionsCommand({ serviceRevisionArns: revisionArns }),
    `${revisionArns.length} revision${revisionArns.length === 1 ? "" : "s"}`,
  );
  const tdOf = new Map((revisions.serviceRevisions ?? []).map((r) => [r.serviceRevisionArn, r.taskDefinition]));
  const mine = records.find((r) => tdOf.get(r.targetServiceRevision?.arn) === taskDefinitionArn);
  if (!mine) return { found: false };
  const source = (mine.sourceServiceRevisions ?? []).map((s) => tdOf.get(s.arn)).find((td) => td && td !== taskDefinitionArn);
  return { found: true, previous: source, status: mine.status, reason: mine.statusReason };
}
