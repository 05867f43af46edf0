/**
 * Target groups and tags: CreateTargetGroup, DescribeTargetGroups, ModifyTargetGroup, DeleteTargetGroup,
 * Describe/ModifyTargetGroupAttributes, AddTags, RemoveTags, DescribeTags.
 */
import { AwsError } from "../errors.js";
import { bool, list, num, obj, str, strList, type Params } from "../input.js";
import type { World } from "../world.js";
import { loadBalancersOfTargetGroup } from "./associations.js";
import { requireLoadBalancer } from "./load-balancers.js";
import type { TargetGroup } from "./model.js";
import { requireTargetGroup } from "./targets.js";

const DEFAULT_ATTRIBUTES: [string, string][] = [
  ["deregistration_delay.timeout_seconds", "300"],
  ["stickiness.enabled", "false"],
  ["stickiness.type", "lb_cookie"],
  ["stickiness.lb_cookie.duration_seconds", "86400"],
  ["load_balancing.algorithm.type", "round_robin"],
  ["slow_start.duration_seconds", "0"],
];

function healthCheckFrom(p: Params, base?: TargetGroup["healthCheck"]): TargetGroup["healthCheck"] {
  return {
    enabled: bool(p.HealthCheckEnabled) ?? base?.enabled ?? true,
    protocol: str(p.HealthCheckProtocol) ?? base?.protocol ?? (str(p.Protocol) ?? "HTTP"),
    port: str(p.HealthCheckPort) ?? base?.port ?? "traffic-port",
    path: str(p.HealthCheckPath) ?? base?.path ?? "/",
    intervalSeconds: num(p.HealthCheckIntervalSeconds) ?? base?.intervalSeconds ?? 30,
    timeoutSeconds: num(p.HealthCheckTimeoutSeconds) ?? base?.timeoutSeconds ?? 5,
    healthyThreshold: num(p.HealthyThresholdCount) ?? base?.healthyThreshold ?? 5,
    unhealthyThreshold: num(p.UnhealthyThresholdCount) ?? base?.unhealthyThreshold ?? 2,
    matcher: str(obj(p.Matcher).HttpCode) ?? base?.matcher ?? "200",
  };
}

export function createTargetGroup(world: World, p: Params): TargetGroup {
  const name = str(p.Name) ?? "";
  if (name.length === 0 || name.length > 32) {
    throw new AwsError("ValidationError", `Target group name '${name}' cannot be longer than '32' characters`);
  }
  if (!/^[a-zA-Z0-9-]+$/.test(name) || name.startsWith("-") || name.endsWith("-")) {
    throw new AwsError("ValidationError", `Target group name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`);
  }
  const targetType = str(p.TargetType) ?? "instance";
  const protocol = str(p.Protocol);
  const port = num(p.Port);
  if (targetType !== "lambda" && (!protocol || port === undefined || !str(p.VpcId))) {
    throw new AwsError("ValidationError", "A protocol, port and VPC ID must be specified for target groups of this target type");
  }
  const healthCheck = healthCheckFrom(p);
  if (healthCheck.intervalSeconds < 5 || healthCheck.intervalSeconds > 300) {
    throw new AwsError("ValidationError", "Health check interval must be between 5 and 300 seconds");
  }
  const existing = [...world.elb.targetGroups.values()].find((tg) => tg.name === name);
  if (existing) {
    const same = existing.protocol === protocol && existing.port === port && existing.targetType === targetType;
    if (!same) throw new AwsError("DuplicateTargetGroupName", `A target group with the same name '${name}' exists, but with different settings`);
    return existing;
  }
  const { arn, dimension } = world.ids.targetGroupArn(name);
  const tg: TargetGroup = {
    arn,
    name,
    dimension,
    protocol: protocol ?? "HTTP",
    port: port ?? 80,
    vpcId: str(p.VpcId) ?? "",
    targetType,
    healthCheck,
    attributes: new Map(DEFAULT_ATTRIBUTES),
    targets: new Map(),
    createdAt: world.clock.now(),
  };
  world.elb.targetGroups.set(arn, tg);
  addTags(world, arn, p.Tags);
  return tg;
}

export function renderTargetGroup(world: World, tg: TargetGroup): Record<string, unknown> {
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: tg.healthCheck.protocol,
    HealthCheckPort: tg.healthCheck.port,
    HealthCheckEnabled: tg.healthCheck.enabled,
    HealthCheckIntervalSeconds: tg.healthCheck.intervalSeconds,
    HealthCheckTimeoutSeconds: tg.healthCheck.timeoutSeconds,
    HealthyThresholdCount: tg.healthCheck.healthyThreshold,
    UnhealthyThresholdCount: tg.healthCheck.unhealthyThreshold,
    HealthCheckPath: tg.healthCheck.path,
    Matcher: { HttpCode: tg.healthCheck.matcher },
    LoadBalancerArns: loadBalancersOfTargetGroup(world, tg.arn),
    TargetType: tg.targetType,
    ProtocolVersion: "HTTP1",
    IpAddressType: "ipv4",
  };
}

