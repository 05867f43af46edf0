/** The API shapes of services and deployments, with counts derived from the live tasks. */
import type { World } from "../world.js";
import type { Deployment, Service, Task } from "./model.js";

function tasksOf(world: World, service: Service): Task[] {
  return [...world.ecs.tasks.values()].filter(
    (t) => t.clusterName === service.clusterName && t.serviceName === service.name && t.lastStatus !== "STOPPED",
  );
}

const isPending = (t: Task) => t.lastStatus === "PROVISIONING" || t.lastStatus === "PENDING";
const isRunning = (t: Task) => t.lastStatus === "RUNNING";

export function renderDeployment(service: Service, d: Deployment, tasks: Task[]): Record<string, unknown> {
  const mine = tasks.filter((t) => t.deploymentId === d.id);
  return {
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinitionArn,
    desiredCount: d.status === "PRIMARY" ? service.desiredCount : mine.filter((t) => t.desiredStatus === "RUNNING").length,
    pendingCount: mine.filter(isPending).length,
    runningCount: mine.filter(isRunning).length,
    failedTasks: d.failedTasks,
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    launchType: d.launchType,
    platformVersion: d.launchType === "FARGATE" ? "1.4.0" : undefined,
    platformFamily: d.launchType === "FARGATE" ? "Linux" : undefined,
    networkConfiguration: d.networkConfiguration,
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
  };
}

export function renderService(world: World, service: Service): Record<string, unknown> {
  const tasks = tasksOf(world, service);
  return {
    ...service.rest,
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.clusterArn,
    loadBalancers: service.loadBalancers,
    serviceRegistries: [],
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: tasks.filter(isRunning).length,
    pendingCount: tasks.filter(isPending).length,
    launchType: service.launchType,
    platformVersion: service.platformVersion,
    platformFamily: service.launchType === "FARGATE" ? "Linux" : undefined,
    taskDefinition: service.taskDefinitionArn,
    deploymentConfiguration: service.deploymentConfiguration,
    deployments: service.status === "INACTIVE" ? [] : service.deployments.map((d) => renderDeployment(service, d, tasks)),
    events: service.events.map((e) => ({ id: e.id, createdAt: new Date(e.createdAt), message: e.message })),
    createdAt: new Date(service.createdAt),
    currentServiceDeployment: service.currentServiceDeploymentArn || undefined,
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: service.networkConfiguration,
    healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds,
    schedulingStrategy: "REPLICA",
    deploymentController: { type: "ECS" },
    createdBy: service.createdBy,
    enableECSManagedTags: false,
    propagateTags: "NONE",
    enableExecuteCommand: false,
    availabilityZoneRebalancing: "DISABLED",
    tags: service.tags,
  };
}
