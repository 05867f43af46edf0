/**
 * The inputs people give a running execution: pause, resume, abort, retry from the failed steps, and the choice
 * for a step waiting for manual intervention. Each changes a few fields under the execution's lock, records the
 * transition and an audit event, and queues a reconcile — decide() does the rest.
 */
import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import { recordAudit, type AuditActor } from "../audit/record-audit";
import type { RequestInfo } from "../context";
import { recordTransitions } from "../engine/events";
import { lockExecution } from "../engine/load-state";
import { enqueueReconcile } from "../engine/queue";

const TERMINAL = ["SUCCESS", "FAILED", "ABORTED", "ROLLED_BACK"];

type Common = { db: Db; projectId: string; executionId: string; actor: AuditActor; userId: string; request?: RequestInfo };

async function withExecution<T>(o: Common, fn: (tx: Tx, exec: { id: string; status: string; pauseRequested: boolean; abortRequested: boolean }) => Promise<T>): Promise<T> {
  return o.db.$transaction(async (tx) => {
    const exec = await tx.execution.findFirst({ where: { id: o.executionId, projectId: o.projectId }, select: { id: true, status: true, pauseRequested: true, abortRequested: true } });
    if (!exec) throw new AppError("NOT_FOUND", "Execution not found", { field: "executionId" });
    await lockExecution(tx, exec.id);
    const result = await fn(tx, exec);
    await enqueueReconcile(tx, exec.id);
    return result;
  });
}

export function pauseExecution(o: Common) {
  return withExecution(o, async (tx, exec) => {
    if (TERMINAL.includes(exec.status)) throw new AppError("PRECONDITION_FAILED", `The execution already ended (${exec.status})`);
    if (exec.pauseRequested) return { ok: true };
    await tx.execution.update({ where: { id: exec.id }, data: { pauseRequested: true } });
    await recordTransitions(tx, exec.id, [{ scope: "execution", id: exec.id, from: exec.status, to: "PAUSED", cause: `paused by ${o.actor.label}` }], o.userId);
    await recordAudit(tx, { actor: o.actor, action: "execution.pause", projectId: o.projectId, target: { type: "execution", id: exec.id }, request: o.request });
    return { ok: true };
  });
}

export function resumeExecution(o: Common) {
  return withExecution(o, async (tx, exec) => {
    if (!exec.pauseRequested) throw new AppError("PRECONDITION_FAILED", "The execution is not paused");
    await tx.execution.update({ where: { id: exec.id }, data: { pauseRequested: false } });
    await recordTransitions(tx, exec.id, [{ scope: "execution", id: exec.id, from: exec.status, to: "RUNNING", cause: `resumed by ${o.actor.label}` }], o.userId);
    await recordAudit(tx, { actor: o.actor, action: "execution.resume", projectId: o.projectId, target: { type: "execution", id: exec.id }, request: o.request });
    return { ok: true };
  });
}

export function abortExecution(o: Common) {
  return withExecution(o, async (tx, exec) => {
    if (TERMINAL.includes(exec.status)) throw new AppError("PRECONDITION_FAILED", `The execution already ended (${exec.status})`);
    if (exec.abortRequested) return { ok: true };
    await tx.execution.update({ where: { id: exec.id }, data: { abortRequested: true, pauseRequested: false } });
    await recordTransitions(tx, exec.id, [{ scope: "execution", id: exec.id, from: exec.status, to: exec.status, cause: `abort requested by ${o.actor.label}` }], o.userId);
    await recordAudit(tx, { actor: o.actor, action: "execution.abort", projectId: o.projectId, target: { type: "execution", id: exec.id }, request: o.request });
    return { ok: true };
  });
}

/**
 * Retry from the failed steps: every step whose newest attempt failed, was aborted or skipped gets a fresh attempt
 * (its work copied), the stages involved go back to pending, and the execution runs again. Steps that succeeded
 * are not run again. Same inputs, same frozen revision.
 */
