/**
 * ecsDeploy: pre-checks (read-only) → register the task definition (or reuse ours) → update the live service
 * (rolling) or create/update the green service beside it (green) → wait for the deployment we created.
 *
 * Idempotency (a repeat after a lost delegate or a studio restart changes nothing twice):
 * - the task definition revision is reused when the family's newest one is ours (same content, same release and
 *   attempt tags);
 * - UpdateService is skipped when the service's PRIMARY deployment already runs our revision — we then wait on
 *   that deployment; a deployment of ours that ECS already failed or rolled back is reported, not retried;
 * - the green service's name is derived from its target group (`<service>` on blue, `<service>-green` on green), and
 *   CreateService is sent only when DescribeServices says it does not exist (with a clientToken besides).
 * Blue/green sides: the live side is the target group carrying the weight; the new version goes to the other one.
 */
import { createHash } from "node:crypto";
import { CreateServiceCommand, UpdateServiceCommand, type Deployment, type Service } from "@aws-sdk/client-ecs";
import type { EcsDeployWork } from "@slipway/pipeline-spec/protocol";
import type { StepContext, StepExecutor } from "../types";
import { attemptOf, type ExecutorOptions } from "./context";
import { PhaseFailure, Refusal, shortArn } from "./errors";
import { checkCluster, checkTargetGroups, describeService, describeServices, greenPercent, liveSide, readForward, serviceNameFor } from "./inspect";
import { K } from "./outputs";
import { runPhase, type PhaseEnv } from "./run";
import { deploymentHistory, primaryOf, serviceRow, waitForDeployment, waitUntilGone, type Role } from "./service";
import { checkContainer, registerTaskDefinition, RELEASE_TAG, type Registered } from "./task-definition";

export function createEcsDeployExecutor(options: ExecutorOptions = {}): StepExecutor<EcsDeployWork> {
  return { kind: "ecsDeploy", run: (work, ctx) => runPhase("ecsDeploy", work.aws, ctx, options, (env) => deploy(work, ctx, env)) };
}

/** Green task count: a number, a share of the live count ("20%"), or the live count. */
export function greenDesiredCount(work: EcsDeployWork, live: Service | undefined): number {
  if (typeof work.desiredCount === "number") return work.desiredCount;
  const base = (live?.desiredCount ?? 0) > 0 ? live!.desiredCount! : work.aws.desiredCount;
  const pct = typeof work.desiredCount === "string" ? /^(\d{1,3})%$/.exec(work.desiredCount) : null;
  if (pct) return Math.max(1, Math.ceil((base * Number(pct[1])) / 100));
  return base;
}

function deploymentConfiguration(work: EcsDeployWork, rolling: boolean) {
  return {
    minimumHealthyPercent: rolling ? work.minimumHealthyPercent : 100,
    maximumPercent: rolling ? work.maximumPercent : 200,
    deploymentCircuitBreaker: { enable: work.circuitBreaker, rollback: work.circuitBreaker },
  };
}

