/**
 * ecsTrafficShift and ecsPromote: set the forward weights between the blue (live before this deployment) and green
 * (new) target groups — green = `greenWeight`, blue = 100 − green — on the listener's default action, or on the rule
 * when the infrastructure names one, then read them back to verify.
 *
 * Pre-checks (read-only, before the one mutating call): the listener/rule exists and forwards only to our two target
 * groups; every side that is to receive traffic has healthy targets (no shifting users onto an empty or failing
 * target group). Idempotent: when the live shares already match, nothing is modified.
 * Sides come from ecsDeploy's outputs (which side was live before it), else from the infrastructure record.
 */
import type { EcsPromoteWork, EcsTrafficShiftWork } from "@slipway/pipeline-spec/protocol";
import type { StepContext, StepExecutor } from "../types";
import { stageOutputsOf, type ExecutorOptions } from "./context";
import { Refusal, shortArn } from "./errors";
import { checkTargetGroups, describeServices, healthyTargets, readForward } from "./inspect";
import { K, sidesOf } from "./outputs";
import { runPhase, type PhaseEnv } from "./run";
import { serviceRow } from "./service";
import { sameShares, setWeights, shares } from "./weights";

export function createEcsTrafficShiftExecutor(options: ExecutorOptions = {}): StepExecutor<EcsTrafficShiftWork> {
  return {
    kind: "ecsTrafficShift",
    run: (work, ctx) => runPhase("ecsTrafficShift", work.aws, ctx, options, (env) => shift(work.aws, work.greenWeight, ctx, env, `TRAFFIC_SHIFT_${work.greenWeight}`)),
  };
}

export function createEcsPromoteExecutor(options: ExecutorOptions = {}): StepExecutor<EcsPromoteWork> {
  return {
    kind: "ecsPromote",
    run: (work, ctx) =>
      runPhase("ecsPromote", work.aws, ctx, options, async (env) => {
        const message = await shift(work.aws, 100, ctx, env, "STABLE_GREEN");
        return `promoted: ${message}`;
      }),
  };
}

export async function shift(aws: EcsTrafficShiftWork["aws"], greenWeight: number, ctx: StepContext, env: PhaseEnv, phase: string): Promise<string> {
  const { clients, log, outputs } = env;
  const lb = aws.loadBalancer;
  if (!lb) throw new Refusal("the infrastructure has no load balancer: there are no weights to set");
  const sides = sidesOf(aws, stageOutputsOf(ctx))!;
  log.system(`blue (live before this deployment) ${shortArn(sides.blueTg)} · green (new) ${shortArn(sides.greenTg)}, from ${sides.from}`);

  // Pre-checks (read-only).
  const forward = await readForward(lb, clients);
  await checkTargetGroups(lb, clients, forward, { greenMustBeAttached: false });
  const services = await describeServices(aws, clients, [sides.blueService, sides.greenService]);
  const rows = () => [serviceRow(sides.blueService, "blue", services.get(sides.blueService)), serviceRow(sides.greenService, "green", services.get(sides.greenService))];
  const desired = { [sides.blueTg]: 100 - greenWeight, [sides.greenTg]: greenWeight };
  const arns = [sides.blueTg, sides.greenTg];
  const before = shares(forward.weights, arns);
  const progressWeights = (w: Record<string, number>) => ({ blue: w[sides.blueTg] ?? 0, green: w[sides.greenTg] ?? 0 });

  if (!sameShares(forward.weights, desired, arns)) {
    for (const [tg, weight, role] of [[sides.greenTg, greenWeight, "green"], [sides.blueTg, 100 - greenWeight, "blue"]] as const) {
      if (weight === 0) continue;
      const health = await healthyTargets(clients, tg);
      if (health.healthy === 0) {
        throw new Refusal(`the ${role} target group ${shortArn(tg)} has no healthy targets (${health.total} registered): sending it ${weight}% of the traffic would fail those requests`);
      }
    }
  }

  env.progress.post({ kind: "ecs", phase, weights: progressWeights(before), services: rows(), failingSample: null }, true);
  const result = await setWeights(lb, clients, desired, forward);
  const after = shares(result.forward.weights, arns);
  outputs["ecs.weights"] = JSON.stringify(after);
  if (phase === "STABLE_GREEN") {
    outputs["ecs.live"] = sides.greenTg;
    outputs[K.liveService] = sides.greenService;
  }
  env.progress.post({ kind: "ecs", phase, weights: progressWeights(after), services: rows(), failingSample: null }, true);
  const text = `blue ${after[sides.blueTg]} / green ${after[sides.greenTg]} on ${forward.where === "rule" ? "rule" : "listener"} ${shortArn(forward.arn)}`;
  if (!result.changed) {
    log.system(`weights are already ${text}: nothing to change`);
    return `weights already ${text}`;
  }
  log.system(`weights now ${text} (verified by reading them back; were blue ${before[sides.blueTg]} / green ${before[sides.greenTg]})`);
  return `weights set to ${text}`;
}
