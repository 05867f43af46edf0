/**
 * Moves the steps of one stage (its main rows, or its rollback rows) forward: rows run in order, the steps of a
 * row (a parallel group) side by side; a row is done when every step in it has concluded. Pure over the Working copy.
 */
import { applyFailureStrategy, applyTerminal, interventionTimeoutAction } from "./failure";
import type { StagePlan, StepPlan } from "./plan";
import type { AttemptState } from "./state";
import type { Working } from "./working";

/** How long past its timeout a delegate step may run before the studio stops waiting for the delegate's word. */
export const TIMEOUT_GRACE_MS = 15_000;

export type RowsResult = { done: boolean; failedStep: string | null };

export function advanceRows(w: Working, stage: StagePlan, rows: StepPlan[][], inRollback: boolean): RowsResult {
  let failedStep: string | null = null;
  for (const row of rows) {
    let rowDone = true;
    for (const step of row) {
      let a = w.latest(step.stepId, inRollback);
      if (!a) a = w.createAttempt(blankAttempt(step), 1, {}, null, "rollback started");
      advanceAttempt(w, a, step, stage, failedStep !== null);
      const latest = w.latest(step.stepId, inRollback)!;
      if (latest.conclusion === "failure") failedStep ??= step.stepId;
      if (latest.conclusion === null || latest.conclusion === "retried") rowDone = false;
    }
    if (!rowDone) return { done: false, failedStep };
  }
  return { done: true, failedStep };
}

function advanceAttempt(w: Working, a: AttemptState, step: StepPlan, stage: StagePlan, failedBefore: boolean): void {
  switch (a.status) {
    case "PENDING":
      return startIfDue(w, a, step, failedBefore);
    case "QUEUED":
      if (step.timeoutMs && a.queuedAt !== null) {
        if (w.now >= a.queuedAt + step.timeoutMs) {
          w.setAttempt(a, { status: "FAILED", outcome: "timedOut", message: `no delegate took the step within ${Math.round(step.timeoutMs / 1000)} s` }, "timed out waiting for a delegate");
          return applyFailureStrategy(w, a, step, stage, `step ${step.stepId} timed out waiting for a delegate`);
        }
        w.wakeAt(a.queuedAt + step.timeoutMs);
      }
      return;
    case "RUNNING":
      if (step.timeoutMs && a.startedAt !== null) {
        const deadline = a.startedAt + step.timeoutMs + TIMEOUT_GRACE_MS;
        if (w.now >= deadline + TIMEOUT_GRACE_MS) {
          w.setAttempt(a, { status: "FAILED", outcome: "timedOut", message: `timed out after ${Math.round(step.timeoutMs / 1000)} s; the delegate did not stop it` }, "timed out");
          return applyFailureStrategy(w, a, step, stage, `step ${step.stepId} timed out`);
        }
        if (w.now >= deadline && !a.cancelRequested) {
          w.setAttempt(a, { cancelRequested: true, cancelReason: "timed out" }, "timed out; asking the delegate to stop it");
          w.cancel.push({ id: a.id, reason: "timed out" });
        }
        w.wakeAt(w.now >= deadline ? deadline + TIMEOUT_GRACE_MS : deadline);
      }
      return;
    case "WAITING":
      if (a.waitUntil !== null && w.now >= a.waitUntil) w.setAttempt(a, { status: "SUCCESS", outcome: "success", conclusion: "success" }, "wait finished");
      else w.wakeAt(a.waitUntil);
      return;
    case "APPROVAL_REQUIRED":
      if (a.approvedCount >= Math.max(1, step.minimumApprovals)) w.setAttempt(a, { status: "APPROVED", outcome: "success", conclusion: "success" }, "approved");
      else if (a.waitUntil !== null && w.now >= a.waitUntil) {
        w.setAttempt(a, { status: "EXPIRED", outcome: "failure", message: "nobody approved before the timeout" }, "approval expired");
        applyFailureStrategy(w, a, step, stage, `approval ${step.stepId} expired`);
      } else w.wakeAt(a.waitUntil);
      return;
    case "INTERVENTION_REQUIRED":
      if (a.waitUntil !== null && w.now >= a.waitUntil) {
        const then = interventionTimeoutAction(step.onFailure);
        w.setAttempt(a, { status: "FAILED" }, `nobody intervened before the timeout; applying ${then}`);
        applyTerminal(w, a, stage, then, `step ${step.stepId} failed and nobody intervened`, 0, "fail");
      } else w.wakeAt(a.waitUntil);
      return;
    default:
      return concludeFinished(w, a, step, stage);
  }
}

function startIfDue(w: Working, a: AttemptState, step: StepPlan, failedBefore: boolean): void {
  if (w.abortRequested) return;
  const runs = step.when === "always" || (step.when === "onSuccess" ? !failedBefore : failedBefore);
  if (!runs) {
    const why = step.when === "onSuccess" ? "an earlier step of the stage failed" : "it runs only when an earlier step failed";
    w.setAttempt(a, { status: "SKIPPED", conclusion: "skipped", message: `skipped: ${why}` }, `skipped: ${why}`);
    return;
  }
  if (w.pauseRequested) return;
  if (a.waitUntil !== null && w.now < a.waitUntil) return w.wakeAt(a.waitUntil);
  switch (a.type) {
    case "wait":
      w.setAttempt(a, { status: "WAITING", startedAt: w.now, waitUntil: w.now + step.durationMs }, "started");
      return w.wakeAt(w.now + step.durationMs);
    case "approval":
      w.setAttempt(a, { status: "APPROVAL_REQUIRED", startedAt: w.now, waitUntil: w.now + step.durationMs }, "waiting for approval");
      return w.wakeAt(w.now + step.durationMs);
    default:
      w.setAttempt(a, { status: "QUEUED", queuedAt: w.now }, "queued for a delegate");
      w.dispatch.push(a.id);
      if (step.timeoutMs) w.wakeAt(w.now + step.timeoutMs);
  }
}

/** An attempt whose work ended (reported by a delegate, or decided by a person) gets its conclusion here. */
function concludeFinished(w: Working, a: AttemptState, step: StepPlan, stage: StagePlan): void {
  if (a.conclusion !== null) return;
  if (a.status === "SUCCESS" || a.status === "APPROVED" || a.status === "IGNORED") return w.setAttempt(a, { conclusion: "success" }, "concluded");
  if (a.status === "SKIPPED") return w.setAttempt(a, { conclusion: "skipped" }, "concluded");
  if (a.status === "ABORTED" || a.outcome === "cancelled") {
    if (a.status !== "ABORTED") w.setAttempt(a, { status: "ABORTED" }, "cancelled");
    return w.setAttempt(a, { conclusion: "cancelled" }, "cancelled");
  }
  // FAILED, REJECTED, EXPIRED: the strategy decides.
  const why = a.status === "REJECTED" ? `approval ${step.stepId} was rejected` : `step ${step.stepId} ${a.outcome === "timedOut" ? "timed out" : "failed"}${a.message ? `: ${a.message}` : ""}`;
  applyFailureStrategy(w, a, step, stage, why);
}

function blankAttempt(step: StepPlan): AttemptState {
  return { id: "", stageId: step.stageId, stepId: step.stepId, attempt: 1, inRollback: step.inRollback, type: step.type, status: "PENDING", outcome: null, conclusion: null, message: "", waitUntil: null, queuedAt: null, startedAt: null, cancelRequested: false, approvedCount: 0 };
}
