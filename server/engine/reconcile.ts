/**
 * reconcileExecution(id): load the execution under its row lock, ask decide() what to do, write all of it in the
 * same transaction (attempt changes guarded by the status they were read with, new attempts, stage and execution
 * status, transition events), then hand out the follow-ups: offers to delegates, cancels, the next wake-up.
 * Idempotent: running it twice, or on two studio replicas at once, changes nothing the second time.
 */
import type { PipelineSpec } from "@slipway/pipeline-spec";
import type { Db, Tx } from "../db";
import { cancelTasks, offerTasks } from "../delegates/dispatch";
import { decide } from "./decide";
import { recordTransitions } from "./events";
import { parseStoredInputs } from "./inputs";
import { lockExecution, loadExecution } from "./load-state";
import { enqueueReconcile } from "./queue";
import { recordDeployment } from "./record-deployment";
import type { ExecutionRecords } from "./stage-records";
import { resolveStepWork, stepsOf } from "./work";
import type { Decision } from "./working";

class ConcurrentChange extends Error {}

const date = (ms: number | null | undefined) => (ms === null || ms === undefined ? ms : new Date(ms));

export async function reconcileExecution(db: Db, executionId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.$transaction((tx) => reconcileIn(tx, executionId), { timeout: 30_000, maxWait: 10_000 });
      return;
    } catch (e) {
      // Someone (a claim, a result) changed a step between our read and our write: read again and redo.
      if (e instanceof ConcurrentChange && attempt < 5) continue;
      throw e;
    }
  }
}

async function reconcileIn(tx: Tx, executionId: string): Promise<Decision | null> {
  if (!(await lockExecution(tx, executionId))) return null;
  const { exec, spec, plan, state } = await loadExecution(tx, executionId);
  const d = decide(plan, state, Date.now());
  const ids = new Map<string, string>();

  for (const c of d.creates) {
    const stage = spec.stages.find((s) => s.id === c.stageId)!;
    const work = c.copyFrom ? ((await tx.stepRun.findUnique({ where: { id: c.copyFrom }, select: { work: true } }))?.work ?? null) : freshWork(spec, stage, c.stepId, c.inRollback, exec);
    const source = exec.steps.find((s) => s.stepId === c.stepId);
    const step = plan.steps.get(c.stepId)!;
    const created = await tx.stepRun.create({
      data: {
        executionId, stageId: c.stageId, stepId: c.stepId, attempt: c.attempt, inRollback: c.inRollback, type: c.type, status: c.status,
        outcome: c.outcome, conclusion: c.conclusion, message: c.message, work: work as object, timeoutMs: source?.timeoutMs ?? step.timeoutMs,
        selectors: source?.selectors ?? step.selectors, waitUntil: date(c.waitUntil), queuedAt: date(c.queuedAt), startedAt: date(c.startedAt), finishedAt: date(c.finishedAt),
      },
      select: { id: true },
    });
    ids.set(c.id, created.id);
  }
  for (const u of d.updates) {
    const { finishedAt, cancelReason, waitUntil, queuedAt, startedAt, ...rest } = u.set;
    const done = await tx.stepRun.updateMany({
      where: { id: u.id, status: u.expect as never },
      data: { ...rest, ...(finishedAt !== undefined ? { finishedAt: date(finishedAt) } : {}), ...(cancelReason !== undefined ? { cancelReason } : {}), ...(waitUntil !== undefined ? { waitUntil: date(waitUntil) } : {}), ...(queuedAt !== undefined ? { queuedAt: date(queuedAt) } : {}), ...(startedAt !== undefined ? { startedAt: date(startedAt) } : {}) },
    });
    if (done.count !== 1) throw new ConcurrentChange(`step run ${u.id} changed while reconciling`);
  }
  for (const s of d.stages) {
    await tx.stageRun.update({ where: { executionId_stageId: { executionId, stageId: s.stageId } }, data: { status: s.status, reason: s.reason, ...(s.startedAt ? { startedAt: new Date(s.startedAt) } : {}), ...(s.finishedAt ? { finishedAt: new Date(s.finishedAt) } : {}) } });
    if (s.finishedAt) await recordDeployment(tx, executionId, s.stageId, s.status, new Date(s.finishedAt));
  }
  if (d.execution) {
    await tx.execution.update({
      where: { id: executionId },
      data: { status: d.execution.status, abortRequested: d.execution.abortRequested, version: { increment: 1 }, ...(exec.startedAt ? {} : { startedAt: new Date() }), ...(d.execution.finished ? { finishedAt: new Date() } : {}) },
    });
  }
  const real = (id: string) => ids.get(id) ?? id;
  await recordTransitions(tx, executionId, d.transitions.map((t) => (t.scope === "step" ? { ...t, id: real(t.id) } : t)));
  if (d.dispatch.length) await offerTasks(tx, d.dispatch.map(real));
  if (d.cancel.length) await cancelTasks(tx, d.cancel.map((c) => ({ ...c, id: real(c.id) })));
  if (d.wakeAt !== null) await enqueueReconcile(tx, executionId, new Date(d.wakeAt));
  return d;
}

/** Work for an attempt with nothing to copy from (rollback steps created when a rollback starts). */
function freshWork(spec: PipelineSpec, stage: PipelineSpec["stages"][number], stepId: string, inRollback: boolean, exec: { id: string; sequenceId: number; inputs: unknown; context: unknown; pipeline: { name: string } }) {
  const step = stepsOf(stage, inRollback).find((s) => s.id === stepId)!;
  const inputs = parseStoredInputs(exec.inputs);
  const records = ((exec.context ?? {}) as { records?: ExecutionRecords }).records ?? {};
  return resolveStepWork({ pipelineName: spec.name, sequenceId: exec.sequenceId, executionId: exec.id, variables: inputs.values, secretVariables: secretVariableNames(spec), records }, stage, step);
}

export function secretVariableNames(spec: PipelineSpec): string[] {
  return (spec.variables ?? []).filter((v) => v.type === "secret").map((v) => v.name);
}
