/**
 * Task lifecycle (PROVISIONING → PENDING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED), target
 * registration with the service's target groups, and the ListTasks / DescribeTasks / StopTask handlers.
 */
import { AwsError } from "../errors.js";
import { str, strList, type Params } from "../input.js";
import { deregisterTarget, registerTarget, targetState } from "../elbv2/targets.js";
import type { World } from "../world.js";
import { recordTaskFailure } from "./deployments.js";
import { paginate } from "./task-definitions.js";
import { findCluster, findService, resolveTaskDefinition, serviceOfTask } from "./lookup.js";
import type { Deployment, Service, Task } from "./model.js";

const ZONES = ["a", "b", "c"];
let zoneCursor = 0;

export function launchTask(world: World, service: Service, deployment: Deployment): Task {
  const now = world.clock.now();
  const td = resolveTaskDefinition(world.ecs, deployment.taskDefinitionArn);
  if (!td) throw new Error(`task definition ${deployment.taskDefinitionArn} vanished`);
  const lbContainer = deployment.loadBalancers.find((lb) => lb.containerName)?.containerName;
  const main =
    td.containerDefinitions.find((c) => c.name === lbContainer) ??
    td.containerDefinitions.find((c) => c.essential !== false) ??
    td.containerDefinitions[0];
  const { arn, id } = world.ids.taskArn(service.clusterName);
  const task: Task = {
    arn,
    id,
    clusterName: service.clusterName,
    clusterArn: service.clusterArn,
    serviceName: service.name,
    deploymentId: deployment.id,
    group: `service:${service.name}`,
    startedBy: deployment.id,
    taskDefinitionArn: td.arn,
    familyRevision: `${td.family}:${td.revision}`,
    image: main?.image,
    containers: td.containerDefinitions.map((c) => ({
      name: String(c.name),
      image: String(c.image),
      essential: c.essential !== false,
    })),
    cpu: str(td.rest.cpu),
    memory: str(td.rest.memory),
    launchType: deployment.launchType,
    ip: "",
    availabilityZone: `${world.ids.region}${ZONES[zoneCursor++ % ZONES.length]}`,
    lastStatus: "PROVISIONING",
    desiredStatus: "RUNNING",
    nextAt: now + world.ecs.settings.provisioningMs,
    createdAt: now,
    healthStatus: "UNKNOWN",
    targets: [],
    failed: false,
    version: 1,
  };
  world.assignIp(task);
  world.ecs.tasks.set(arn, task);
  return task;
}

/** True when ECS counts the task as healthy: running, container check not failed, every target healthy. */
export function isReady(world: World, task: Task): boolean {
  if (task.lastStatus !== "RUNNING" || task.desiredStatus !== "RUNNING") return false;
  if (task.healthStatus === "UNHEALTHY") return false;
  if (hasContainerHealthCheck(world, task) && task.healthStatus !== "HEALTHY") return false;
  return task.targets.every((t) => {
    const state = targetState(world, t.targetGroupArn, task.ip, t.port);
    return state === "healthy" || state === "unused" || state === undefined;
  });
}

function hasContainerHealthCheck(world: World, task: Task): boolean {
  const td = resolveTaskDefinition(world.ecs, task.taskDefinitionArn);
  return !!td?.containerDefinitions.some((c) => c.healthCheck?.command);
}

/** Moves one task along its lifecycle if its next transition is due. */
export function advanceTask(world: World, task: Task, t: number): void {
  const settings = world.ecs.settings;
  switch (task.lastStatus) {
    case "PROVISIONING":
      if (t < task.nextAt) return;
      task.lastStatus = "PENDING";
      task.pullStartedAt = t;
      task.nextAt = t + settings.pendingMs;
      break;
    case "PENDING": {
      if (t < task.nextAt) return;
      task.pullStoppedAt = t;
      task.startedAt = t;
      const behavior = world.faults.behaviorFor(task.image, task.familyRevision);
      if (behavior.crashOnStart) {
        task.exitCode = 1;
        stopTask(world, task, { stopCode: "EssentialContainerExited", reason: "Essential container in task exited", failed: true });
        return;
      }
      task.lastStatus = "RUNNING";
      registerServiceTargets(world, task);
      task.containerHealthAt = t + containerVerdictDelay(world, task, behavior.healthy);
      break;
    }
    case "RUNNING":
      if (task.healthStatus === "UNKNOWN" && task.containerHealthAt !== undefined && t >= task.containerHealthAt) {
        const healthy = world.faults.behaviorFor(task.image, task.familyRevision).healthy;
        if (!healthy) task.healthStatus = "UNHEALTHY";
        else if (hasContainerHealthCheck(world, task)) task.healthStatus = "HEALTHY";
      }
      break;
    case "DEACTIVATING":
      // ECS waits for the load balancer to finish draining before it sends SIGTERM.
      if (task.targets.some((r) => targetState(world, r.targetGroupArn, task.ip, r.port) !== undefined)) return;
      task.lastStatus = "STOPPING";
      task.nextAt = t + settings.stoppingMs;
      break;
    case "STOPPING":
      if (t < task.nextAt) return;
      task.lastStatus = "DEPROVISIONING";
      task.nextAt = t + settings.deprovisioningMs;
      break;
    case "DEPROVISIONING":
      if (t < task.nextAt) return;
      task.lastStatus = "STOPPED";
      task.stoppedAt = t;
      break;
    case "STOPPED":
      if (t - (task.stoppedAt ?? t) > settings.stoppedTaskRetentionMs) world.ecs.tasks.delete(task.arn);
      return;
  }
  task.version++;
}

