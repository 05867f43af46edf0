/**
 * CreateService, UpdateService, DeleteService, DescribeServices, ListServices. Only the ECS (rolling) deployment
 * controller is simulated; the scheduler in scheduler.ts does the actual task replacement.
 */
import { AwsError } from "../errors.js";
import { bool, list, num, obj, str, strList, type Params } from "../input.js";
import type { World } from "../world.js";
import { startDeployment } from "./deployments.js";
import { findCluster, findService, requireActiveService, resolveTaskDefinition } from "./lookup.js";
import type { DeploymentConfiguration, Service } from "./model.js";
import { renderService } from "./render.js";
import { stopTask } from "./tasks.js";
import { paginate } from "./task-definitions.js";
import { validateLoadBalancers, validateNetworking, requireTaskDefinition } from "./validate.js";

const DEFAULT_CONFIG: DeploymentConfiguration = {
  minimumHealthyPercent: 100,
  maximumPercent: 200,
  deploymentCircuitBreaker: { enable: false, rollback: false },
};

function deploymentConfiguration(input: unknown, base: DeploymentConfiguration): DeploymentConfiguration {
  const p = obj(input);
  const breaker = obj(p.deploymentCircuitBreaker);
  const strategy = str(p.strategy);
  if (strategy && strategy !== "ROLLING") {
    throw new AwsError("InvalidParameterException", `aws-sim simulates only the ROLLING deployment strategy, not ${strategy}.`);
  }
  const config: DeploymentConfiguration = {
    ...base,
    ...p,
    minimumHealthyPercent: num(p.minimumHealthyPercent) ?? base.minimumHealthyPercent,
    maximumPercent: num(p.maximumPercent) ?? base.maximumPercent,
    deploymentCircuitBreaker: {
      enable: bool(breaker.enable) ?? base.deploymentCircuitBreaker.enable,
      rollback: bool(breaker.rollback) ?? base.deploymentCircuitBreaker.rollback,
    },
  };
  if (config.minimumHealthyPercent < 0 || config.minimumHealthyPercent > 100) {
    throw new AwsError("InvalidParameterException", "minimumHealthyPercent must be between 0 and 100.");
  }
  if (config.maximumPercent < 100) {
    throw new AwsError("InvalidParameterException", "maximumPercent must be greater than or equal to 100.");
  }
  return config;
}

export function createService(world: World, p: Params): Service {
  const cluster = findCluster(world.ecs, str(p.cluster));
  const name = str(p.serviceName);
  if (!name) throw new AwsError("InvalidParameterException", "serviceName can not be blank.");
  const existing = findService(world.ecs, cluster, name);
  if (existing && existing.status !== "INACTIVE") {
    throw new AwsError("InvalidParameterException", "Creation of service was not idempotent.");
  }
  const controller = str(obj(p.deploymentController).type) ?? "ECS";
  if (controller !== "ECS") {
    throw new AwsError("InvalidParameterException", `aws-sim simulates only the ECS deployment controller, not ${controller}.`);
  }
  const td = requireTaskDefinition(world, str(p.taskDefinition));
  const launchType = str(p.launchType) ?? "FARGATE";
  const loadBalancers = list(p.loadBalancers).map((lb) => obj(lb));
  validateNetworking(td, launchType, p.networkConfiguration);
  const lbs = validateLoadBalancers(world, td, loadBalancers);
  const now = world.clock.now();
  const { cluster: _c, serviceName: _n, taskDefinition: _t, desiredCount: _d, clientToken: _ct, ...rest } = p;
  const service: Service = {
    arn: world.ids.serviceArn(cluster.name, name),
    name,
    clusterName: cluster.name,
    clusterArn: cluster.arn,
    status: "ACTIVE",
    desiredCount: num(p.desiredCount) ?? 0,
    taskDefinitionArn: td.arn,
    launchType,
    platformVersion: str(p.platformVersion) ?? "LATEST",
    deploymentConfiguration: deploymentConfiguration(p.deploymentConfiguration, DEFAULT_CONFIG),
    loadBalancers: lbs,
    networkConfiguration: p.networkConfiguration,
    healthCheckGracePeriodSeconds: num(p.healthCheckGracePeriodSeconds) ?? 0,
    createdAt: now,
    createdBy: "arn:aws:iam::123456789012:role/aws-sim",
    deployments: [],
    events: [],
    steady: false,
    currentServiceDeploymentArn: "",
    tags: list(p.tags).map((t) => ({ key: String(obj(t).key), value: String(obj(t).value ?? "") })),
    rest,
  };
  world.ecs.services.push(service);
  startDeployment(world, service, {
    taskDefinitionArn: td.arn,
    loadBalancers: lbs,
    networkConfiguration: p.networkConfiguration,
  });
  return service;
}