async function deploy(work: EcsDeployWork, ctx: StepContext, env: PhaseEnv): Promise<string> {
  const { aws, clients, log, outputs } = env;
  const since = env.clock.now();
  Object.assign(outputs, { [K.mode]: work.mode, [K.cluster]: aws.cluster, [K.service]: aws.serviceName, [K.release]: work.release });
  env.progress.post({ kind: "ecs", phase: "PRE_CHECK", weights: null, services: [], failingSample: null }, true);

  // ---------------------------------------------------------------------------------------- pre-checks (read-only)
  log.system("pre-checks (read-only)");
  const lb = aws.loadBalancer;
  if (lb) {
    const problem = checkContainer(work.taskDefinition, lb.containerName, lb.containerPort);
    if (problem) throw new Refusal(problem);
  }
  await checkCluster(aws, clients);
  const forward = lb ? await readForward(lb, clients) : undefined;
  if (lb && forward) await checkTargetGroups(lb, clients, forward, { greenMustBeAttached: work.mode === "green" });

  if (work.mode === "rolling") {
    const liveTg = lb && forward ? liveSide(lb, forward.weights).live : undefined;
    const name = liveTg ? serviceNameFor(aws, liveTg) : aws.serviceName;
    const svc = await describeService(aws, clients, name);
    if (!svc) throw new Refusal(`ECS service "${name}" does not exist in cluster "${aws.cluster}"; a rolling deployment updates an existing service (use a green deployment to create one)`);
    if (svc.status !== "ACTIVE") throw new Refusal(`ECS service "${name}" is ${svc.status}, not ACTIVE`);
    const onTg = liveTg && (svc.loadBalancers ?? []).some((l) => l.targetGroupArn === liveTg) ? liveTg : undefined;
    return rolling(work, ctx, env, name, svc, since, onTg);
  }

  if (!lb || !forward) throw new Refusal("a green deployment needs the infrastructure's load balancer (listener and blue/green target groups)");
  const sides = liveSide(lb, forward.weights);
  const pct = greenPercent(forward.weights, lb.blueTargetGroupArn, lb.greenTargetGroupArn);
  if (sides.split) {
    throw new Refusal(
      `the ${forward.where} splits traffic ${100 - (pct ?? 0)}/${pct ?? 0} between ${shortArn(lb.blueTargetGroupArn)} and ${shortArn(lb.greenTargetGroupArn)}: an earlier deployment is unfinished (promote it or roll it back before deploying again)`,
    );
  }
  const blueName = serviceNameFor(aws, sides.live);
  const greenName = serviceNameFor(aws, sides.idle);
  const services = await describeServices(aws, clients, [blueName, greenName]);
  const live = services.get(blueName);
  let green = services.get(greenName);
  if (green && green.status === "ACTIVE") {
    const tgs = (green.loadBalancers ?? []).map((l) => l.targetGroupArn);
    if (!tgs.includes(sides.idle)) {
      throw new Refusal(`ECS service "${greenName}" exists but is attached to ${tgs.map((t) => shortArn(t ?? "")).join(", ") || "no target group"}, not to ${shortArn(sides.idle)}; rename or delete it`);
    }
  }
  const liveBefore = { [sides.live]: 100, [sides.idle]: 0 };
  const desired = greenDesiredCount(work, live);
  Object.assign(outputs, {
    [K.blueService]: blueName,
    [K.blueTargetGroupArn]: sides.live,
    [K.blueDesiredCount]: String(live?.desiredCount ?? 0),
    [K.greenService]: greenName,
    [K.greenTargetGroupArn]: sides.idle,
    [K.greenDesiredCount]: String(desired),
    [K.liveBefore]: JSON.stringify(liveBefore),
    [K.previousTaskDefinition]: live?.taskDefinition ?? "",
  });
  const weights = { blue: 100, green: 0 };
  const rows = (g: Service | undefined, deploymentId?: string) => [serviceRow(blueName, "blue", live), serviceRow(greenName, "green", g, deploymentId)];
  env.progress.post({ kind: "ecs", phase: "STABLE_BLUE", weights, services: rows(green), failingSample: null }, true);
  log.system(`live side: ${shortArn(sides.live)} (service ${blueName}${live ? `, ${live.runningCount ?? 0}/${live.desiredCount ?? 0} tasks of ${shortArn(live.taskDefinition ?? "")}` : ", not created yet"}); new version goes to ${shortArn(sides.idle)} as service ${greenName} × ${desired}`);

  // ---------------------------------------------------------------------------------------- register
  env.progress.post({ kind: "ecs", phase: "REGISTER_TASK_DEFINITION", weights, services: rows(green), failingSample: null }, true);
  const reg = await register(env, work, ctx);

  // ---------------------------------------------------------------------------------------- create / update green
  env.progress.post({ kind: "ecs", phase: "CREATING_GREEN", weights, services: rows(green), failingSample: null }, true);
  if (green && green.status === "DRAINING") {
    await waitUntilGone(env, greenName, work.pollIntervalMs);
    green = undefined;
  }
  let deploymentId: string;
  if (!green) {
    const out = await clients.call<{ service?: Service }>(
      "ecs",
      new CreateServiceCommand({
        cluster: aws.cluster,
        serviceName: greenName,
        taskDefinition: reg.arn,
        desiredCount: desired,
        launchType: aws.launchType,
        ...networkOf(work, live),
        loadBalancers: [{ targetGroupArn: sides.idle, containerName: lb.containerName, containerPort: lb.containerPort }],
        ...(live?.healthCheckGracePeriodSeconds !== undefined ? { healthCheckGracePeriodSeconds: live.healthCheckGracePeriodSeconds } : {}),
        deploymentConfiguration: deploymentConfiguration(work, false),
        clientToken: createHash("sha256").update(`${work.release}|${attemptOf(ctx)}|${aws.cluster}|${greenName}`).digest("hex").slice(0, 32),
        tags: [{ key: RELEASE_TAG, value: work.release.slice(0, 256) }],
      }),
      `${greenName} taskDefinition=${shortArn(reg.arn)} desiredCount=${desired} targetGroup=${shortArn(sides.idle)}`,
    );
    const d = primaryOf(out.service);
    if (!d?.id) throw new PhaseFailure(`CreateService ${greenName} answered without a deployment`);
    deploymentId = d.id;
    outputs[K.greenCreated] = "true";
  } else {
    deploymentId = await adoptOrUpdate(env, work, greenName, green, reg, desired, false);
  }
  outputs[K.deploymentId] = deploymentId;

  // ---------------------------------------------------------------------------------------- wait
  const done = await waitForDeployment(
    env,
    { name: greenName, role: "green", deploymentId, taskDefinitionArn: reg.arn },
    {
      pollIntervalMs: work.pollIntervalMs,
      others: [{ name: blueName, role: "blue" }],
      weights,
      since,
      targetGroupArn: sides.idle,
      phase: (svc, d) => ((svc.pendingCount ?? 0) > 0 || (d.runningCount ?? 0) < (svc.desiredCount ?? 0) ? "PROVISIONING" : "HEALTH_CHECK"),
    },
  );
  outputs[K.rolloutState] = done.deployment.rolloutState ?? "";
  env.progress.post({ kind: "ecs", phase: "HEALTHY_GREEN", weights, services: [serviceRow(blueName, "blue", live), serviceRow(greenName, "green", done.service, deploymentId)], failingSample: null }, true);
  return `${greenName} runs ${shortArn(reg.arn)} × ${done.service.runningCount ?? 0} on ${shortArn(sides.idle)} (deployment ${deploymentId} COMPLETED); traffic still on ${shortArn(sides.live)}`;
}

