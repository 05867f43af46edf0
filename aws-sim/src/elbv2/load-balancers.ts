/**
 * Load balancers and listeners: CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer, CreateListener,
 * DescribeListeners, ModifyListener, DeleteListener.
 */
import { AwsError } from "../errors.js";
import { num, str, strList, type Params } from "../input.js";
import type { World } from "../world.js";
import { normalizeActions } from "./actions.js";
import type { Listener, LoadBalancer } from "./model.js";

const NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/;

export function createLoadBalancer(world: World, p: Params): LoadBalancer {
  const name = str(p.Name);
  if (!name || !NAME.test(name) || name.startsWith("internal-")) {
    throw new AwsError(
      "ValidationError",
      `Load balancer name '${name ?? ""}' must have a maximum of 32 characters, must contain only alphanumeric characters or hyphens, and cannot begin or end with a hyphen`,
    );
  }
  const existing = [...world.elb.loadBalancers.values()].find((lb) => lb.name === name);
  if (existing) return existing;
  const { arn, dimension } = world.ids.loadBalancerArn(name);
  const scheme = str(p.Scheme) ?? "internet-facing";
  const subnets = strList(p.Subnets);
  const lb: LoadBalancer = {
    arn,
    name,
    dimension,
    dnsName: `${scheme === "internal" ? "internal-" : ""}${name}-${dimension.split("/")[2]!.slice(0, 10)}.${world.ids.region}.elb.amazonaws.com`,
    scheme,
    type: str(p.Type) ?? "application",
    vpcId: "vpc-0a1b2c3d4e5f67890",
    createdAt: world.clock.now(),
    subnets: subnets.length > 0 ? subnets : ["subnet-0a1b2c3d", "subnet-1b2c3d4e"],
    securityGroups: strList(p.SecurityGroups),
  };
  world.elb.loadBalancers.set(arn, lb);
  return lb;
}

export function renderLoadBalancer(world: World, lb: LoadBalancer): Record<string, unknown> {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: "Z35SXDOTRQ7X7K",
    CreatedTime: new Date(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: "active" },
    Type: lb.type,
    AvailabilityZones: lb.subnets.map((subnet, i) => ({ ZoneName: `${world.ids.region}${"abc"[i % 3]}`, SubnetId: subnet })),
    SecurityGroups: lb.securityGroups,
    IpAddressType: "ipv4",
  };
}

export function createListener(world: World, p: Params): Listener {
  const lb = requireLoadBalancer(world, str(p.LoadBalancerArn));
  const port = num(p.Port) ?? 80;
  if ([...world.elb.listeners.values()].some((l) => l.loadBalancerArn === lb.arn && l.port === port)) {
    throw new AwsError("DuplicateListener", "A listener already exists on this port for this load balancer");
  }
  const arn = world.ids.listenerArn(lb.dimension);
  const listener: Listener = {
    arn,
    loadBalancerArn: lb.arn,
    port,
    protocol: str(p.Protocol) ?? "HTTP",
    defaultActions: normalizeActions(world, p.DefaultActions, "defaultActions", lb.arn),
    createdAt: world.clock.now(),
    rest: p.Certificates ? { Certificates: p.Certificates, SslPolicy: p.SslPolicy } : {},
  };
  world.elb.listeners.set(arn, listener);
  const ruleArn = world.ids.ruleArn(arn);
  world.elb.rules.set(ruleArn, { arn: ruleArn, listenerArn: arn, priority: "default", conditions: [], actions: [] });
  return listener;
}

export function renderListener(l: Listener): Record<string, unknown> {
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol,
    ...l.rest,
    DefaultActions: l.defaultActions,
  };
}

export function requireLoadBalancer(world: World, arn: string | undefined): LoadBalancer {
  const lb = arn ? world.elb.loadBalancers.get(arn) : undefined;
  if (!lb) throw new AwsError("LoadBalancerNotFound", "One or more load balancers not found");
  return lb;
}

export function requireListener(world: World, arn: string | undefined): Listener {
  const listener = arn ? world.elb.listeners.get(arn) : undefined;
  if (!listener) throw new AwsError("ListenerNotFound", "One or more listeners not found");
  return listener;
}

function describeLoadBalancers(world: World, p: Params) {
  const arns = strList(p.LoadBalancerArns);
  const names = strList(p.Names);
  let lbs = [...world.elb.loadBalancers.values()];
  if (arns.length > 0) lbs = arns.map((a) => requireLoadBalancer(world, a));
  if (names.length > 0) {
    lbs = names.map((n) => {
      const lb = lbs.find((x) => x.name === n);
      if (!lb) throw new AwsError("LoadBalancerNotFound", `Load balancers '[${n}]' not found`);
      return lb;
    });
  }
  return { LoadBalancers: lbs.map((lb) => renderLoadBalancer(world, lb)) };
}

function describeListeners(world: World, p: Params) {
  const lbArn = str(p.LoadBalancerArn);
  const arns = strList(p.ListenerArns);
  if (!lbArn && arns.length === 0) {
    throw new AwsError("ValidationError", "You must specify either listener ARNs or a load balancer ARN");
  }
  if (lbArn) requireLoadBalancer(world, lbArn);
  const listeners =
    arns.length > 0
      ? arns.map((a) => requireListener(world, a))
      : [...world.elb.listeners.values()].filter((l) => l.loadBalancerArn === lbArn);
  return { Listeners: listeners.map(renderListener) };
}

function modifyListener(world: World, p: Params) {
  const listener = requireListener(world, str(p.ListenerArn));
  // Validate everything before changing anything: a rejected call must leave the listener as it was.
  const actions = p.DefaultActions !== undefined
    ? normalizeActions(world, p.DefaultActions, "defaultActions", listener.loadBalancerArn)
    : listener.defaultActions;
  const port = num(p.Port) ?? listener.port;
  if (port !== listener.port && [...world.elb.listeners.values()].some((l) => l.loadBalancerArn === listener.loadBalancerArn && l.port === port)) {
    throw new AwsError("DuplicateListener", "A listener already exists on this port for this load balancer");
  }
  listener.defaultActions = actions;
  listener.port = port;
  listener.protocol = str(p.Protocol) ?? listener.protocol;
  return { Listeners: [renderListener(listener)] };
}

function deleteListener(world: World, p: Params) {
  const listener = requireListener(world, str(p.ListenerArn));
  world.elb.listeners.delete(listener.arn);
  for (const [arn, rule] of world.elb.rules) if (rule.listenerArn === listener.arn) world.elb.rules.delete(arn);
  return {};
}

function deleteLoadBalancer(world: World, p: Params) {
  const arn = str(p.LoadBalancerArn);
  const lb = arn ? world.elb.loadBalancers.get(arn) : undefined;
  if (!lb) return {};
  for (const l of [...world.elb.listeners.values()]) if (l.loadBalancerArn === lb.arn) deleteListener(world, { ListenerArn: l.arn });
  world.elb.loadBalancers.delete(lb.arn);
  return {};
}

export const loadBalancerHandlers = {
  CreateLoadBalancer: (world: World, p: Params) => ({ LoadBalancers: [renderLoadBalancer(world, createLoadBalancer(world, p))] }),
  DescribeLoadBalancers: describeLoadBalancers,
  DeleteLoadBalancer: deleteLoadBalancer,
  CreateListener: (world: World, p: Params) => ({ Listeners: [renderListener(createListener(world, p))] }),
  DescribeListeners: describeListeners,
  ModifyListener: modifyListener,
  DeleteListener: deleteListener,
};