function describeTargetGroups(world: World, p: Params) {
  const lbArn = str(p.LoadBalancerArn);
  const arns = strList(p.TargetGroupArns);
  const names = strList(p.Names);
  let tgs = [...world.elb.targetGroups.values()];
  if (lbArn) {
    requireLoadBalancer(world, lbArn);
    tgs = tgs.filter((tg) => loadBalancersOfTargetGroup(world, tg.arn).includes(lbArn));
  }
  if (arns.length > 0) tgs = arns.map((a) => requireTargetGroup(world, a));
  if (names.length > 0) {
    tgs = names.map((n) => {
      const tg = tgs.find((x) => x.name === n);
      if (!tg) throw new AwsError("TargetGroupNotFound", `Target groups '[${n}]' not found`);
      return tg;
    });
  }
  return { TargetGroups: tgs.map((tg) => renderTargetGroup(world, tg)) };
}

function deleteTargetGroup(world: World, p: Params) {
  const arn = str(p.TargetGroupArn);
  const tg = arn ? world.elb.targetGroups.get(arn) : undefined;
  if (!tg) return {};
  if (loadBalancersOfTargetGroup(world, tg.arn).length > 0) {
    throw new AwsError("ResourceInUse", `Target group '${tg.arn}' is currently in use by a listener or a rule`);
  }
  world.elb.targetGroups.delete(tg.arn);
  world.elb.tags.delete(tg.arn);
  return {};
}

function attributes(tg: TargetGroup) {
  return { Attributes: [...tg.attributes].map(([Key, Value]) => ({ Key, Value })) };
}

function addTags(world: World, arn: string, tags: unknown): void {
  const map = world.elb.tags.get(arn) ?? new Map<string, string>();
  for (const t of list(tags)) map.set(String(obj(t).Key), String(obj(t).Value ?? ""));
  world.elb.tags.set(arn, map);
}

function requireResource(world: World, arn: string): void {
  const e = world.elb;
  if (e.loadBalancers.has(arn) || e.targetGroups.has(arn) || e.listeners.has(arn) || e.rules.has(arn)) return;
  if (arn.includes(":targetgroup/")) throw new AwsError("TargetGroupNotFound", "One or more target groups not found");
  throw new AwsError("LoadBalancerNotFound", "One or more load balancers not found");
}

export const targetGroupHandlers = {
  CreateTargetGroup: (world: World, p: Params) => ({ TargetGroups: [renderTargetGroup(world, createTargetGroup(world, p))] }),
  DescribeTargetGroups: describeTargetGroups,
  ModifyTargetGroup: (world: World, p: Params) => {
    const tg = requireTargetGroup(world, str(p.TargetGroupArn));
    tg.healthCheck = healthCheckFrom(p, tg.healthCheck);
    return { TargetGroups: [renderTargetGroup(world, tg)] };
  },
  DeleteTargetGroup: deleteTargetGroup,
  DescribeTargetGroupAttributes: (world: World, p: Params) => attributes(requireTargetGroup(world, str(p.TargetGroupArn))),
  ModifyTargetGroupAttributes: (world: World, p: Params) => {
    const tg = requireTargetGroup(world, str(p.TargetGroupArn));
    for (const a of list(p.Attributes)) tg.attributes.set(String(obj(a).Key), String(obj(a).Value ?? ""));
    return attributes(tg);
  },
  AddTags: (world: World, p: Params) => {
    for (const arn of strList(p.ResourceArns)) {
      requireResource(world, arn);
      addTags(world, arn, p.Tags);
    }
    return {};
  },
  RemoveTags: (world: World, p: Params) => {
    for (const arn of strList(p.ResourceArns)) {
      requireResource(world, arn);
      for (const key of strList(p.TagKeys)) world.elb.tags.get(arn)?.delete(key);
    }
    return {};
  },
  DescribeTags: (world: World, p: Params) => ({
    TagDescriptions: strList(p.ResourceArns).map((arn) => {
      requireResource(world, arn);
      return { ResourceArn: arn, Tags: [...(world.elb.tags.get(arn) ?? [])].map(([Key, Value]) => ({ Key, Value })) };
    }),
  }),
};
