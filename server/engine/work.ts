/**
 * Turns a step of the frozen spec into what runs: a delegate Work (protocol.ts) or the studio's own config for
 * approvals and waits, with every expression resolved for this execution — except secrets and secret variables,
 * which stay as expressions and are resolved only when a delegate claims the task (claim-task.ts), so they are
 * never stored in clear.
 */
import { parseDuration, resolveExpressions, type ExpressionContext, type PipelineSpec, type Step } from "@slipway/pipeline-spec";
import type { Work } from "@slipway/pipeline-spec/protocol";
import { AppError } from "../errors";
import { ecsWork, verifyWork } from "./ecs-work";
import { sshWork } from "./ssh-work";
import type { ExecutionRecords } from "./stage-records";

export type StudioWork = { kind: "approval"; message: string; roles: string[]; users: string[]; minimum: number } | { kind: "wait"; durationMs: number };
export type StepWork = Work | StudioWork;

export type ExecutionContext = {
  pipelineName: string;
  sequenceId: number;
  executionId: string;
  variables: Record<string, string | number | boolean>;
  secretVariables: string[];
  /** The records each stage uses, frozen at start. */
  records: ExecutionRecords;
};

function contextFor(ctx: ExecutionContext, stage: PipelineSpec["stages"][number], step: Step): ExpressionContext {
  // Secret variables resolve to themselves here; the claim resolves them for real.
  const variables = { ...ctx.variables };
  for (const name of ctx.secretVariables) variables[name] = `<+pipeline.variables.${name}>`;
  return {
    pipeline: { name: ctx.pipelineName, sequenceId: ctx.sequenceId, executionId: ctx.executionId, variables },
    stage: { id: stage.id, name: stage.name ?? stage.id },
    ...(stage.environment ? { env: { name: stage.environment } } : {}),
    ...(stage.service ? { service: { name: stage.service } } : {}),
    ...(stage.infrastructure ? { infra: { name: stage.infrastructure } } : {}),
    step: { id: step.id },
  };
}

/** Resolves one string; an unknown or unset expression is a start error naming the expression and where it is. */
function resolver(ectx: ExpressionContext, where: string) {
  return (value: string): string => {
    const r = resolveExpressions(value, ectx, { secrets: "keep" });
    if ("error" in r) throw new AppError("INVALID_INPUT", `${where}: ${r.error.message}`, { field: where, details: { expression: r.error.expr } });
    return r.value;
  };
}

export function resolveStepWork(ctx: ExecutionContext, stage: PipelineSpec["stages"][number], step: Step): StepWork {
  const where = `stages.${stage.id}.steps.${step.id}`;
  const r = resolver(contextFor(ctx, stage, step), where);
  const map = (rec: Record<string, string | number | boolean> | undefined) => Object.fromEntries(Object.entries(rec ?? {}).map(([k, v]) => [k, r(String(v))]));
  switch (step.type) {
    case "shell":
      return { kind: "shell", shell: step.shell ?? "bash", script: r(step.script), env: map(step.env), ...(step.workingDir ? { workingDir: r(step.workingDir) } : {}) };
    case "http": {
      const status = step.expect?.status ?? 200;
      return {
        kind: "http",
        url: r(step.url),
        method: step.method ?? "GET",
        headers: map(step.headers),
        ...(step.body !== undefined ? { body: r(step.body) } : {}),
        expectStatus: Array.isArray(status) ? status : [status],
        ...(step.expect?.bodyContains ? { bodyContains: r(step.expect.bodyContains) } : {}),
        retries: step.retries ?? 0,
        retryIntervalMs: parseDuration(step.retryInterval ?? "5s"),
        maxRetryIntervalMs: parseDuration(step.maxRetryInterval ?? "1m"),
        requestTimeoutMs: parseDuration(step.requestTimeout ?? "10s"),
      };
    }
    case "approval":
      return { kind: "approval", message: r(step.message ?? ""), roles: step.approvers.roles ?? [], users: (step.approvers.users ?? []).map((u) => u.toLowerCase()), minimum: step.approvers.minimum };
    case "wait":
      return { kind: "wait", durationMs: parseDuration(step.duration) };
    case "ssh":
    case "sshDeploy":
    case "sshRollback":
    case "loadBalancer":
      return sshWork(step, ctx.records[stage.id] ?? {}, releaseId(ctx), r, where);
    case "ecsDeploy":
    case "ecsTrafficShift":
    case "ecsPromote":
    case "ecsScaleDown":
    case "ecsRollback":
      return ecsWork(step, ctx.records[stage.id] ?? {}, releaseId(ctx), r, where);
    case "verify":
      return verifyWork(step, ctx.records[stage.id] ?? {}, r, where);
  }
}

/** The release an execution deploys: unique per execution, readable (`r42-1a2b3c4d`). */
export const releaseId = (ctx: Pick<ExecutionContext, "sequenceId" | "executionId">) => `r${ctx.sequenceId}-${ctx.executionId.slice(-8)}`;

/** Every step of a stage (main or rollback), flattened with its list, for creating attempts. */
export function stepsOf(stage: PipelineSpec["stages"][number], inRollback: boolean): Step[] {
  return (inRollback ? (stage.rollbackSteps ?? []) : stage.steps).flatMap((item) => (item.type === "parallel" ? item.steps : [item]));
}
