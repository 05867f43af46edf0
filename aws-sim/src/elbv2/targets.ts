/**
 * Target registration and health: RegisterTargets, DeregisterTargets, DescribeTargetHealth, plus the per-second
 * health checker. A target moves initial → healthy | unhealthy by consecutive check results against the
 * group's thresholds; deregistration drains for `deregistration_delay.timeout_seconds`, then the target is gone.
 * Target groups no listener or rule forwards to do not check at all: their targets are `unused`.
 */
import { AwsError } from "../errors.js";
import { list, num, obj, str, type Params } from "../input.js";
import type { World } from "../world.js";
import { isTargetGroupInUse } from "./associations.js";
import { targetKey, type Target, type TargetGroup, type TargetState } from "./model.js";

const REASONS: Partial<Record<TargetState, [string, string]>> = {
  initial: ["Elb.RegistrationInProgress", "Target registration is in progress"],
  unhealthy: ["Target.ResponseCodeMismatch", "Health checks failed with these codes: [503]"],
  draining: ["Target.DeregistrationInProgress", "Target deregistration is in progress"],
  unused: ["Target.NotInUse", "Target group is not configured to receive traffic from the load balancer"],
};

function setState(target: Target, state: TargetState, reason?: [string, string]): void {
  target.state = state;
  const [code, description] = reason ?? REASONS[state] ?? [undefined, undefined];
  target.reason = code;
  target.description = description;
}

export function requireTargetGroup(world: World, arn: string | undefined): TargetGroup {
  const tg = arn ? world.elb.targetGroups.get(arn) : undefined;
  if (!tg) throw new AwsError("TargetGroupNotFound", "One or more target groups not found");
  return tg;
}

/** Returns false when the target group does not exist (ECS then simply does not register). */
export function registerTarget(world: World, tgArn: string, id: string, port: number, az: string): boolean {
  const tg = world.elb.targetGroups.get(tgArn);
  if (!tg) return false;
  const now = world.clock.now();
  const key = targetKey(id, port);
  const existing = tg.targets.get(key);
  if (existing && existing.state !== "draining") return true;
  const target: Target = {
    id,
    port,
    availabilityZone: az,
    state: "initial",
    registeredAt: now,
    nextCheckAt: now + tg.healthCheck.intervalSeconds * 1000,
    consecutiveOk: 0,
    consecutiveFail: 0,
  };
  setState(target, isTargetGroupInUse(world, tgArn) ? "initial" : "unused");
  tg.targets.set(key, target);
  return true;
}

export function deregisterTarget(world: World, tgArn: string, id: string, port: number): void {
  const tg = world.elb.targetGroups.get(tgArn);
  const target = tg?.targets.get(targetKey(id, port));
  if (!tg || !target || target.state === "draining") return;
  const delay = Number(tg.attributes.get("deregistration_delay.timeout_seconds") ?? 300) * 1000;
  if (target.state === "unused" || delay === 0) {
    tg.targets.delete(targetKey(id, port));
    return;
  }
  setState(target, "draining");
  target.drainUntil = world.clock.now() + delay;
}

/** The target's state, or undefined once it is not registered (or its target group is gone). */
export function targetState(world: World, tgArn: string, id: string, port: number): TargetState | undefined {
  return world.elb.targetGroups.get(tgArn)?.targets.get(targetKey(id, port))?.state;
}

/** What a health check against this target sees: the app's health endpoint answers only if its task runs. */
function probe(world: World, target: Target): boolean {
  const task = world.taskByIp(target.id);
  if (!task) return true;
  if (task.lastStatus !== "RUNNING" && task.lastStatus !== "DEACTIVATING") return false;
  return world.faults.behaviorFor(task.image, task.familyRevision).healthy;
}

