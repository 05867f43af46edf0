/**
 * ecsRollback: undo this execution's ECS changes for the stage, from what ecsDeploy recorded in its outputs.
 *   rolling    → UpdateService back to `ecs.previousTaskDefinition` and wait for that deployment (skipped when the
 *                service already runs it: ECS's circuit breaker may have rolled back already).
 *   blue-green / canary → the live-before side is brought back to its task count if it was scaled down, the weights
 *                go back to `ecs.liveBefore` (skipped when they match), and the green service is scaled to 0.
 * Every step reads live state first, so a repeated rollback changes nothing twice.
 */
import { UpdateServiceCommand, type Service } from "@aws-sdk/client-ecs";
import type { EcsRollbackWork } from "@slipway/pipeline-spec/protocol";
import type { StepContext, StepExecutor } from "../types";
import { stageOutputsOf, type ExecutorOptions } from "./context";
import { PhaseFailure, Refusal, shortArn } from "./errors";
import { checkCluster, checkTargetGroups, describeService, describeServices, healthyTargets, readForward } from "./inspect";
import { findDeployOutputs, K, parseWeights, sidesOf } from "./outputs";
import { runPhase, type PhaseEnv } from "./run";
import { primaryOf, scaleService, serviceRow, waitForDeployment } from "./service";
import { sameShares, setWeights, shares } from "./weights";

export function createEcsRollbackExecutor(options: ExecutorOptions = {}): StepExecutor<EcsRollbackWork> {
  return { kind: "ecsRollback", run: (work, ctx) => runPhase("ecsRollback", work.aws, ctx, options, (env) => rollback(work, ctx, env)) };
}

async function rollback(work: EcsRollbackWork, ctx: StepContext, env: PhaseEnv): Promise<string> {
  const deploy = findDeployOutputs(stageOutputsOf(ctx), work.aws);
  if (!deploy) {
    env.log.system("no ecsDeploy outputs in this stage for this service: it changed nothing that needs undoing");
    return "nothing to roll back";
  }
  env.log.system(`rolling back what step ${deploy.stepId} did (${deploy.values[K.mode]} deployment of ${shortArn(deploy.values[K.taskDefinition] ?? "?")})`);
  return deploy.values[K.mode] === "rolling" ? rollbackRolling(env, deploy.values) : rollbackGreen(ctx, env, deploy.values);
}

async function rollbackRolling(env: PhaseEnv, v: Record<string, string>): Promise<string> {
  const { aws, clients, log } = env;
  const name = v[K.liveService] ?? aws.serviceName;
  const previous = v[K.previousTaskDefinition];
  if (!previous) {
    log.system("the deployment recorded no previous task definition (it never changed the service)");
    return "nothing to roll back";
  }
  await checkCluster(aws, clients);
  const svc = await describeService(aws, clients, name);
  if (!svc) throw new Refusal(`ECS service "${name}" does not exist any more; cannot put ${shortArn(previous)} back`);
  const since = env.clock.now();
  const rows = (s: Service | undefined) => [serviceRow(name, "live", s)];
  env.progress.post({ kind: "ecs", phase: "ROLLING_BACK", weights: null, services: rows(svc), failingSample: null }, true);
  const primary = primaryOf(svc);
  let deploymentId: string;
  if (primary?.taskDefinition === previous && primary.id) {
    log.system(`${name} already runs ${shortArn(previous)} (deployment ${primary.id}, ${primary.rolloutState}): no update needed${primary.rolloutState === "COMPLETED" ? "" : ", waiting for it"}`);
    deploymentId = primary.id;
  } else {
    const out = await clients.call<{ service?: Service }>(
      "ecs",
      new UpdateServiceCommand({ cluster: aws.cluster, service: name, taskDefinition: previous }),
      `${name} taskDefinition=${shortArn(previous)}`,
    );
    const d = out.service?.deployments?.find((x) => x.status === "PRIMARY" && x.taskDefinition === previous);
    if (!d?.id) throw new PhaseFailure(`UpdateService ${name} answered without a PRIMARY deployment of ${shortArn(previous)}`);
    deploymentId = d.id;
  }
  const done = await waitForDeployment(
    env,
    { name, role: "live", deploymentId, taskDefinitionArn: previous },
    { pollIntervalMs: env.options.defaultPollIntervalMs, weights: null, since, phase: () => "ROLLING_BACK" },
  );
  env.progress.post({ kind: "ecs", phase: "STABLE", weights: null, services: rows(done.service), failingSample: null }, true);
  return `${name} runs ${shortArn(previous)} again × ${done.service.runningCount ?? 0}`;
}

