/**
 * What ecsDeploy hands the stage's later steps (through the task's `stageOutputs`), and how they find it. All values
 * are strings (the protocol's outputs are string maps); `ecs.liveBefore` is JSON.
 *
 *   ecs.mode                  rolling | green
 *   ecs.cluster / ecs.service the infrastructure's cluster and service name (to match outputs to a target)
 *   ecs.release               the release this execution deploys
 *   ecs.taskDefinition        ARN of the revision deployed (registered or reused)
 *   ecs.previousTaskDefinition ARN the live service ran before (rolling: the rollback target)
 *   ecs.deploymentId          the ECS deployment we created (ecs-svc/…)
 *   ecs.rolloutState          its last known rolloutState
 *   ecs.liveService           rolling: the service updated in place
 *   ecs.blueService / ecs.blueTargetGroupArn / ecs.blueDesiredCount   green: the live side before this deployment
 *   ecs.greenService / ecs.greenTargetGroupArn / ecs.greenDesiredCount green: the new side
 *   ecs.greenCreated          "true" when this deployment created the green service
 *   ecs.liveBefore            green: {"<target group ARN>": weight, …} as found before any change
 */
import type { AwsEcsTarget } from "@slipway/pipeline-spec/protocol";
import type { StageOutputs } from "./context";

export const K = {
  mode: "ecs.mode",
  cluster: "ecs.cluster",
  service: "ecs.service",
  release: "ecs.release",
  taskDefinition: "ecs.taskDefinition",
  previousTaskDefinition: "ecs.previousTaskDefinition",
  deploymentId: "ecs.deploymentId",
  rolloutState: "ecs.rolloutState",
  liveService: "ecs.liveService",
  blueService: "ecs.blueService",
  blueTargetGroupArn: "ecs.blueTargetGroupArn",
  blueDesiredCount: "ecs.blueDesiredCount",
  greenService: "ecs.greenService",
  greenTargetGroupArn: "ecs.greenTargetGroupArn",
  greenDesiredCount: "ecs.greenDesiredCount",
  greenCreated: "ecs.greenCreated",
  liveBefore: "ecs.liveBefore",
} as const;

export interface DeployOutputs {
  stepId: string;
  values: Record<string, string>;
}

/** The ecsDeploy outputs of this stage for the same cluster and service (the latest one if several). */
export function findDeployOutputs(stageOutputs: StageOutputs, aws: AwsEcsTarget): DeployOutputs | undefined {
  let found: DeployOutputs | undefined;
  for (const [stepId, values] of Object.entries(stageOutputs)) {
    if (!values[K.mode]) continue;
    if (values[K.cluster] && values[K.cluster] !== aws.cluster) continue;
    if (values[K.service] && values[K.service] !== aws.serviceName) continue;
    found = { stepId, values };
  }
  return found;
}

export interface Sides {
  blueTg: string;
  greenTg: string;
  blueService: string;
  greenService: string;
  /** Where the sides came from, for the log. */
  from: string;
}

/** Blue/green of this deployment: from ecsDeploy's outputs, else the infrastructure's target groups. */
export function sidesOf(aws: AwsEcsTarget, stageOutputs: StageOutputs): Sides | undefined {
  const lb = aws.loadBalancer;
  if (!lb) return undefined;
  const d = findDeployOutputs(stageOutputs, aws);
  const v = d?.values;
  if (v && v[K.mode] === "green" && v[K.blueTargetGroupArn] && v[K.greenTargetGroupArn]) {
    return {
      blueTg: v[K.blueTargetGroupArn]!,
      greenTg: v[K.greenTargetGroupArn]!,
      blueService: v[K.blueService] ?? aws.serviceName,
      greenService: v[K.greenService] ?? `${aws.serviceName}-green`,
      from: `outputs of step ${d!.stepId}`,
    };
  }
  return {
    blueTg: lb.blueTargetGroupArn,
    greenTg: lb.greenTargetGroupArn,
    blueService: aws.serviceName,
    greenService: `${aws.serviceName}-green`,
    from: "the infrastructure (no ecsDeploy outputs in this stage)",
  };
}

export function parseWeights(json: string | undefined): Record<string, number> | undefined {
  if (!json) return undefined;
  try {
    const v = JSON.parse(json) as unknown;
    if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
    const out: Record<string, number> = {};
    for (const [k, w] of Object.entries(v)) if (typeof w === "number") out[k] = w;
    return out;
  } catch {
    return undefined;
  }
}