async function rolling(work: EcsDeployWork, ctx: StepContext, env: PhaseEnv, name: string, svc: Service, since: number, targetGroupArn: string | undefined): Promise<string> {
  const { outputs, log } = env;
  outputs[K.liveService] = name;
  const rows = (s: Service | undefined, id?: string) => [serviceRow(name, "live", s, id)];
  env.progress.post({ kind: "ecs", phase: "REGISTER_TASK_DEFINITION", weights: null, services: rows(svc), failingSample: null }, true);
  const reg = await register(env, work, ctx);
  env.progress.post({ kind: "ecs", phase: "UPDATING_SERVICE", weights: null, services: rows(svc), failingSample: null }, true);
  // desiredCount is a green-mode setting: a rolling update keeps the service's count.
  const deploymentId = await adoptOrUpdate(env, work, name, svc, reg, undefined, true);
  outputs[K.deploymentId] = deploymentId;
  log.system(`rollback target: ${outputs[K.previousTaskDefinition] ? shortArn(outputs[K.previousTaskDefinition]!) : "none (the service ran nothing else)"}`);
  const done = await waitForDeployment(
    env,
    { name, role: "live", deploymentId, taskDefinitionArn: reg.arn },
    {
      pollIntervalMs: work.pollIntervalMs,
      weights: null,
      since,
      ...(targetGroupArn ? { targetGroupArn } : {}),
      phase: (s, d) => ((s.pendingCount ?? 0) > 0 || (d.runningCount ?? 0) < (s.desiredCount ?? 0) ? "PROVISIONING" : "HEALTH_CHECK"),
    },
  );
  outputs[K.rolloutState] = done.deployment.rolloutState ?? "";
  env.progress.post({ kind: "ecs", phase: "STABLE", weights: null, services: rows(done.service, deploymentId), failingSample: null }, true);
  return `${name} runs ${shortArn(reg.arn)} × ${done.service.runningCount ?? 0} (deployment ${deploymentId} COMPLETED)`;
}

async function register(env: PhaseEnv, work: EcsDeployWork, ctx: StepContext): Promise<Registered> {
  const reg = await registerTaskDefinition(env.clients, work.taskDefinition, work.release, attemptOf(ctx));
  env.outputs[K.taskDefinition] = reg.arn;
  env.log.system(reg.reused ? `task definition ${shortArn(reg.arn)} is ours already (same content and release): not registering it again` : `registered task definition ${shortArn(reg.arn)}`);
  return reg;
}

