/**
 * ECS and verify steps → work: the service's task-definition template rendered with {{VAR}} (service variables <
 * environment overrides, plus IMAGE/IMAGE_TAG/SERVICE_NAME/… from the records) and validated here, when the
 * execution starts — a bad template or an unknown placeholder refuses the start before any AWS call is made.
 */
import type { EcsDeployStep, EcsPromoteStep, EcsRollbackStep, EcsScaleDownStep, EcsTrafficShiftStep, VerifyStep } from "@slipway/pipeline-spec";
import { parseDuration } from "@slipway/pipeline-spec";
import { renderTaskDefinition } from "@slipway/pipeline-spec/ecs-task-definition";
import type { AwsEcsTarget, Work } from "@slipway/pipeline-spec/protocol";
import { AppError } from "../errors";
import type { StageRecords } from "./stage-records";

type EcsStep = EcsDeployStep | EcsTrafficShiftStep | EcsPromoteStep | EcsScaleDownStep | EcsRollbackStep;

function awsTarget(records: StageRecords, where: string): AwsEcsTarget {
  const infra = records.infrastructure?.spec;
  if (!infra) throw new AppError("INVALID_INPUT", `${where}: the stage needs an ECS \`infrastructure\` for this step`, { field: where });
  if (infra.type !== "ECS") throw new AppError("INVALID_INPUT", `${where}: infrastructure "${records.infrastructure!.name}" is ${infra.type}, not ECS`, { field: where });
  const lb = infra.loadBalancer;
  return {
    region: infra.region ?? "us-east-1",
    endpoint: infra.endpoint ?? null,
    credentials: infra.credentials ? `<+secrets.getValue("${infra.credentials}")>` : null,
    cluster: infra.cluster,
    serviceName: infra.serviceName,
    launchType: infra.launchType ?? "FARGATE",
    desiredCount: infra.desiredCount ?? 2,
    networkConfiguration: infra.networkConfiguration ? { subnets: infra.networkConfiguration.subnets, securityGroups: infra.networkConfiguration.securityGroups ?? [], assignPublicIp: infra.networkConfiguration.assignPublicIp ?? "DISABLED" } : null,
    loadBalancer: lb ? { listenerArn: lb.listenerArn, ruleArn: lb.ruleArn ?? null, blueTargetGroupArn: lb.blueTargetGroupArn, greenTargetGroupArn: lb.greenTargetGroupArn, containerName: lb.containerName, containerPort: lb.containerPort } : null,
  };
}

function templateVariables(records: StageRecords, resolve: (s: string) => string): Record<string, string> {
  const service = records.service?.spec;
  const vars: Record<string, string> = {};
  if (service?.type === "ECS") {
    const tag = resolve(service.image.tag);
    vars.IMAGE = `${service.image.repository}:${tag}`;
    vars.ECR_IMAGE = service.image.repository;
    vars.IMAGE_TAG = tag;
    for (const v of service.variables) vars[v.name] = resolve(v.value);
  }
  if (records.infrastructure?.spec.type === "ECS") {
    vars.SERVICE_NAME = records.infrastructure.spec.serviceName;
    vars.AWS_REGION = records.infrastructure.spec.region ?? "us-east-1";
    vars.LAUNCH_TYPE = records.infrastructure.spec.launchType ?? "FARGATE";
  }
  if (records.environment) vars.ENVIRONMENT = records.environment.name;
  for (const v of records.environment?.variables ?? []) vars[v.name] = resolve(v.value);
  return vars;
}

export function ecsWork(step: EcsStep, records: StageRecords, release: string, resolve: (s: string) => string, where: string): Work {
  const aws = awsTarget(records, where);
  switch (step.type) {
    case "ecsDeploy": {
      const service = records.service?.spec;
      if (!service || service.type !== "ECS") throw new AppError("INVALID_INPUT", `${where}: the stage needs an ECS \`service\` (image and task-definition template) for ecsDeploy`, { field: where });
      const rendered = renderTaskDefinition(service.taskDefinitionTemplate, templateVariables(records, resolve), { launchType: aws.launchType });
      if (!rendered.ok) {
        const list = rendered.problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join("; ");
        throw new AppError("INVALID_INPUT", `${where}: the task-definition template of service "${records.service!.name}" is not usable: ${list}`, { field: `services.${records.service!.name}.taskDefinitionTemplate`, details: { problems: rendered.problems } });
      }
      if (step.mode === "green" && !aws.loadBalancer) throw new AppError("INVALID_INPUT", `${where}: green deployments need a load balancer with blue and green target groups on the infrastructure`, { field: where });
      return { kind: "ecsDeploy", aws, mode: step.mode, taskDefinition: rendered.taskDefinition, desiredCount: step.desiredCount ?? null, minimumHealthyPercent: step.minimumHealthyPercent ?? 100, maximumPercent: step.maximumPercent ?? 200, circuitBreaker: step.circuitBreaker ?? true, pollIntervalMs: parseDuration(step.pollInterval ?? "5s"), release };
    }
    case "ecsTrafficShift":
      return { kind: "ecsTrafficShift", aws, greenWeight: step.greenWeight };
    case "ecsPromote":
      return { kind: "ecsPromote", aws };
    case "ecsScaleDown":
      return { kind: "ecsScaleDown", aws, side: step.side ?? "idle", delete: step.delete ?? false };
    case "ecsRollback":
      return { kind: "ecsRollback", aws };
  }
}

export function verifyWork(step: VerifyStep, records: StageRecords, resolve: (s: string) => string, where: string): Work {
  const base = {
    kind: "verify" as const,
    windowMs: parseDuration(step.window ?? "5m"),
    intervalMs: parseDuration(step.interval ?? "30s"),
    failureLimit: step.failureLimit ?? 0,
    inconclusiveLimit: step.inconclusiveLimit ?? 2,
    consecutiveErrorLimit: step.consecutiveErrorLimit ?? 4,
  };
  const src = step.source;
  if (src.kind === "http") return { ...base, source: { kind: "http", url: resolve(src.url), requestsPerSample: src.requestsPerSample ?? 20, maxErrorPercent: src.maxErrorPercent ?? 5, maxP95Ms: src.maxP95Ms ?? 500 } };
  return {
    ...base,
    source: {
      kind: "cloudwatch",
      aws: awsTarget(records, where),
      errorRateMaxPercent: src.errorRate?.maxPercent ?? 5,
      latencyP95MaxMs: src.latencyP95?.maxMs ?? 500,
      baseline: src.baseline ?? true,
      queries: (src.queries ?? []).map((q) => ({ id: q.id, namespace: q.namespace, metric: q.metric, stat: q.stat ?? "Sum", dimensions: q.dimensions ?? {}, max: q.max ?? null, min: q.min ?? null })),
      alarms: src.alarms ?? [],
    },
  };
}
