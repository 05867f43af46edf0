/**
 * Shared pieces of the ECS/verify integration tests: a simulated AWS (aws-sim, real wire protocols) seeded with a
 * live v1 service, a clock that follows the simulator (sleeping advances simulated time, so a 5-minute window takes
 * milliseconds), a StepContext that records log lines and progress, and work builders.
 */
import type { AwsEcsTarget, EcsDeployWork, Progress, VerifyWork } from "@slipway/pipeline-spec/protocol";
import { startAwsSim, type AwsSim, type SeedSpec } from "@slipway/aws-sim";
import type { Clock } from "../../src/steps/ecs/context";
import type { StepContext, StepLog, StepResult } from "../../src/steps/types";

export const REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
export const V1 = `${REGISTRY}/myapp:v1.0.0`;
export const V2 = `${REGISTRY}/myapp:v2.0.0`;

export async function startSim(spec: SeedSpec = {}, opts: { timeScale?: number; requestsPerSecond?: number } = {}): Promise<AwsSim> {
  return startAwsSim({ timeScale: opts.timeScale ?? 0, seed: spec, requestsPerSecond: opts.requestsPerSecond, randomSeed: 7 });
}

/** Simulated time: `now` reads the sim clock; `sleep` advances it (the sim runs every second in between). */
export function simClock(sim: AwsSim): Clock {
  return {
    now: () => sim.clock.now(),
    sleep: async (ms, signal) => {
      if (signal.aborted) return;
      sim.advance(ms);
      await new Promise((r) => setImmediate(r));
    },
  };
}

export interface TestContext extends StepContext {
  lines: string[];
  progressPosts: Progress[];
  controller: AbortController;
}

export function testContext(stageOutputs: Record<string, Record<string, string>> = {}, opts: { attempt?: number; echo?: boolean } = {}): TestContext {
  const lines: string[] = [];
  const echo = opts.echo ?? process.env.ECS_TEST_LOGS === "1";
  const write = (stream: string) => (chunk: Uint8Array | string) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    for (const l of text.split("\n")) if (l) lines.push(`${stream}: ${l}`);
    if (echo) process.stderr.write(`[${stream}] ${text}\n`);
  };
  const log: StepLog = { stdout: write("stdout"), stderr: write("stderr"), system: (line) => write("system")(line) };
  const controller = new AbortController();
  const progressPosts: Progress[] = [];
  return {
    signal: controller.signal,
    log,
    lane: () => log,
    workDir: "/nonexistent",
    timeoutMs: 0,
    lines,
    progressPosts,
    progress: (p: Progress) => void progressPosts.push(p),
    stageOutputs,
    task: { taskId: "task-1", executionId: "exec-1", stepId: "deploy", attempt: opts.attempt ?? 1 },
    controller,
  };
}

export function awsTarget(sim: AwsSim, overrides: Partial<AwsEcsTarget> = {}): AwsEcsTarget {
  const s = sim.seeded!;
  return {
    region: s.region,
    endpoint: sim.endpoint,
    credentials: JSON.stringify({ accessKeyId: "AKIADELEGATE", secretAccessKey: "x" }),
    cluster: s.clusterName,
    serviceName: s.serviceName,
    launchType: "FARGATE",
    desiredCount: 4,
    networkConfiguration: { subnets: s.subnets, securityGroups: s.securityGroups, assignPublicIp: "DISABLED" },
    loadBalancer: {
      listenerArn: s.listenerArn,
      ruleArn: s.ruleArn ?? null,
      blueTargetGroupArn: s.blueTargetGroupArn,
      greenTargetGroupArn: s.greenTargetGroupArn,
      containerName: s.containerName,
      containerPort: s.containerPort,
    },
    ...overrides,
  };
}

/** The rendered task definition the studio would send (as ecs-task-definition.ts renders the service template). */
export function taskDefinition(image: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    family: "myapp-task",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: "256",
    memory: "512",
    executionRoleArn: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
    containerDefinitions: [
      {
        name: "myapp-container",
        image,
        essential: true,
        portMappings: [{ containerPort: 8080, protocol: "tcp" }],
        environment: [{ name: "VERSION", value: image.split(":").pop() ?? "" }],
      },
    ],
    ...extra,
  };
}

export function deployWork(sim: AwsSim, mode: "rolling" | "green", image = V2, overrides: Partial<EcsDeployWork> = {}): EcsDeployWork {
  return {
    kind: "ecsDeploy",
    aws: awsTarget(sim),
    mode,
    taskDefinition: taskDefinition(image),
    desiredCount: null,
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    circuitBreaker: true,
    pollIntervalMs: 5_000,
    release: "exec-1.v2",
    ...overrides,
  };
}

export function verifyWork(sim: AwsSim, overrides: Partial<VerifyWork> = {}, source: Partial<Extract<VerifyWork["source"], { kind: "cloudwatch" }>> = {}): VerifyWork {
  return {
    kind: "verify",
    windowMs: 5 * 60_000,
    intervalMs: 30_000,
    failureLimit: 0,
    inconclusiveLimit: 2,
    consecutiveErrorLimit: 4,
    source: { kind: "cloudwatch", aws: awsTarget(sim), errorRateMaxPercent: 5, latencyP95MaxMs: 500, baseline: true, queries: [], alarms: [], ...source },
    ...overrides,
  };
}

/** Fails the test with the step's log when the result is not what was expected. */
export function expectOutcome(result: StepResult, ctx: TestContext, outcome: StepResult["outcome"]): void {
  if (result.outcome !== outcome) {
    throw new Error(`expected ${outcome}, got ${result.outcome}: ${result.message}\n--- step log ---\n${ctx.lines.join("\n")}`);
  }
}

/** Outputs as the studio hands them to later steps: by step id. */
export function stage(...steps: [string, StepResult][]): Record<string, Record<string, string>> {
  return Object.fromEntries(steps.map(([id, r]) => [id, r.outputs]));
}

export function listenerWeights(sim: AwsSim): Record<string, number> {
  const s = sim.seeded!;
  const rule = s.ruleArn ? sim.state.elb.rules.get(s.ruleArn) : undefined;
  const actions = rule ? rule.actions : sim.state.elb.listeners.get(s.listenerArn)!.defaultActions;
  const fwd = actions.find((a) => a.Type === "forward");
  return Object.fromEntries((fwd?.ForwardConfig?.TargetGroups ?? []).map((t) => [t.TargetGroupArn, t.Weight]));
}

/** Mutating calls with the delegate's key (excludes the seed's direct state changes and the test's own calls). */
export function delegateMutations(sim: AwsSim, after = 0) {
  return sim.journal.mutating({ accessKeyId: "AKIADELEGATE", after });
}
