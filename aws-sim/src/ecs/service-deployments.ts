/**
 * ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions. These outlive the short-lived
 * `deployments[]` entries of DescribeServices, so they are how a client learns, after the fact, that its deployment
 * was rolled back (status ROLLBACK_SUCCESSFUL) even once the service is steady again.
 */
import { AwsError } from "../errors.js";
import { list, num, obj, str, strList, time, type Params } from "../input.js";
import type { World } from "../world.js";
import { findCluster, findService } from "./lookup.js";
import type { ServiceDeploymentRecord } from "./model.js";

function revisionSummary(world: World, arn: string, deploymentId?: string): Record<string, unknown> {
  const tasks = [...world.ecs.tasks.values()].filter((t) => deploymentId !== undefined && t.deploymentId === deploymentId && t.lastStatus !== "STOPPED");
  return {
    arn,
    requestedTaskCount: tasks.filter((t) => t.desiredStatus === "RUNNING").length,
    runningTaskCount: tasks.filter((t) => t.lastStatus === "RUNNING").length,
    pendingTaskCount: tasks.filter((t) => t.lastStatus === "PROVISIONING" || t.lastStatus === "PENDING").length,
  };
}

function render(world: World, r: ServiceDeploymentRecord): Record<string, unknown> {
  const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
  return {
    serviceDeploymentArn: r.arn,
    serviceArn: r.serviceArn,
    clusterArn: r.clusterArn,
    createdAt: date(r.createdAt),
    startedAt: date(r.startedAt),
    finishedAt: date(r.finishedAt),
    stoppedAt: date(r.stoppedAt),
    updatedAt: date(r.updatedAt),
    sourceServiceRevisions: r.sourceRevisionArns.map((arn) => revisionSummary(world, arn)),
    targetServiceRevision: revisionSummary(world, r.targetRevisionArn, r.deploymentId),
    status: r.status,
    statusReason: r.statusReason,
    deploymentConfiguration: r.deploymentConfiguration,
    rollback: r.rollback && { ...r.rollback, startedAt: new Date(r.rollback.startedAt) },
    deploymentCircuitBreaker: r.circuitBreaker,
  };
}

function listServiceDeployments(world: World, p: Params) {
  const cluster = findCluster(world.ecs, str(p.cluster));
  const service = findService(world.ecs, cluster, str(p.service) ?? "");
  if (!service) throw new AwsError("ServiceNotFoundException", "Service not found.");
  const statuses = strList(p.status);
  const createdAt = obj(p.createdAt);
  const before = time(createdAt.before);
  const after = time(createdAt.after);
  const rows = [...world.ecs.serviceDeployments.values()]
    .filter((r) => r.serviceArn === service.arn)
    .filter((r) => statuses.length === 0 || statuses.includes(r.status))
    .filter((r) => (before === undefined || r.createdAt < before) && (after === undefined || r.createdAt > after))
    .sort((a, b) => b.createdAt - a.createdAt);
  const max = num(p.maxResults) ?? 20;
  const start = Number(str(p.nextToken) ?? 0);
  const page = rows.slice(start, start + max);
  return {
    serviceDeployments: page.map((r) => ({
      serviceDeploymentArn: r.arn,
      serviceArn: r.serviceArn,
      clusterArn: r.clusterArn,
      startedAt: new Date(r.startedAt),
      createdAt: new Date(r.createdAt),
      finishedAt: r.finishedAt === undefined ? undefined : new Date(r.finishedAt),
      targetServiceRevisionArn: r.targetRevisionArn,
      status: r.status,
      statusReason: r.statusReason,
    })),
    ...(start + max < rows.length ? { nextToken: String(start + max) } : {}),
  };
}

function describeServiceDeployments(world: World, p: Params) {
  const arns = strList(p.serviceDeploymentArns);
  if (arns.length === 0) throw new AwsError("InvalidParameterException", "serviceDeploymentArns can not be empty.");
  const found: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const arn of arns) {
    const r = world.ecs.serviceDeployments.get(arn);
    if (r) found.push(render(world, r));
    else failures.push({ arn, reason: "MISSING" });
  }
  return { serviceDeployments: found, failures };
}

function describeServiceRevisions(world: World, p: Params) {
  const revisions: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const arn of list(p.serviceRevisionArns).map(String)) {
    const r = world.ecs.serviceRevisions.get(arn);
    if (!r) {
      failures.push({ arn, reason: "MISSING" });
      continue;
    }
    revisions.push({
      serviceRevisionArn: r.arn,
      serviceArn: r.serviceArn,
      clusterArn: r.clusterArn,
      taskDefinition: r.taskDefinitionArn,
      launchType: r.launchType,
      platformVersion: r.platformVersion,
      loadBalancers: r.loadBalancers,
      networkConfiguration: r.networkConfiguration,
      createdAt: new Date(r.createdAt),
    });
  }
  return { serviceRevisions: revisions, failures };
}

export const serviceDeploymentHandlers = {
  ListServiceDeployments: listServiceDeployments,
  DescribeServiceDeployments: describeServiceDeployments,
  DescribeServiceRevisions: describeServiceRevisions,
};
