/**
 * Failure strategies, applied to an attempt whose work failed (failure, timeout, rejection, expiry). The step's own
 * `onFailure` wins over the stage's; absent both, the step fails. Semantics (docs/adr/0003-execution-engine.md):
 *   fail      the step concludes failure; later steps of the stage that run onSuccess are skipped; the stage fails
 *   ignore    status IGNORED, concludes success: the pipeline carries on
 *   abort     the whole execution is aborted
 *   rollback  the stage's rollbackSteps run (after its running steps stop); the stage ends ROLLED_BACK
 *   retry     a new attempt after backoff × 2^(n-1) (capped); when retries are used up, `then` applies
 *   manualIntervention   the step waits for a person (retry / ignore / abort / rollback / fail); on timeout `then`
 */
import { parseDuration, type OnFailure } from "@slipway/pipeline-spec";
import type { StagePlan, StepPlan } from "./plan";
import type { AttemptState } from "./state";
import type { Working } from "./working";

type TerminalAction = "fail" | "ignore" | "abort" | "rollback" | "manualIntervention";

export function applyFailureStrategy(w: Working, a: AttemptState, step: StepPlan, stage: StagePlan, why: string): void {
  const strategy = step.onFailure;
  if (strategy.action === "retry") {
    if (a.attempt <= strategy.retries) {
      const backoff = Math.min(parseDuration(strategy.backoff) * 2 ** (a.attempt - 1), parseDuration(strategy.maxBackoff));
      w.setAttempt(a, { conclusion: "retried" }, `${why}; retrying (attempt ${a.attempt + 1} of ${strategy.retries + 1})`);
      w.createAttempt(a, a.attempt + 1, { waitUntil: w.now + backoff }, a.id, `retry ${a.attempt} of ${strategy.retries} after ${Math.round(backoff / 1000)} s: ${why}`);
      w.wakeAt(w.now + backoff);
      return;
    }
    applyTerminal(w, a, stage, strategy.then, `${why}; ${strategy.retries} retr${strategy.retries === 1 ? "y" : "ies"} used up`, parseDuration("1d"), "fail");
    return;
  }
  if (strategy.action === "manualIntervention") {
    applyTerminal(w, a, stage, "manualIntervention", why, parseDuration(strategy.timeout), strategy.then);
    return;
  }
  applyTerminal(w, a, stage, strategy.action, why, 0, "fail");
}

/** Also used when a manual intervention times out (with its `then`) or a person picks an action. */
export function applyTerminal(
  w: Working,
  a: AttemptState,
  stage: StagePlan,
  action: TerminalAction,
  why: string,
  interventionTimeoutMs: number,
  onInterventionTimeout: Exclude<TerminalAction, "manualIntervention">,
): void {
  switch (action) {
    case "ignore":
      w.setAttempt(a, { status: "IGNORED", conclusion: "success" }, `${why}; ignored by its failure strategy`);
      return;
    case "manualIntervention":
      w.setAttempt(a, { status: "INTERVENTION_REQUIRED", waitUntil: w.now + interventionTimeoutMs, message: `${a.message || why} — waiting for a person (then ${onInterventionTimeout} after the timeout)` }, `${why}; waiting for manual intervention`);
      w.wakeAt(w.now + interventionTimeoutMs);
      return;
    case "abort":
      w.setAttempt(a, { conclusion: "failure" }, `${why}; its failure strategy aborts the execution`);
      w.abortRequested = true;
      return;
    case "rollback": {
      w.setAttempt(a, { conclusion: "failure" }, `${why}; rolling back stage ${stage.stageId}`);
      const s = w.stages.get(stage.stageId)!;
      if (!a.inRollback && stage.rollbackRows.length > 0 && (s.status === "RUNNING" || s.status === "PENDING")) {
        w.setStage(stage.stageId, "ROLLING_BACK", `step ${a.stepId} failed`, `step ${a.stepId} failed; its failure strategy rolls back the stage`);
      }
      return;
    }
    case "fail":
    default:
      w.setAttempt(a, { conclusion: "failure" }, why);
  }
}

/** The `then` to apply when an intervention times out, from the strategy that asked for it. */
export function interventionTimeoutAction(strategy: OnFailure): Exclude<TerminalAction, "manualIntervention"> {
  return strategy.action === "manualIntervention" ? strategy.then : "fail";
}