/**
 * The service exists: when its PRIMARY deployment runs our revision, that is our deployment (a repeat) — wait on it;
 * otherwise UpdateService to our revision. A deployment of ours ECS already failed or rolled back is reported.
 */
async function adoptOrUpdate(env: PhaseEnv, work: EcsDeployWork, name: string, svc: Service, reg: Registered, desired: number | undefined, isRolling: boolean): Promise<string> {
  const { aws, clients, log, outputs } = env;
  const primary = primaryOf(svc);
  const role: Role = isRolling ? "live" : "green";
  if (primary?.taskDefinition === reg.arn && primary.id) {
    log.system(`${name} already runs ${shortArn(reg.arn)} in deployment ${primary.id} (${primary.rolloutState}), created by an earlier run of this step: not updating it again`);
    if (isRolling) {
      const older = svc.deployments?.find((d: Deployment) => d.status !== "PRIMARY" && d.taskDefinition && d.taskDefinition !== reg.arn);
      const previous = older?.taskDefinition ?? (await deploymentHistory(env, name, reg.arn)).previous ?? "";
      outputs[K.previousTaskDefinition] = previous;
    }
    if (desired !== undefined && svc.desiredCount !== desired) {
      await clients.call("ecs", new UpdateServiceCommand({ cluster: aws.cluster, service: name, desiredCount: desired }), `${name} desiredCount=${desired}`);
    }
    return primary.id;
  }
  const failed = svc.deployments?.find((d) => d.taskDefinition === reg.arn && d.rolloutState === "FAILED");
  if (isRolling) outputs[K.previousTaskDefinition] = primary?.taskDefinition ?? svc.taskDefinition ?? "";
  if (failed) {
    env.progress.post({ kind: "ecs", phase: "UNHEALTHY", weights: null, services: [serviceRow(name, role, svc, failed.id)], failingSample: null }, true);
    throw new PhaseFailure(`deployment ${failed.id} of ${shortArn(reg.arn)} FAILED: ${failed.rolloutStateReason ?? "no reason given"}; ECS rolled back to ${shortArn(primary?.taskDefinition ?? "")}`);
  }
  if (reg.reused) {
    // Ours was registered by an earlier run: did that run's deployment happen and get undone?
    const history = await deploymentHistory(env, name, reg.arn);
    if (history.found) {
      if (isRolling && history.previous) outputs[K.previousTaskDefinition] = history.previous;
      throw new PhaseFailure(`ECS rolled back: the deployment of ${shortArn(reg.arn)} to ${name} ended ${history.status ?? "without completing"}${history.reason ? ` (${history.reason})` : ""}; the service runs ${shortArn(primary?.taskDefinition ?? "")} again`);
    }
  }
  const out = await clients.call<{ service?: Service }>(
    "ecs",
    new UpdateServiceCommand({
      cluster: aws.cluster,
      service: name,
      taskDefinition: reg.arn,
      ...(desired !== undefined ? { desiredCount: desired } : {}),
      deploymentConfiguration: deploymentConfiguration(work, isRolling),
    }),
    `${name} taskDefinition=${shortArn(reg.arn)}${desired !== undefined ? ` desiredCount=${desired}` : ""}${isRolling ? ` minimumHealthyPercent=${work.minimumHealthyPercent} maximumPercent=${work.maximumPercent}` : ""} circuitBreaker=${work.circuitBreaker ? "on" : "off"}`,
  );
  const mine = out.service?.deployments?.find((d) => d.status === "PRIMARY" && d.taskDefinition === reg.arn);
  if (!mine?.id) throw new PhaseFailure(`UpdateService ${name} answered without a PRIMARY deployment of ${shortArn(reg.arn)}`);
  return mine.id;
}

function networkOf(work: EcsDeployWork, live: Service | undefined) {
  const n = work.aws.networkConfiguration;
  if (n) return { networkConfiguration: { awsvpcConfiguration: { subnets: n.subnets, securityGroups: n.securityGroups, assignPublicIp: n.assignPublicIp } } };
  if (live?.networkConfiguration) return { networkConfiguration: live.networkConfiguration };
  return {};
}