/**
 * When a container health check reaches its verdict. A task whose image is unhealthy and that has neither a
 * container health check nor a load balancer would never be caught, so the sim applies AWS's default check
 * (interval 30 s, 3 retries) to it: `healthy: false` always bites.
 */
function containerVerdictDelay(world: World, task: Task, healthy: boolean): number {
  const td = resolveTaskDefinition(world.ecs, task.taskDefinitionArn);
  const check = td?.containerDefinitions.find((c) => c.healthCheck?.command)?.healthCheck;
  if (!check && (task.targets.length > 0 || healthy)) return Number.POSITIVE_INFINITY;
  const interval = (check?.interval ?? 30) * 1000;
  if (healthy) return interval;
  return Math.max((check?.startPeriod ?? 0) * 1000, interval * (check?.retries ?? 3));
}

function registerServiceTargets(world: World, task: Task): void {
  const service = serviceOfTask(world, task);
  const deployment = service?.deployments.find((d) => d.id === task.deploymentId);
  if (!service || !deployment) return;
  for (const lb of deployment.loadBalancers) {
    if (!lb.targetGroupArn || lb.containerPort === undefined) continue;
    if (!registerTarget(world, lb.targetGroupArn, task.ip, lb.containerPort, task.availabilityZone)) continue;
    task.targets.push({ targetGroupArn: lb.targetGroupArn, port: lb.containerPort });
    world.ecsLog.count(service, "registered", lb.targetGroupArn);
  }
}

export interface StopOptions {
  stopCode: string;
  reason: string;
  failed: boolean;
}

export function stopTask(world: World, task: Task, opts: StopOptions): void {
  if (task.desiredStatus === "STOPPED") return;
  const now = world.clock.now();
  task.desiredStatus = "STOPPED";
  task.stoppingAt = now;
  task.stopCode = opts.stopCode;
  task.stoppedReason = opts.reason;
  task.failed = opts.failed;
  task.version++;
  const service = serviceOfTask(world, task);
  if (task.lastStatus === "RUNNING" && task.targets.length > 0) {
    task.lastStatus = "DEACTIVATING";
    for (const t of task.targets) {
      deregisterTarget(world, t.targetGroupArn, task.ip, t.port);
      if (service) world.ecsLog.count(service, "deregistered", t.targetGroupArn);
    }
    if (service) world.ecsLog.add(service, "draining", task.id);
  } else if (task.lastStatus === "PROVISIONING" || task.lastStatus === "PENDING" || task.lastStatus === "RUNNING") {
    task.lastStatus = task.lastStatus === "RUNNING" ? "STOPPING" : "DEPROVISIONING";
    task.nextAt = now + (task.lastStatus === "STOPPING" ? world.ecs.settings.stoppingMs : world.ecs.settings.deprovisioningMs);
  }
  if (service) world.ecsLog.add(service, "stopped", task.id);
  if (opts.failed && service) recordTaskFailure(world, service, task);
}