export function tickTargets(world: World, t: number): void {
  for (const tg of world.elb.targetGroups.values()) {
    const inUse = isTargetGroupInUse(world, tg.arn);
    const interval = tg.healthCheck.intervalSeconds * 1000;
    for (const [key, target] of tg.targets) {
      if (target.state === "draining") {
        if (t >= (target.drainUntil ?? t)) tg.targets.delete(key);
        continue;
      }
      if (!inUse) {
        if (target.state !== "unused") setState(target, "unused");
        continue;
      }
      if (target.state === "unused") {
        setState(target, "initial");
        target.consecutiveOk = target.consecutiveFail = 0;
        target.nextCheckAt = t + interval;
      }
      if (t < target.nextCheckAt) continue;
      target.nextCheckAt += interval;
      check(target, tg, tg.healthCheck.enabled ? probe(world, target) : true);
    }
  }
}

function check(target: Target, tg: TargetGroup, ok: boolean): void {
  if (ok) {
    target.consecutiveOk++;
    target.consecutiveFail = 0;
    if (target.state !== "healthy" && target.consecutiveOk >= tg.healthCheck.healthyThreshold) setState(target, "healthy");
    else if (target.state === "initial") setState(target, "initial", ["Elb.InitialHealthChecking", "Initial health checks in progress"]);
  } else {
    target.consecutiveFail++;
    target.consecutiveOk = 0;
    if (target.state !== "unhealthy" && target.consecutiveFail >= tg.healthCheck.unhealthyThreshold) setState(target, "unhealthy");
    else if (target.state === "initial") setState(target, "initial", ["Elb.InitialHealthChecking", "Initial health checks in progress"]);
  }
}

function targetsParam(p: Params, tg: TargetGroup): { id: string; port: number; az?: string }[] {
  const targets = list(p.Targets).map((x) => obj(x));
  if (targets.length === 0) throw new AwsError("ValidationError", "Targets must contain at least one target");
  return targets.map((x) => {
    const id = str(x.Id);
    if (!id) throw new AwsError("ValidationError", "Target Id can not be blank");
    return { id, port: num(x.Port) ?? tg.port, az: str(x.AvailabilityZone) };
  });
}

export const targetHandlers = {
  RegisterTargets: (world: World, p: Params) => {
    const tg = requireTargetGroup(world, str(p.TargetGroupArn));
    for (const x of targetsParam(p, tg)) {
      if (tg.targetType === "ip" && !/^\d{1,3}(\.\d{1,3}){3}$/.test(x.id)) {
        throw new AwsError("InvalidTarget", `The IP address '${x.id}' is not a valid IPv4 address`);
      }
      registerTarget(world, tg.arn, x.id, x.port, x.az ?? `${world.ids.region}a`);
    }
    return {};
  },
  DeregisterTargets: (world: World, p: Params) => {
    const tg = requireTargetGroup(world, str(p.TargetGroupArn));
    const targets = targetsParam(p, tg);
    const missing = targets.filter((x) => !tg.targets.has(targetKey(x.id, x.port)));
    if (missing.length > 0) {
      const list = missing.map((x) => `'Id=${x.id},Port=${x.port}'`).join(", ");
      throw new AwsError("InvalidTarget", `The following targets are not registered: ${list}`);
    }
    for (const x of targets) deregisterTarget(world, tg.arn, x.id, x.port);
    return {};
  },
  DescribeTargetHealth: (world: World, p: Params) => {
    const tg = requireTargetGroup(world, str(p.TargetGroupArn));
    const wanted = p.Targets === undefined || list(p.Targets).length === 0 ? undefined : targetsParam(p, tg);
    const rows = wanted
      ? wanted.map((x) => tg.targets.get(targetKey(x.id, x.port)) ?? notRegistered(x.id, x.port))
      : [...tg.targets.values()];
    return {
      TargetHealthDescriptions: rows.map((x) => ({
        Target: { Id: x.id, Port: x.port, AvailabilityZone: x.availabilityZone || undefined },
        HealthCheckPort: tg.healthCheck.port === "traffic-port" ? String(x.port) : tg.healthCheck.port,
        TargetHealth: { State: x.state, Reason: x.reason, Description: x.description },
      })),
    };
  },
};

function notRegistered(id: string, port: number): Target {
  return {
    id,
    port,
    availabilityZone: "",
    state: "unused",
    reason: "Target.NotRegistered",
    description: "Target is not registered to the target group",
    registeredAt: 0,
    nextCheckAt: 0,
    consecutiveOk: 0,
    consecutiveFail: 0,
  };
}