export function retryExecution(o: Common) {
  return withExecution(o, async (tx, exec) => {
    if (!["FAILED", "ABORTED", "ROLLED_BACK"].includes(exec.status)) throw new AppError("PRECONDITION_FAILED", `Only failed, aborted or rolled-back executions can be retried (this one is ${exec.status})`);
    const steps = await tx.stepRun.findMany({ where: { executionId: exec.id, inRollback: false, status: { not: "SUPERSEDED" } }, orderBy: { attempt: "desc" } });
    const latest = new Map<string, (typeof steps)[number]>();
    for (const s of steps) if (!latest.has(s.stepId)) latest.set(s.stepId, s);
    const redo = [...latest.values()].filter((s) => ["FAILED", "ABORTED", "SKIPPED", "REJECTED", "EXPIRED"].includes(s.status));
    if (!redo.length) throw new AppError("PRECONDITION_FAILED", "Nothing failed that could be retried");
    for (const s of redo) {
      await tx.stepRun.create({ data: { executionId: exec.id, stageId: s.stageId, stepId: s.stepId, attempt: s.attempt + 1, type: s.type, work: s.work ?? undefined, timeoutMs: s.timeoutMs, selectors: s.selectors } });
    }
    const stages = [...new Set(redo.map((s) => s.stageId))];
    await tx.stageRun.updateMany({ where: { executionId: exec.id, OR: [{ stageId: { in: stages } }, { status: { in: ["SKIPPED", "ABORTED"] } }] }, data: { status: "PENDING", reason: "", finishedAt: null } });
    await tx.execution.update({ where: { id: exec.id }, data: { status: "RUNNING", abortRequested: false, pauseRequested: false, finishedAt: null, trigger: "retry" } });
    await recordTransitions(tx, exec.id, [{ scope: "execution", id: exec.id, from: exec.status, to: "RUNNING", cause: `retry from the failed steps (${redo.map((s) => s.stepId).join(", ")}) by ${o.actor.label}` }], o.userId);
    await recordAudit(tx, { actor: o.actor, action: "execution.retry", projectId: o.projectId, target: { type: "execution", id: exec.id }, summary: { steps: redo.map((s) => s.stepId) }, request: o.request });
    return { ok: true, retried: redo.map((s) => s.stepId) };
  });
}

export type InterventionChoice = "retry" | "ignore" | "abort" | "rollback" | "fail";

/** A person decides what happens to a step waiting for manual intervention. */
export function interveneStep(o: Common & { stepRunId: string; choice: InterventionChoice }) {
  return withExecution(o, async (tx, exec) => {
    const step = await tx.stepRun.findFirst({ where: { id: o.stepRunId, executionId: exec.id } });
    if (!step) throw new AppError("NOT_FOUND", "Step not found", { field: "stepRunId" });
    if (step.status !== "INTERVENTION_REQUIRED") throw new AppError("PRECONDITION_FAILED", `The step is ${step.status}, not waiting for intervention`);
    const cause = `${o.choice} chosen by ${o.actor.label}`;
    if (o.choice === "retry") {
      await tx.stepRun.update({ where: { id: step.id }, data: { status: "FAILED", conclusion: "retried", finishedAt: new Date() } });
      await tx.stepRun.create({ data: { executionId: exec.id, stageId: step.stageId, stepId: step.stepId, attempt: step.attempt + 1, inRollback: step.inRollback, type: step.type, work: step.work ?? undefined, timeoutMs: step.timeoutMs, selectors: step.selectors } });
    } else if (o.choice === "ignore") {
      await tx.stepRun.update({ where: { id: step.id }, data: { status: "IGNORED", conclusion: "success", finishedAt: new Date() } });
    } else {
      await tx.stepRun.update({ where: { id: step.id }, data: { status: "FAILED", conclusion: "failure", finishedAt: new Date() } });
      if (o.choice === "abort") await tx.execution.update({ where: { id: exec.id }, data: { abortRequested: true } });
      if (o.choice === "rollback") await tx.stageRun.update({ where: { executionId_stageId: { executionId: exec.id, stageId: step.stageId } }, data: { status: "ROLLING_BACK", reason: `step ${step.stepId} failed` } });
    }
    await recordTransitions(tx, exec.id, [{ scope: "step", id: step.id, stageId: step.stageId, from: "INTERVENTION_REQUIRED", to: o.choice === "ignore" ? "IGNORED" : "FAILED", cause }], o.userId);
    await recordAudit(tx, { actor: o.actor, action: "execution.intervene", projectId: o.projectId, target: { type: "stepRun", id: step.id }, summary: { choice: o.choice, stepId: step.stepId }, request: o.request });
    return { ok: true };
  });
}