export function renderTask(task: Task): Record<string, unknown> {
  const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
  const eniId = `eni-${task.id.slice(0, 17)}`;
  return {
    taskArn: task.arn,
    clusterArn: task.clusterArn,
    taskDefinitionArn: task.taskDefinitionArn,
    group: task.group,
    startedBy: task.startedBy,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    healthStatus: task.healthStatus,
    launchType: task.launchType,
    platformVersion: task.launchType === "FARGATE" ? "1.4.0" : undefined,
    platformFamily: task.launchType === "FARGATE" ? "Linux" : undefined,
    cpu: task.cpu,
    memory: task.memory,
    availabilityZone: task.availabilityZone,
    connectivity: task.startedAt !== undefined ? "CONNECTED" : undefined,
    connectivityAt: date(task.pullStartedAt),
    createdAt: date(task.createdAt),
    pullStartedAt: date(task.pullStartedAt),
    pullStoppedAt: date(task.pullStoppedAt),
    startedAt: task.lastStatus === "RUNNING" || task.stoppingAt !== undefined ? date(task.startedAt) : undefined,
    stoppingAt: date(task.stoppingAt),
    stoppedAt: date(task.stoppedAt),
    executionStoppedAt: date(task.stoppedAt),
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    version: task.version,
    attachments: [
      {
        id: `${task.id.slice(0, 8)}-attachment`,
        type: "ElasticNetworkInterface",
        status: task.lastStatus === "STOPPED" ? "DELETED" : "ATTACHED",
        details: [
          { name: "subnetId", value: "subnet-0a1b2c3d" },
          { name: "networkInterfaceId", value: eniId },
          { name: "privateIPv4Address", value: task.ip },
        ],
      },
    ],
    containers: task.containers.map((c, i) => ({
      containerArn: `${task.arn.replace(":task/", ":container/")}/${i}`,
      taskArn: task.arn,
      name: c.name,
      image: c.image,
      lastStatus: task.lastStatus === "STOPPED" || task.lastStatus === "DEPROVISIONING" ? "STOPPED" : task.lastStatus === "RUNNING" || task.lastStatus === "DEACTIVATING" || task.lastStatus === "STOPPING" ? "RUNNING" : "PENDING",
      exitCode: task.lastStatus === "STOPPED" ? (task.exitCode ?? 0) : undefined,
      healthStatus: task.healthStatus,
      networkInterfaces: [{ attachmentId: `${task.id.slice(0, 8)}-attachment`, privateIpv4Address: task.ip }],
    })),
    tags: [],
  };
}

function listTasks(world: World, p: Params) {
  const cluster = findCluster(world.ecs, str(p.cluster));
  const serviceName = str(p.serviceName);
  if (serviceName && !findService(world.ecs, cluster, serviceName)) {
    throw new AwsError("ServiceNotFoundException", "Service not found.");
  }
  const family = str(p.family);
  const desired = str(p.desiredStatus) ?? "RUNNING";
  const startedBy = str(p.startedBy);
  const launchType = str(p.launchType);
  const arns = [...world.ecs.tasks.values()]
    .filter((t) => t.clusterName === cluster.name && t.desiredStatus === desired)
    .filter((t) => !serviceName || t.serviceName === serviceName.slice(serviceName.lastIndexOf("/") + 1))
    .filter((t) => !family || t.familyRevision.startsWith(`${family}:`))
    .filter((t) => !startedBy || t.startedBy === startedBy)
    .filter((t) => !launchType || t.launchType === launchType)
    .map((t) => t.arn);
  return paginate(arns, p, "taskArns");
}

function describeTasks(world: World, p: Params) {
  const cluster = findCluster(world.ecs, str(p.cluster));
  const refs = strList(p.tasks);
  if (refs.length === 0) throw new AwsError("InvalidParameterException", "Tasks cannot be empty.");
  if (refs.length > 100) throw new AwsError("InvalidParameterException", "Tasks cannot have more than 100 items.");
  const tasks: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const ref of refs) {
    const id = ref.slice(ref.lastIndexOf("/") + 1);
    const task = [...world.ecs.tasks.values()].find((t) => t.id === id && t.clusterName === cluster.name);
    if (task) tasks.push(renderTask(task));
    else failures.push({ arn: ref.startsWith("arn:") ? ref : `arn:aws:ecs:${world.ids.region}:123456789012:task/${cluster.name}/${id}`, reason: "MISSING" });
  }
  return { tasks, failures };
}

function stopTaskHandler(world: World, p: Params) {
  const cluster = findCluster(world.ecs, str(p.cluster));
  const ref = str(p.task);
  if (!ref) throw new AwsError("InvalidParameterException", "Task can not be blank.");
  const id = ref.slice(ref.lastIndexOf("/") + 1);
  const task = [...world.ecs.tasks.values()].find((t) => t.id === id && t.clusterName === cluster.name);
  if (!task) throw new AwsError("InvalidParameterException", "The referenced task was not found.");
  stopTask(world, task, { stopCode: "UserInitiated", reason: str(p.reason) ?? "Task stopped by user", failed: false });
  return { task: renderTask(task) };
}

export const taskHandlers = {
  ListTasks: listTasks,
  DescribeTasks: describeTasks,
  StopTask: stopTaskHandler,
};