function updateService(world: World, p: Params) {
  const cluster = findCluster(world.ecs, str(p.cluster));
  const service = requireActiveService(world.ecs, cluster, str(p.service) ?? "");
  const desired = num(p.desiredCount);
  if (desired !== undefined) {
    if (desired < 0) throw new AwsError("InvalidParameterException", "desiredCount must be >= 0.");
    service.desiredCount = desired;
    service.deployments[0]!.desiredCount = desired;
    service.steady = false;
  }
  if (p.deploymentConfiguration !== undefined) {
    service.deploymentConfiguration = deploymentConfiguration(p.deploymentConfiguration, service.deploymentConfiguration);
  }
  const grace = num(p.healthCheckGracePeriodSeconds);
  if (grace !== undefined) service.healthCheckGracePeriodSeconds = grace;

  const tdRef = str(p.taskDefinition);
  const td = tdRef ? requireTaskDefinition(world, tdRef) : resolveTaskDefinition(world.ecs, service.taskDefinitionArn)!;
  const lbsGiven = p.loadBalancers !== undefined;
  const lbs = lbsGiven ? validateLoadBalancers(world, td, list(p.loadBalancers).map((lb) => obj(lb))) : service.loadBalancers;
  const network = p.networkConfiguration !== undefined ? p.networkConfiguration : service.networkConfiguration;
  if (tdRef || p.networkConfiguration !== undefined) validateNetworking(td, service.launchType, network);
  const changed =
    td.arn !== service.taskDefinitionArn ||
    (lbsGiven && JSON.stringify(lbs) !== JSON.stringify(service.loadBalancers)) ||
    (p.networkConfiguration !== undefined && JSON.stringify(network) !== JSON.stringify(service.networkConfiguration));
  if (changed || bool(p.forceNewDeployment)) {
    startDeployment(world, service, { taskDefinitionArn: td.arn, loadBalancers: lbs, networkConfiguration: network });
  }
  return { service: renderService(world, service) };
}

function deleteService(world: World, p: Params) {
  const cluster = findCluster(world.ecs, str(p.cluster));
  const service = findService(world.ecs, cluster, str(p.service) ?? "");
  if (!service) throw new AwsError("ServiceNotFoundException", "Service not found.");
  if (service.status !== "ACTIVE") throw new AwsError("ServiceNotActiveException", "Service was not ACTIVE.");
  if (service.desiredCount > 0 && !bool(p.force)) {
    throw new AwsError("InvalidParameterException", "The service cannot be stopped while it is scaled above 0.");
  }
  service.status = "DRAINING";
  service.desiredCount = 0;
  service.deletedAt = world.clock.now();
  for (const task of world.ecs.tasks.values()) {
    if (task.clusterName === cluster.name && task.serviceName === service.name) {
      stopTask(world, task, { stopCode: "ServiceSchedulerInitiated", reason: "Service deleted", failed: false });
    }
  }
  return { service: renderService(world, service) };
}

function describeServices(world: World, p: Params) {
  const cluster = findCluster(world.ecs, str(p.cluster));
  const refs = strList(p.services);
  if (refs.length === 0) throw new AwsError("InvalidParameterException", "Services cannot be empty.");
  if (refs.length > 10) throw new AwsError("InvalidParameterException", "Services cannot have more than 10 items.");
  const services: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const ref of refs) {
    const service = findService(world.ecs, cluster, ref);
    if (service) services.push(renderService(world, service));
    else failures.push({ arn: ref.startsWith("arn:") ? ref : world.ids.serviceArn(cluster.name, ref), reason: "MISSING" });
  }
  return { services, failures };
}

function listServices(world: World, p: Params) {
  const cluster = findCluster(world.ecs, str(p.cluster));
  const launchType = str(p.launchType);
  const arns = world.ecs.services
    .filter((s) => s.clusterName === cluster.name && s.status !== "INACTIVE")
    .filter((s) => !launchType || s.launchType === launchType)
    .map((s) => s.arn);
  return paginate(arns, p, "serviceArns");
}

export const serviceHandlers = {
  CreateService: (world: World, p: Params) => ({ service: renderService(world, createService(world, p)) }),
  UpdateService: updateService,
  DeleteService: deleteService,
  DescribeServices: describeServices,
  ListServices: listServices,
};
