/**
 * Fixtures for the ECS deployment system tests: a simulated AWS (aws-sim) on loopback that the delegate processes
 * reach over HTTP, turned into studio records (environment, ECS infrastructure with the sim as endpoint override and
 * an AWS-keys secret, the ECS service with its task-definition template), pipelines made from the strategy
 * templates with short windows, and read-backs of the sim (listener weights, tasks, the call journal).
 *
 * Why the sim runs at timeScale 1, started at the wall clock's now: the delegates run on wall-clock time, and the
 * verify step asks CloudWatch for the window [now − interval, now] of the WALL clock. A faster sim would answer
 * with what happened long ago in simulated time (green with no traffic yet: inconclusive). So the sim keeps real
 * time and its ECS/ALB timings are shortened instead (task start-up 3 s, 5 s health checks, 2 s draining).
 */
import { startAwsSim, type AwsSim, type JournalEntry } from "@slipway/aws-sim";
import { strategyStage, type StrategyTemplate } from "@slipway/pipeline-spec";
import { EnvironmentRecordSchema, InfrastructureRecordSchema, ServiceRecordSchema } from "@slipway/pipeline-spec/records";
import { stringify } from "yaml";
import { saveEnvironment, saveInfrastructure, saveService } from "~/server/records/save-records";
import { saveLabSecret, type Lab } from "~/test-support/process-lab";

export const REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
export const image = (version: string) => `${REGISTRY}/myapp:${version}`;
/** The key id the delegates sign with (from the secret): the journal tells their calls from everything else. */
export const ACCESS_KEY = "AKIASLIPWAYLAB";
export const AWS_SECRET = "lab-aws-keys";
export const INFRA = "ecs-prod";
export const STAGE = "deploy";
/** Step ids as the templates make them: `<stage>-<name>`. */
export const step = (name: string) => `${STAGE}-${name}`;

