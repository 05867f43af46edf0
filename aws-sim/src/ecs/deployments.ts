/**
 * Deployments (the `deployments[]` of a service) and their service-deployment records: starting one, completing
 * one, and the deployment circuit breaker with its automatic rollback.
 *
 * Rollback follows the ECS docs: the breaker looks for the last deployment that reached COMPLETED and makes it
 * PRIMARY again (same `ecs-svc/…` id, rolloutState back to IN_PROGRESS); the failed deployment stays in the list as
 * ACTIVE with rolloutState FAILED until its tasks are gone. The service-deployment record the client's update
 * created ends as ROLLBACK_SUCCESSFUL, which stays visible through DescribeServiceDeployments afterwards.
 */
import type { World } from "../world.js";
import { addEvent, messages } from "./events.js";
import type { Deployment, LoadBalancerRef, Service, ServiceDeploymentRecord, Task } from "./model.js";

export function circuitBreakerThreshold(world: World, desiredCount: number): number {
  const fixed = world.ecs.settings.circuitBreakerThreshold;
  if (fixed !== undefined) return fixed;
  return Math.min(200, Math.max(3, Math.ceil(desiredCount * 0.5)));
}

export interface DeploymentSpec {
  taskDefinitionArn: string;
  loadBalancers: LoadBalancerRef[];
  networkConfiguration: unknown;
}

/** Starts a new PRIMARY deployment; earlier deployments become ACTIVE and the scheduler retires their tasks. */
export function startDeployment(world: World, service: Service, spec: DeploymentSpec): Deployment {
  const now = world.clock.now();
  const revisionArn = world.ids.serviceRevisionArn(service.clusterName, service.name);
  world.ecs.serviceRevisions.set(revisionArn, {
    arn: revisionArn,
    serviceArn: service.arn,
    clusterArn: service.clusterArn,
    taskDefinitionArn: spec.taskDefinitionArn,
    launchType: service.launchType,
    platformVersion: service.platformVersion,
    loadBalancers: spec.loadBalancers,
    networkConfiguration: spec.networkConfiguration,
    createdAt: now,
  });
  const id = world.ids.deploymentId();
  const record: ServiceDeploymentRecord = {
    arn: world.ids.serviceDeploymentArn(service.clusterName, service.name),
    serviceArn: service.arn,
    clusterArn: service.clusterArn,
    deploymentId: id,
    createdAt: now,
    startedAt: now,
    updatedAt: now,
    status: "IN_PROGRESS",
    sourceRevisionArns: service.deployments.map((d) => d.serviceRevisionArn),
    targetRevisionArn: revisionArn,
    deploymentConfiguration: structuredClone(service.deploymentConfiguration),
    circuitBreaker: {
      status: service.deploymentConfiguration.deploymentCircuitBreaker.enable ? "MONITORING" : "DISABLED",
      failureCount: 0,
      threshold: circuitBreakerThreshold(world, service.desiredCount),
    },
  };
  for (const previous of service.deployments) {
    previous.status = "ACTIVE";
    previous.updatedAt = now;
    const old = world.ecs.serviceDeployments.get(previous.serviceDeploymentArn);
    if (old && (old.status === "IN_PROGRESS" || old.status === "ROLLBACK_IN_PROGRESS")) {
      old.status = "STOPPED";
      old.statusReason = "Service deployment stopped because a newer deployment started.";
      old.stoppedAt = now;
      old.updatedAt = now;
    }
  }
  world.ecs.serviceDeployments.set(record.arn, record);
  const deployment: Deployment = {
    id,
    status: "PRIMARY",
    taskDefinitionArn: spec.taskDefinitionArn,
    desiredCount: service.desiredCount,
    failedTasks: 0,
    createdAt: now,
    updatedAt: now,
    rolloutState: "IN_PROGRESS",
    rolloutStateReason: `ECS deployment ${id} in progress.`,
    loadBalancers: spec.loadBalancers,
    networkConfiguration: spec.networkConfiguration,
    launchType: service.launchType,
    platformVersion: service.platformVersion,
    nextLaunchAt: now,
    halted: false,
    serviceDeploymentArn: record.arn,
    serviceRevisionArn: revisionArn,
  };
  service.deployments.unshift(deployment);
  service.taskDefinitionArn = spec.taskDefinitionArn;
  service.loadBalancers = spec.loadBalancers;
  service.networkConfiguration = spec.networkConfiguration;
  service.currentServiceDeploymentArn = record.arn;
  service.steady = false;
  return deployment;
}

