/**
 * Metrics AWS publishes once a minute rather than per request: AWS/ECS CPUUtilization and MemoryUtilization per
 * service and per cluster, and AWS/ApplicationELB HealthyHostCount / UnHealthyHostCount per target group.
 * Datapoints are stamped with the start of the minute they describe.
 */
import { isTargetGroupInUse } from "../elbv2/associations.js";
import { loadBalancersOfTargetGroup } from "../elbv2/associations.js";
import type { World } from "../world.js";
import { dims, type Datapoint } from "./store.js";

function statSet(t: number, values: number[]): Datapoint {
  return {
    t,
    sum: values.reduce((a, b) => a + b, 0) / values.length,
    count: 1,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

function clampPercent(v: number): number {
  return Math.max(0, Math.min(100, v));
}

export function publishMinuteMetrics(world: World, t: number): void {
  const start = t - 60_000;
  const byCluster = new Map<string, { cpu: number[]; memory: number[] }>();
  for (const service of world.ecs.services) {
    if (service.status === "INACTIVE") continue;
    const running = [...world.ecs.tasks.values()].filter(
      (x) => x.clusterName === service.clusterName && x.serviceName === service.name && x.lastStatus === "RUNNING",
    );
    if (running.length === 0) continue;
    const cpu: number[] = [];
    const memory: number[] = [];
    for (const task of running) {
      const b = world.faults.behaviorFor(task.image, task.familyRevision);
      cpu.push(clampPercent(b.cpuPercent * (1 + 0.08 * world.rng.normal())));
      memory.push(clampPercent(b.memoryPercent * (1 + 0.03 * world.rng.normal())));
    }
    const d = dims({ ClusterName: service.clusterName, ServiceName: service.name });
    world.metrics.put("AWS/ECS", "CPUUtilization", d, statSet(start, cpu), "Percent");
    world.metrics.put("AWS/ECS", "MemoryUtilization", d, statSet(start, memory), "Percent");
    const cluster = byCluster.get(service.clusterName) ?? { cpu: [], memory: [] };
    cluster.cpu.push(...cpu);
    cluster.memory.push(...memory);
    byCluster.set(service.clusterName, cluster);
  }
  for (const [clusterName, v] of byCluster) {
    const d = dims({ ClusterName: clusterName });
    world.metrics.put("AWS/ECS", "CPUUtilization", d, statSet(start, v.cpu), "Percent");
    world.metrics.put("AWS/ECS", "MemoryUtilization", d, statSet(start, v.memory), "Percent");
  }

  for (const tg of world.elb.targetGroups.values()) {
    if (!isTargetGroupInUse(world, tg.arn)) continue;
    const targets = [...tg.targets.values()];
    const healthy = targets.filter((x) => x.state === "healthy").length;
    const unhealthy = targets.filter((x) => x.state === "unhealthy").length;
    for (const lbArn of loadBalancersOfTargetGroup(world, tg.arn)) {
      const lb = world.elb.loadBalancers.get(lbArn);
      if (!lb) continue;
      const d = dims({ LoadBalancer: lb.dimension, TargetGroup: tg.dimension });
      world.metrics.put("AWS/ApplicationELB", "HealthyHostCount", d, { t: start, sum: healthy, count: 1, min: healthy, max: healthy }, "Count");
      world.metrics.put("AWS/ApplicationELB", "UnHealthyHostCount", d, { t: start, sum: unhealthy, count: 1, min: unhealthy, max: unhealthy }, "Count");
    }
  }
}
