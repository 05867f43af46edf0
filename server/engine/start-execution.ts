import { parseDuration, resolveExpressions, type PipelineSpec } from "@slipway/pipeline-spec";
import { recordAudit, type AuditActor } from "../audit/record-audit";
import type { RequestInfo } from "../context";
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordTransitions } from "./events";
import { prepareInputs } from "./inputs";
import { enqueueReconcile } from "./queue";
import { secretVariableNames } from "./reconcile";
import type { Role } from "~/generated/prisma/enums";
import type { SessionUser } from "../auth/session";
import { assertMayRunInto } from "../executions/environment-policy";
import { loadStageRecords } from "./stage-records";
import { releaseId, resolveStepWork, stepsOf, type ExecutionContext } from "./work";

export type StartExecutionOptions = {
  db: Db;
  projectId: string;
  pipelineId: string;
  /** Defaults to the newest revision. */
  revision?: number;
  inputs: Record<string, string>;
  userId: string | null;
  actor: AuditActor;
  trigger: "manual" | "api" | "webhook";
  request?: RequestInfo;
  /** Who starts it, for the environments' rules (absent for system triggers). */
  caller?: { user: SessionUser; role: Role };
  /** What the trigger knows about the change (commit sha/time, artifact time), for DORA lead time. */
  triggerInfo?: { commitSha?: string; commitTime?: string; artifactTime?: string };
};

/**
 * Starts a run: freezes the revision, checks the variable values, resolves every step's expressions (an unknown or
 * unset one refuses the start, naming it and where it is), and creates the execution with one attempt row per
 * step — all in one transaction, with the first reconcile queued in it.
 */
export async function startExecution(o: StartExecutionOptions) {
  const pipeline = await o.db.pipeline.findFirst({ where: { id: o.pipelineId, projectId: o.projectId, deletedAt: null }, select: { id: true, headRevision: true } });
  if (!pipeline) throw new AppError("NOT_FOUND", "Pipeline not found", { field: "pipelineId" });
  const number = o.revision ?? pipeline.headRevision;
  const revision = await o.db.pipelineRevision.findUnique({ where: { pipelineId_number: { pipelineId: pipeline.id, number } }, select: { id: true, spec: true, yaml: true } });
  if (!revision) throw new AppError("NOT_FOUND", `Revision ${number} not found`, { field: "revision" });
  const spec = revision.spec as unknown as PipelineSpec;

  return o.db.$transaction(async (tx) => {
    // Row lock on the pipeline: concurrent starts get consecutive sequence numbers.
    const seq = await tx.$queryRaw<{ lastSequenceId: number }[]>`UPDATE "pipeline" SET "lastSequenceId" = "lastSequenceId" + 1 WHERE id = ${pipeline.id} RETURNING "lastSequenceId"`;
    const lastSequenceId = seq[0]!.lastSequenceId;
    const execution = await tx.execution.create({
      data: { projectId: o.projectId, pipelineId: pipeline.id, revisionId: revision.id, sequenceId: lastSequenceId, trigger: o.trigger, triggeredById: o.userId, status: "PENDING", triggerInfo: o.triggerInfo ?? {} },
      select: { id: true, sequenceId: true },
    });
    const inputs = prepareInputs(spec, o.inputs, execution.id);
    const records = await loadStageRecords(tx, o.projectId, spec);
    if (o.caller) for (const r of Object.values(records)) if (r.environment) assertMayRunInto(r.environment, o.caller.user, o.caller.role);
    const ctx: ExecutionContext = { pipelineName: spec.name, sequenceId: execution.sequenceId, executionId: execution.id, variables: inputs.values, secretVariables: secretVariableNames(spec), records };
    await tx.execution.update({ where: { id: execution.id }, data: { inputs, context: { records, versions: deployedVersions(spec, ctx) } as object } });
    const rows = [];
    for (const stage of spec.stages) {
      // Rollback steps are resolved too, so a broken expression there refuses the start now, not mid-rollback.
      for (const step of stepsOf(stage, true)) withPosition(revision.yaml, () => resolveStepWork(ctx, stage, step));
      for (const step of stepsOf(stage, false)) {
        const work = withPosition(revision.yaml, () => resolveStepWork(ctx, stage, step));
        rows.push({ executionId: execution.id, stageId: stage.id, stepId: step.id, attempt: 1, type: step.type, work: work as object, timeoutMs: step.timeout ? parseDuration(step.timeout) : 0, selectors: step.selectors ?? stage.selectors ?? [] });
      }
    }
    await tx.stageRun.createMany({ data: spec.stages.map((s) => ({ executionId: execution.id, stageId: s.id })) });
    await tx.stepRun.createMany({ data: rows });
    await recordTransitions(tx, execution.id, [{ scope: "execution", id: execution.id, from: null, to: "PENDING", cause: `started (${o.trigger}) by ${o.actor.label}, revision ${number}` }], o.userId);
    await enqueueReconcile(tx, execution.id);
    await recordAudit(tx, { actor: o.actor, action: "execution.start", projectId: o.projectId, target: { type: "execution", id: execution.id }, summary: { pipelineId: pipeline.id, revision: number, sequenceId: execution.sequenceId, trigger: o.trigger, variables: Object.keys(o.inputs) }, request: o.request });
    return { id: execution.id, sequenceId: execution.sequenceId };
  });
}

/**
 * What each deploying stage will put live, for the deployments dashboard: the ECS image tag, else the pipeline's
 * `version` variable, else the release id. Resolved now, so the dashboard shows values, not expressions.
 */
function deployedVersions(spec: PipelineSpec, ctx: ExecutionContext): Record<string, string> {
  const out: Record<string, string> = {};
  const pipelineCtx = { pipeline: { name: ctx.pipelineName, sequenceId: ctx.sequenceId, executionId: ctx.executionId, variables: ctx.variables } };
  for (const stage of spec.stages) {
    const service = ctx.records[stage.id]?.service?.spec;
    if (!service) continue;
    const tag = service.type === "ECS" ? resolveExpressions(service.image.tag, pipelineCtx) : null;
    out[stage.id] = tag && "value" in tag ? tag.value : ctx.variables.version !== undefined ? String(ctx.variables.version) : releaseId(ctx);
  }
  return out;
}

/** Adds line:column of the offending expression to a resolution error. */
function withPosition<T>(yaml: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const expr = (e as { details?: { expression?: string } }).details?.expression;
    if (e instanceof AppError && expr) {
      const at = yaml.indexOf(expr);
      if (at >= 0) {
        const before = yaml.slice(0, at).split("\n");
        const line = before.length;
        const column = before.at(-1)!.length + 1;
        throw new AppError(e.code, `${e.message} (line ${line}, column ${column})`, { field: e.field, details: { ...e.details, line, column } });
      }
    }
    throw e;
  }
}
