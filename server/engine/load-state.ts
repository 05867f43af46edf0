/** Reads one execution into decide()'s shape, under the execution's row lock. */
import type { PipelineSpec } from "@slipway/pipeline-spec";
import type { Tx } from "../db";
import { buildPlan, type Plan } from "./plan";
import type { AttemptState, Conclusion, ExecState, Outcome } from "./state";

export async function lockExecution(tx: Tx, executionId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "execution" WHERE id = ${executionId} FOR UPDATE`;
  return rows.length === 1;
}

/**
 * Locks the execution a step attempt belongs to (the same row lock as lockExecution) and returns its id, or null
 * when there is no such attempt: one round trip where a look-up of the execution id and then the lock took two.
 */
export async function lockExecutionOfStep(tx: Tx, stepRunId: string): Promise<string | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT e.id FROM "execution" e JOIN "step_run" s ON s."executionId" = e.id WHERE s.id = ${stepRunId} FOR UPDATE OF e`;
  return rows[0]?.id ?? null;
}

/**
 * A revision's spec and plan, per revision id, for the engine's reconciles and the delegates' claims. Revisions are
 * never changed once saved, so this never goes stale; every reconcile read the whole spec (JSON of the entire
 * pipeline) and rebuilt the plan, once per step transition. Bounded: cleared when it reaches 200 revisions (a busy
 * studio runs far fewer at once).
 */
const frozen = new Map<string, { spec: PipelineSpec; plan: Plan }>();

export async function frozenRevision(tx: Tx, revisionId: string): Promise<{ spec: PipelineSpec; plan: Plan }> {
  const hit = frozen.get(revisionId);
  if (hit) return hit;
  const row = await tx.pipelineRevision.findUniqueOrThrow({ where: { id: revisionId }, select: { spec: true } });
  const spec = row.spec as unknown as PipelineSpec;
  const entry = { spec, plan: buildPlan(spec) };
  if (frozen.size >= 200) frozen.clear();
  frozen.set(revisionId, entry);
  return entry;
}

export async function loadExecution(tx: Tx, executionId: string) {
  const exec = await tx.execution.findUniqueOrThrow({
    where: { id: executionId },
    include: {
      pipeline: { select: { name: true } },
      stages: true,
      // What decide() and new attempts need, not the whole row: an execution of 100 steps reloads all of them on
      // every reconcile, and `work`, `placement` and `outputs` (JSON) were most of that. reconcile.ts reads the
      // `work` of an attempt it copies on its own.
      steps: {
        select: {
          id: true, stageId: true, stepId: true, attempt: true, inRollback: true, type: true, status: true, outcome: true, conclusion: true, message: true,
          waitUntil: true, queuedAt: true, startedAt: true, cancelRequested: true, timeoutMs: true, selectors: true,
          _count: { select: { decisions: { where: { decision: "APPROVED" } } } },
        },
        orderBy: [{ createdAt: "asc" }],
      },
    },
  });
  const { spec, plan } = await frozenRevision(tx, exec.revisionId);
  const ms = (d: Date | null) => (d ? d.getTime() : null);
  const attempts: AttemptState[] = exec.steps.map((s) => ({
    id: s.id,
    stageId: s.stageId,
    stepId: s.stepId,
    attempt: s.attempt,
    inRollback: s.inRollback,
    type: s.type,
    status: s.status,
    outcome: s.outcome as Outcome | null,
    conclusion: s.conclusion as Conclusion | null,
    message: s.message,
    waitUntil: ms(s.waitUntil),
    queuedAt: ms(s.queuedAt),
    startedAt: ms(s.startedAt),
    cancelRequested: s.cancelRequested,
    approvedCount: s._count.decisions,
  }));
  const state: ExecState = {
    id: exec.id,
    status: exec.status,
    pauseRequested: exec.pauseRequested,
    abortRequested: exec.abortRequested,
    stages: exec.stages.map((s) => ({ stageId: s.stageId, status: s.status, reason: s.reason })),
    attempts,
  };
  return { exec, spec, plan, state };
}
