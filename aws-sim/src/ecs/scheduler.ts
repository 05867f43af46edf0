/**
 * The ECS service scheduler, run once per simulated second: moves tasks through their lifecycle, stops tasks that
 * fail health checks, replaces tasks for a rolling deployment within minimumHealthyPercent/maximumPercent, and
 * declares deployments COMPLETED and services steady.
 */
import { targetState } from "../elbv2/targets.js";
import type { World } from "../world.js";
import { completeDeployment } from "./deployments.js";
import { addEvent, messages } from "./events.js";
import type { Service, Task } from "./model.js";
import { advanceTask, isReady, launchTask, stopTask } from "./tasks.js";

export function tickEcs(world: World, t: number): void {
  for (const task of [...world.ecs.tasks.values()]) advanceTask(world, task, t);
  for (const service of world.ecs.services) {
    if (service.status !== "INACTIVE") reconcile(world, service, t);
  }
  world.ecsLog.flush(world);
}

function liveTasks(world: World, service: Service): Task[] {
  return [...world.ecs.tasks.values()].filter(
    (t) => t.clusterName === service.clusterName && t.serviceName === service.name && t.lastStatus !== "STOPPED",
  );
}

function reconcile(world: World, service: Service, t: number): void {
  enforceHealth(world, service, t);
  let tasks = liveTasks(world, service);
  if (service.status === "DRAINING") {
    for (const task of tasks) stopTask(world, task, { stopCode: "ServiceSchedulerInitiated", reason: "Service deleted", failed: false });
    if (tasks.length === 0) {
      service.status = "INACTIVE";
      service.deployments = [];
    }
    return;
  }

  const primary = service.deployments[0];
  if (!primary) return;
  const { minimumHealthyPercent, maximumPercent } = service.deploymentConfiguration;
  const desired = service.desiredCount;
  const minHealthy = Math.ceil((desired * minimumHealthyPercent) / 100);
  const maxTotal = Math.floor((desired * maximumPercent) / 100);
  const schedulerStop = (task: Task) =>
    stopTask(world, task, { stopCode: "ServiceSchedulerInitiated", reason: "Scaling activity initiated by (deployment " + primary.id + ")", failed: false });

  const live = tasks.filter((x) => x.desiredStatus === "RUNNING");
  const ready = new Set(live.filter((x) => isReady(world, x)));
  const old = live.filter((x) => x.deploymentId !== primary.id);
  const current = live.filter((x) => x.deploymentId === primary.id);

  // Old tasks that are not healthy count for nothing, so they go first and without touching the healthy budget.
  for (const task of old.filter((x) => !ready.has(x))) schedulerStop(task);
  // Scale-in of the current deployment is not bounded by minimumHealthyPercent; drop unready tasks first.
  const surplus = current.length - desired;
  if (surplus > 0) {
    const order = [...current.filter((x) => !ready.has(x)), ...current.filter((x) => ready.has(x)).reverse()];
    for (const task of order.slice(0, surplus)) {
      ready.delete(task);
      schedulerStop(task);
    }
  }
  let budget = [...ready].filter((x) => x.desiredStatus === "RUNNING").length - minHealthy;
  for (const task of old.filter((x) => ready.has(x))) {
    if (budget <= 0) break;
    schedulerStop(task);
    budget--;
  }

  tasks = liveTasks(world, service);
  const currentLive = tasks.filter((x) => x.desiredStatus === "RUNNING" && x.deploymentId === primary.id).length;
  if (!primary.halted && t >= primary.nextLaunchAt) {
    const room = maxTotal - tasks.length;
    const count = Math.min(desired - currentLive, room);
    for (let i = 0; i < count; i++) world.ecsLog.add(service, "started", launchTask(world, service, primary).id);
  }

  // Old deployments leave the list once their last task is gone.
  service.deployments = service.deployments.filter(
    (d) => d === primary || tasks.some((x) => x.deploymentId === d.id),
  );
  checkSteady(world, service, primary);
}

/** ECS replaces tasks that fail container health checks, or ELB health checks once the grace period is over. */
function enforceHealth(world: World, service: Service, t: number): void {
  for (const task of liveTasks(world, service)) {
    if (task.lastStatus !== "RUNNING" || task.desiredStatus !== "RUNNING") continue;
    if (task.healthStatus === "UNHEALTHY") {
      addEvent(world, service, messages.unhealthyContainer(task.id));
      stopTask(world, task, { stopCode: "TaskFailedToStart", reason: "Task failed container health checks", failed: true });
      continue;
    }
    if (t < (task.startedAt ?? t) + service.healthCheckGracePeriodSeconds * 1000) continue;
    const bad = task.targets.find((r) => targetState(world, r.targetGroupArn, task.ip, r.port) === "unhealthy");
    if (bad) {
      addEvent(world, service, messages.unhealthyTarget(task.id, bad.port, bad.targetGroupArn));
      stopTask(world, task, {
        stopCode: "ServiceSchedulerInitiated",
        reason: `Task failed ELB health checks in (target-group ${bad.targetGroupArn})`,
        failed: true,
      });
    }
  }
}

function checkSteady(world: World, service: Service, primary: Service["deployments"][number]): void {
  const tasks = liveTasks(world, service);
  const steady =
    service.deployments.length === 1 &&
    tasks.length === service.desiredCount &&
    tasks.every((x) => x.desiredStatus === "RUNNING" && x.deploymentId === primary.id && isReady(world, x));
  if (!steady) {
    service.steady = false;
    return;
  }
  // Task events of this tick come before the completion, as in the ECS console.
  world.ecsLog.flush(world);
  if (primary.rolloutState === "IN_PROGRESS") completeDeployment(world, service, primary);
  if (!service.steady) addEvent(world, service, messages.steady());
  service.steady = steady;
}