async function rollbackGreen(ctx: StepContext, env: PhaseEnv, v: Record<string, string>): Promise<string> {
  const { aws, clients, log } = env;
  const lb = aws.loadBalancer;
  if (!lb) throw new Refusal("the infrastructure has no load balancer: cannot put the traffic back");
  const sides = sidesOf(aws, stageOutputsOf(ctx))!;
  const arns = [sides.blueTg, sides.greenTg];
  const liveBefore = parseWeights(v[K.liveBefore]) ?? { [sides.blueTg]: 100, [sides.greenTg]: 0 };
  const target = { [sides.blueTg]: liveBefore[sides.blueTg] ?? 0, [sides.greenTg]: liveBefore[sides.greenTg] ?? 0 };

  // Pre-checks (read-only).
  const forward = await readForward(lb, clients);
  await checkTargetGroups(lb, clients, forward, { greenMustBeAttached: false });
  const services = await describeServices(aws, clients, [sides.blueService, sides.greenService]);
  let blue = services.get(sides.blueService);
  const green = services.get(sides.greenService);
  const now = shares(forward.weights, arns);
  const weightsOf = (w: Record<string, number>) => ({ blue: w[sides.blueTg] ?? 0, green: w[sides.greenTg] ?? 0 });
  const rows = () => [serviceRow(sides.blueService, "blue", blue), serviceRow(sides.greenService, "green", green)];
  const blueNeeded = (target[sides.blueTg] ?? 0) > 0;
  if (blueNeeded && !blue) throw new Refusal(`the blue service ${sides.blueService} no longer exists: traffic cannot go back to ${shortArn(sides.blueTg)}`);
  env.progress.post({ kind: "ecs", phase: "ROLLING_BACK", weights: weightsOf(now), services: rows(), failingSample: null }, true);

  // 1. Blue must be able to take the traffic back (it may have been scaled down after a promote).
  const recorded = Number(v[K.blueDesiredCount] ?? "0");
  if (blueNeeded && blue && !sameShares(forward.weights, target, arns)) {
    if ((blue.desiredCount ?? 0) < recorded) {
      log.system(`${sides.blueService} runs ${blue.desiredCount ?? 0} of the ${recorded} tasks it had: scaling it back up first`);
      await scaleService(env, sides.blueService, recorded);
    }
    const fresh = await describeService(aws, clients, sides.blueService);
    const primary = primaryOf(fresh);
    if (fresh && primary?.id) {
      // Settled = its deployment done, running = desired, and that many healthy targets in the blue target group.
      const done = await waitForDeployment(
        env,
        { name: sides.blueService, role: "blue", deploymentId: primary.id, taskDefinitionArn: primary.taskDefinition ?? "" },
        { pollIntervalMs: env.options.defaultPollIntervalMs, weights: weightsOf(now), since: env.clock.now(), phase: () => "ROLLING_BACK", targetGroupArn: sides.blueTg },
      );
      blue = done.service;
    } else {
      const health = await healthyTargets(clients, sides.blueTg);
      if (health.healthy === 0) throw new PhaseFailure(`the blue target group ${shortArn(sides.blueTg)} has no healthy targets: not sending the traffic back to it`);
    }
  }

  // 2. Weights back to what they were before the deployment.
  const result = await setWeights(lb, clients, target, forward);
  const after = shares(result.forward.weights, arns);
  log.system(result.changed ? `weights back to blue ${after[sides.blueTg]} / green ${after[sides.greenTg]} (verified)` : `weights already blue ${after[sides.blueTg]} / green ${after[sides.greenTg]}: nothing to change`);
  env.progress.post({ kind: "ecs", phase: "ROLLING_BACK", weights: weightsOf(after), services: rows(), failingSample: null }, true);

  // 3. Green scaled to 0 (unless green is what was live before, which a rollback must not stop).
  let greenNote = "";
  if ((after[sides.greenTg] ?? 0) > 0) {
    greenNote = `; ${sides.greenService} keeps running (it still receives ${after[sides.greenTg]}% as before the deployment)`;
  } else if (green && (green.desiredCount ?? 0) > 0) {
    await scaleService(env, sides.greenService, 0);
    greenNote = `; ${sides.greenService} scaled to 0`;
  } else {
    greenNote = green ? `; ${sides.greenService} already at 0 tasks` : `; ${sides.greenService} does not exist`;
  }
  const finalServices = await describeServices(aws, clients, [sides.blueService, sides.greenService]);
  env.progress.post(
    {
      kind: "ecs",
      phase: "STABLE_BLUE",
      weights: weightsOf(after),
      services: [serviceRow(sides.blueService, "blue", finalServices.get(sides.blueService)), serviceRow(sides.greenService, "green", finalServices.get(sides.greenService))],
      failingSample: null,
    },
    true,
  );
  return `traffic back on ${shortArn(sides.blueTg)} (blue ${after[sides.blueTg]} / green ${after[sides.greenTg]})${greenNote}`;
}
