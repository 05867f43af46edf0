/**
 * Checks ECS runs on CreateService/UpdateService before accepting a task definition, networking and load balancer
 * wiring, with the messages ECS uses (some are famously unhelpful; they are what the delegate will see).
 */
import { AwsError } from "../errors.js";
import { list, num, obj, str, type Params } from "../input.js";
import { loadBalancersOfTargetGroup } from "../elbv2/associations.js";
import type { World } from "../world.js";
import { resolveTaskDefinition } from "./lookup.js";
import type { LoadBalancerRef, TaskDefinition } from "./model.js";

export function requireTaskDefinition(world: World, ref: string | undefined): TaskDefinition {
  if (!ref) throw new AwsError("InvalidParameterException", "TaskDefinition can not be blank.");
  const td = resolveTaskDefinition(world.ecs, ref);
  if (!td) throw new AwsError("ClientException", "TaskDefinition not found.");
  if (td.status !== "ACTIVE") throw new AwsError("ClientException", "TaskDefinition is inactive");
  return td;
}

export function validateNetworking(td: TaskDefinition, launchType: string, networkConfiguration: unknown): void {
  const requires = list(td.rest.requiresCompatibilities).map(String);
  if (launchType === "FARGATE" && !requires.includes("FARGATE")) {
    throw new AwsError("InvalidParameterException", "Task definition does not support launch_type FARGATE.");
  }
  const awsvpc = obj(obj(networkConfiguration).awsvpcConfiguration);
  if (str(td.rest.networkMode) === "awsvpc" && list(awsvpc.subnets).length === 0) {
    throw new AwsError(
      "InvalidParameterException",
      "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    );
  }
}

export function validateLoadBalancers(world: World, td: TaskDefinition, input: Params[]): LoadBalancerRef[] {
  return input.map((lb) => {
    const targetGroupArn = str(lb.targetGroupArn);
    const containerName = str(lb.containerName);
    const containerPort = num(lb.containerPort);
    if (!targetGroupArn) {
      throw new AwsError("InvalidParameterException", "targetGroupArn must be specified for an Application Load Balancer.");
    }
    if (!world.elb.targetGroups.has(targetGroupArn)) {
      throw new AwsError(
        "InvalidParameterException",
        "Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.",
      );
    }
    if (loadBalancersOfTargetGroup(world, targetGroupArn).length === 0) {
      throw new AwsError(
        "InvalidParameterException",
        `The target group with targetGroupArn ${targetGroupArn} does not have an associated load balancer.`,
      );
    }
    const container = td.containerDefinitions.find((c) => c.name === containerName);
    if (!container) {
      throw new AwsError("InvalidParameterException", `The container ${containerName} does not exist in the task definition.`);
    }
    if (!(container.portMappings ?? []).some((m) => m.containerPort === containerPort)) {
      throw new AwsError(
        "InvalidParameterException",
        `The container ${containerName} did not have a container port ${containerPort} defined.`,
      );
    }
    return { targetGroupArn, containerName, containerPort };
  });
}