/** A live v1 service (4 tasks) behind an ALB forwarding blue 100 / green 0, on the listener or through a rule. */
export async function startLabSim(o: { rule?: boolean } = {}): Promise<AwsSim> {
  return startAwsSim({
    timeScale: 1,
    startTime: Date.now(),
    randomSeed: 7,
    requestsPerSecond: 100,
    ecs: { provisioningMs: 1_000, pendingMs: 2_000, stoppingMs: 1_000, deprovisioningMs: 1_000, launchRetryDelayMs: 1_000 },
    seed: {
      rule: o.rule ?? false,
      image: image("v1.0.0"),
      desiredCount: 4,
      // 5 s is the shortest interval ELBv2 accepts.
      healthCheck: { intervalSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
      deregistrationDelaySeconds: 2,
      healthCheckGracePeriodSeconds: 10,
    },
  });
}

const TASK_DEFINITION = {
  family: "myapp-task",
  networkMode: "awsvpc",
  requiresCompatibilities: ["FARGATE"],
  cpu: "{{CPU}}",
  memory: "{{MEMORY}}",
  executionRoleArn: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  containerDefinitions: [{ name: "myapp-container", image: "{{IMAGE}}", essential: true, portMappings: [{ containerPort: 8080, protocol: "tcp" }], environment: [{ name: "VERSION", value: "{{IMAGE_TAG}}" }] }],
};

/** The AWS keys the infrastructure names, as a project secret (once per lab). */
export async function saveAwsSecret(lab: Lab): Promise<void> {
  await saveLabSecret(lab, AWS_SECRET, JSON.stringify({ accessKeyId: ACCESS_KEY, secretAccessKey: "lab-secret-access-key" }));
}

/**
 * The environment (PRODUCTION, with MFA and the self-approval ban relaxed: the lab admin approves its own runs
 * without MFA), the ECS infrastructure pointing at `sim` (saved again for every sim: its endpoint changes), and the
 * service `web`.
 */
export async function saveEcsRecords(lab: Lab, sim: AwsSim): Promise<void> {
  const s = sim.seeded!;
  const common = { db: lab.db, projectId: lab.project.id, actor: lab.actor };
  const env = EnvironmentRecordSchema.parse({ name: "prod", type: "PRODUCTION", policy: { requireMfa: false, forbidSelfApproval: false } });
  await saveEnvironment({ ...common, input: { projectId: lab.project.id, ...env } });
  const infra = InfrastructureRecordSchema.parse({
    name: INFRA,
    environment: "prod",
    spec: {
      type: "ECS",
      region: s.region,
      endpoint: sim.endpoint,
      credentials: AWS_SECRET,
      cluster: s.clusterName,
      serviceName: s.serviceName,
      desiredCount: 4,
      networkConfiguration: { subnets: s.subnets, securityGroups: s.securityGroups },
      loadBalancer: { listenerArn: s.listenerArn, ...(s.ruleArn ? { ruleArn: s.ruleArn } : {}), blueTargetGroupArn: s.blueTargetGroupArn, greenTargetGroupArn: s.greenTargetGroupArn, containerName: s.containerName, containerPort: s.containerPort },
    },
  });
  await saveInfrastructure({ ...common, input: { projectId: lab.project.id, ...infra } });
  const service = ServiceRecordSchema.parse({
    name: "web",
    spec: {
      type: "ECS",
      image: { repository: `${REGISTRY}/myapp`, tag: "<+pipeline.variables.version>" },
      taskDefinitionTemplate: JSON.stringify(TASK_DEFINITION, null, 2),
      variables: [{ name: "CPU", value: "256" }, { name: "MEMORY", value: "512" }],
    },
  });
  await saveService({ ...common, input: { projectId: lab.project.id, ...service } });
}

/**
 * A pipeline with one stage made by the strategy template, windows shortened so a run takes about a minute:
 * verification 2 samples over 10 s, the hold 1 s, steady-state polls every second. Everything else (steps, their
 * order, failure strategies, the stage's rollback) is the template's.
 */
export function ecsPipeline(kind: Extract<StrategyTemplate, `ecs-${string}`>, name = kind): string {
  const stage = strategyStage(kind, { stageId: STAGE, environment: "prod", service: "web", infrastructure: INFRA });
  const shorten = (s: Record<string, unknown>) => {
    if (s.type === "verify") Object.assign(s, { window: "10s", interval: "5s" });
    if (s.type === "wait") s.duration = "1s";
    if (s.type === "ecsDeploy") s.pollInterval = "1s";
    return s;
  };
  const steps = (stage.steps ?? []).map((s) => shorten(s as Record<string, unknown>));
  const rollbackSteps = (stage.rollbackSteps ?? []).map((s) => shorten(s as Record<string, unknown>));
  return stringify({
    apiVersion: "slipway/v1",
    kind: "Pipeline",
    name: `${name} ${Math.random().toString(36).slice(2, 8)}`,
    variables: [{ name: "version", default: "v2.0.0" }],
    stages: [{ ...stage, steps, rollbackSteps }],
  });
}

// ------------------------------------------------------------------------------------------- read-backs

/** Green weight of the forward action (listener default action or the rule), as the ALB routes now. */
export function liveWeights(sim: AwsSim): { blue: number; green: number } {
  const s = sim.seeded!;
  const rule = s.ruleArn ? sim.state.elb.rules.get(s.ruleArn) : undefined;
  const actions = rule ? rule.actions : sim.state.elb.listeners.get(s.listenerArn)!.defaultActions;
  const groups = actions.find((a) => a.Type === "forward")?.ForwardConfig?.TargetGroups ?? [];
  const w = (arn: string) => Number(groups.find((g) => g.TargetGroupArn === arn)?.Weight ?? 0);
  return { blue: w(s.blueTargetGroupArn), green: w(s.greenTargetGroupArn) };
}

export function runningTasks(sim: AwsSim, service: string) {
  return [...sim.state.ecs.tasks.values()].filter((t) => t.serviceName === service && t.lastStatus === "RUNNING");
}

export function serviceOf(sim: AwsSim, name: string) {
  return sim.state.ecs.services.find((x) => x.name === name && x.status !== "INACTIVE");
}

/** The delegates' calls (signed with the lab key), optionally only some actions. */
export function delegateCalls(sim: AwsSim, action?: string | RegExp): JournalEntry[] {
  return sim.journal.calls({ accessKeyId: ACCESS_KEY, ...(action ? { action } : {}) });
}

/**
 * Every weight change the delegates SENT (ModifyListener / ModifyRule, answered ok), as the weight each asked for
 * the target group `tgArn`: the test compares this list with the distinct steps of the strategy.
 */
export function weightChanges(sim: AwsSim, tgArn: string): number[] {
  return delegateCalls(sim, /^Modify(Listener|Rule)$/)
    .filter((e) => e.status === "ok")
    .map((e) => {
      const actions = (e.params.DefaultActions ?? e.params.Actions) as { Type?: string; ForwardConfig?: { TargetGroups?: { TargetGroupArn: string; Weight: string }[] } }[];
      const groups = actions.find((a) => a.Type === "forward")?.ForwardConfig?.TargetGroups ?? [];
      return Number(groups.find((g) => g.TargetGroupArn === tgArn)?.Weight ?? NaN);
    });
}

/** Calls per action, and how many were answered with an error code, for the figures. */
export function callCounts(sim: AwsSim): { total: number; mutating: number; byAction: Record<string, number>; errors: Record<string, number> } {
  const calls = delegateCalls(sim);
  const byAction: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const c of calls) {
    byAction[`${c.service}:${c.action}`] = (byAction[`${c.service}:${c.action}`] ?? 0) + 1;
    if (c.status !== "ok") errors[`${c.service}:${c.action} ${c.status}`] = (errors[`${c.service}:${c.action} ${c.status}`] ?? 0) + 1;
  }
  return { total: calls.length, mutating: sim.journal.mutating({ accessKeyId: ACCESS_KEY }).length, byAction, errors };
}
