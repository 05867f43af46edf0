/**
 * ecsScaleDown: scale one side to 0 tasks (and optionally delete its service).
 *   side idle  — the side receiving no traffic (the old blue after a promote);
 *   side green — the new side (rollbacks); refused while it still receives traffic.
 * Pre-checks read the weights first, so a side carrying traffic is never scaled down. Idempotent: a service already
 * at 0 is not updated again, one already deleted is not deleted again.
 */
import { DeleteServiceCommand } from "@aws-sdk/client-ecs";
import type { EcsScaleDownWork } from "@slipway/pipeline-spec/protocol";
import type { StepContext, StepExecutor } from "../types";
import { stageOutputsOf, type ExecutorOptions } from "./context";
import { Refusal, shortArn } from "./errors";
import { checkTargetGroups, describeService, readForward } from "./inspect";
import { sidesOf } from "./outputs";
import { runPhase, type PhaseEnv } from "./run";
import { scaleService, serviceRow, waitUntilDrained } from "./service";
import { shares } from "./weights";

export function createEcsScaleDownExecutor(options: ExecutorOptions = {}): StepExecutor<EcsScaleDownWork> {
  return { kind: "ecsScaleDown", run: (work, ctx) => runPhase("ecsScaleDown", work.aws, ctx, options, (env) => scaleDown(work, ctx, env)) };
}

async function scaleDown(work: EcsScaleDownWork, ctx: StepContext, env: PhaseEnv): Promise<string> {
  const { aws, clients, log, outputs } = env;
  const lb = aws.loadBalancer;
  if (!lb) throw new Refusal("the infrastructure has no load balancer: there is no idle or green side to scale down");
  const sides = sidesOf(aws, stageOutputsOf(ctx))!;
  const forward = await readForward(lb, clients);
  await checkTargetGroups(lb, clients, forward, { greenMustBeAttached: false });
  const s = shares(forward.weights, [sides.blueTg, sides.greenTg]);
  const blue = s[sides.blueTg] ?? 0;
  const green = s[sides.greenTg] ?? 0;
  const weights = { blue, green };
  let name: string;
  let role: "blue" | "green";
  if (work.side === "green") {
    if (green > 0) throw new Refusal(`the green side ${shortArn(sides.greenTg)} still receives ${green}% of the traffic; shift it back to blue first`);
    name = sides.greenService;
    role = "green";
  } else {
    if (blue > 0 && green > 0) throw new Refusal(`both sides receive traffic (blue ${blue}% / green ${green}%): there is no idle side yet`);
    if (blue === 0 && green === 0) throw new Refusal(`the ${forward.where} forwards no traffic to either side: cannot tell which side is idle`);
    role = blue === 0 ? "blue" : "green";
    name = role === "blue" ? sides.blueService : sides.greenService;
  }
  const phase = role === "blue" ? "DELETING_BLUE" : "SCALING_DOWN_GREEN";
  log.system(`${work.side} side: ${name} (${role}, ${role === "blue" ? blue : green}% of the traffic)`);
  let svc = await describeService(aws, clients, name);
  env.progress.post({ kind: "ecs", phase, weights, services: [serviceRow(name, role, svc)], failingSample: null }, true);
  outputs["ecs.scaledDown"] = name;
  if (!svc) {
    log.system(`${name} does not exist (already deleted): nothing to do`);
    env.progress.post({ kind: "ecs", phase: "COMPLETE", weights, services: [], failingSample: null }, true);
    return `${name} is already gone`;
  }
  if ((svc.desiredCount ?? 0) > 0) await scaleService(env, name, 0);
  else log.system(`${name} is already at 0 tasks`);
  svc = await waitUntilDrained(env, name, role, env.options.defaultPollIntervalMs, phase, weights);
  let deleted = false;
  if (work.delete && svc && svc.status === "ACTIVE") {
    await clients.call("ecs", new DeleteServiceCommand({ cluster: aws.cluster, service: name, force: true }), name);
    deleted = true;
  }
  env.progress.post({ kind: "ecs", phase: "COMPLETE", weights, services: [serviceRow(name, role, svc)], failingSample: null }, true);
  return `${name} scaled to 0${deleted ? " and deleted" : work.delete ? " (already deleted)" : ""}`;
}