/** Called by the scheduler once the PRIMARY deployment has all its tasks healthy and nothing else is left. */
export function completeDeployment(world: World, service: Service, deployment: Deployment): void {
  const now = world.clock.now();
  deployment.rolloutState = "COMPLETED";
  deployment.rolloutStateReason = `ECS deployment ${deployment.id} completed.`;
  deployment.updatedAt = now;
  service.lastCompleted = {
    deploymentId: deployment.id,
    taskDefinitionArn: deployment.taskDefinitionArn,
    loadBalancers: deployment.loadBalancers,
    revisionArn: deployment.serviceRevisionArn,
  };
  const record = world.ecs.serviceDeployments.get(deployment.serviceDeploymentArn);
  if (record && (record.status === "IN_PROGRESS" || record.status === "ROLLBACK_IN_PROGRESS")) {
    record.status = record.status === "ROLLBACK_IN_PROGRESS" ? "ROLLBACK_SUCCESSFUL" : "SUCCESSFUL";
    record.finishedAt = now;
    record.updatedAt = now;
    if (record.circuitBreaker.status === "MONITORING") record.circuitBreaker.status = "MONITORING_COMPLETE";
  }
  addEvent(world, service, messages.deploymentCompleted(deployment.id));
}

/** A task stopped because it failed: count it against its deployment and trip the breaker if needed. */
export function recordTaskFailure(world: World, service: Service, task: Task): void {
  const deployment = service.deployments.find((d) => d.id === task.deploymentId);
  if (!deployment) return;
  deployment.failedTasks++;
  deployment.updatedAt = world.clock.now();
  deployment.nextLaunchAt = world.clock.now() + world.ecs.settings.launchRetryDelayMs;
  const record = world.ecs.serviceDeployments.get(deployment.serviceDeploymentArn);
  if (record && record.circuitBreaker.status === "MONITORING") record.circuitBreaker.failureCount++;
  const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
  if (!breaker.enable || deployment.status !== "PRIMARY" || deployment.rolloutState !== "IN_PROGRESS") return;
  if (deployment.failedTasks >= circuitBreakerThreshold(world, service.desiredCount)) trip(world, service, deployment);
}

function trip(world: World, service: Service, failed: Deployment): void {
  const now = world.clock.now();
  failed.rolloutState = "FAILED";
  failed.rolloutStateReason = "ECS deployment circuit breaker: tasks failed to start.";
  failed.updatedAt = now;
  addEvent(world, service, messages.deploymentFailed(failed.id));
  const record = world.ecs.serviceDeployments.get(failed.serviceDeploymentArn);
  if (record) {
    record.circuitBreaker.status = "TRIGGERED";
    record.updatedAt = now;
  }
  const target = service.lastCompleted;
  const rollingBackAlready = record?.status === "ROLLBACK_IN_PROGRESS";
  if (!service.deploymentConfiguration.deploymentCircuitBreaker.rollback || !target || rollingBackAlready) {
    // Without a rollback target ECS stops launching for this deployment and leaves it FAILED.
    failed.halted = true;
    if (record) {
      record.status = rollingBackAlready ? "ROLLBACK_FAILED" : "STOPPED";
      record.statusReason = "Service deployment failed because the circuit breaker threshold was exceeded.";
      record.stoppedAt = now;
    }
    return;
  }
  let back = service.deployments.find((d) => d.id === target.deploymentId);
  if (back) {
    service.deployments.splice(service.deployments.indexOf(back), 1);
  } else {
    back = {
      id: target.deploymentId,
      status: "PRIMARY",
      taskDefinitionArn: target.taskDefinitionArn,
      desiredCount: service.desiredCount,
      failedTasks: 0,
      createdAt: now,
      updatedAt: now,
      rolloutState: "IN_PROGRESS",
      rolloutStateReason: `ECS deployment ${target.deploymentId} in progress.`,
      loadBalancers: target.loadBalancers,
      networkConfiguration: service.networkConfiguration,
      launchType: service.launchType,
      platformVersion: service.platformVersion,
      nextLaunchAt: now,
      halted: false,
      serviceDeploymentArn: failed.serviceDeploymentArn,
      serviceRevisionArn: target.revisionArn,
    };
  }
  back.status = "PRIMARY";
  back.rolloutState = "IN_PROGRESS";
  back.rolloutStateReason = `ECS deployment ${back.id} in progress.`;
  back.desiredCount = service.desiredCount;
  back.updatedAt = now;
  back.nextLaunchAt = now;
  back.serviceDeploymentArn = failed.serviceDeploymentArn;
  failed.status = "ACTIVE";
  service.deployments.unshift(back);
  service.taskDefinitionArn = back.taskDefinitionArn;
  service.loadBalancers = back.loadBalancers;
  addEvent(world, service, messages.rollingBack(back.id));
  if (record) {
    record.status = "ROLLBACK_IN_PROGRESS";
    record.statusReason = "Service deployment rolled back because the circuit breaker threshold was exceeded.";
    record.rollback = {
      reason: "Service deployment rolled back because the circuit breaker threshold was exceeded.",
      startedAt: now,
      serviceRevisionArn: target.revisionArn,
    };
  }
}
