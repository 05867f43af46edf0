/**
 * decide(): the whole engine's judgement, as a pure function of stored state and the time. Given the plan (from the
 * frozen spec) and the execution's rows, it returns the changes to make — step and stage transitions with their
 * causes, new attempts, steps to offer to delegates, cancels to send, and when to look again. reconcile.ts loads,
 * calls this, and writes the result in one transaction; every input (start, a delegate's result, an approval, a
 * timer, a lost delegate, pause/resume/abort/retry) just changes a few fields and reconciles again.
 */
import { advanceRows } from "./advance-steps";
import type { Plan, StagePlan } from "./plan";
import { type ExecState, type ExecutionStatus, isDone, latestAttempts, ON_DELEGATE, TERMINAL_EXECUTION, TERMINAL_STAGE } from "./state";
import { type Decision, Working } from "./working";

/** Enough passes for every cascade (a finished step starting the next, which finishes a stage, which starts another). */
const MAX_PASSES = 50;

export function decide(plan: Plan, state: ExecState, now: number): Decision {
  if (TERMINAL_EXECUTION.includes(state.status)) return new Working(state, now).decision();
  const w = new Working(state, now);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    w.changed = false;
    if (w.abortRequested) abortEverything(w);
    for (const stageId of plan.order) advanceStage(w, plan, plan.stages.find((s) => s.stageId === stageId)!);
    if (!w.changed) break;
  }
  const decision = w.decision();
  const status = executionStatus(w);
  const finished = TERMINAL_EXECUTION.includes(status);
  if (status !== state.status) decision.transitions.push({ scope: "execution", id: state.id, from: state.status, to: status, cause: statusCause(w, status) });
  if (status !== state.status || w.abortRequested !== state.abortRequested) decision.execution = { status, abortRequested: w.abortRequested, finished };
  if (finished) decision.wakeAt = null;
  return decision;
}

function advanceStage(w: Working, plan: Plan, stage: StagePlan): void {
  const s = w.stages.get(stage.stageId)!;
  if (s.status === "PENDING") return maybeStart(w, plan, stage);
  if (s.status === "RUNNING") {
    const main = advanceRows(w, stage, stage.rows, false);
    if (w.stages.get(stage.stageId)!.status !== "RUNNING" || !main.done) return;
    if (main.failedStep) w.setStage(stage.stageId, "FAILED", `step ${main.failedStep} failed`, `step ${main.failedStep} failed`);
    else w.setStage(stage.stageId, "SUCCESS", "", "every step succeeded");
    return;
  }
  if (s.status === "ROLLING_BACK") {
    // Steps of the stage still running when the rollback was decided stop first; rollback steps start after.
    const active = stage.rows.flat().map((p) => w.latest(p.stepId, false)).filter((a) => a && !isDone(a) && a.conclusion === null);
    for (const a of active) {
      if (a && ON_DELEGATE.includes(a.status) && !a.cancelRequested) {
        w.setAttempt(a, { cancelRequested: true, cancelReason: "stage rolling back" }, "stage rolling back; stopping it");
        w.cancel.push({ id: a.id, reason: "stage rolling back" });
      } else if (a && !ON_DELEGATE.includes(a.status)) w.setAttempt(a, { status: "ABORTED", conclusion: "cancelled" }, "stage rolling back");
    }
    if (active.some((a) => a && ON_DELEGATE.includes(a.status))) return;
    const rb = advanceRows(w, stage, stage.rollbackRows, true);
    if (!rb.done) return;
    if (rb.failedStep) w.setStage(stage.stageId, "FAILED", `rollback step ${rb.failedStep} failed`, `rollback step ${rb.failedStep} failed`);
    else w.setStage(stage.stageId, "ROLLED_BACK", s.reason, "rollback steps finished");
  }
}

function maybeStart(w: Working, plan: Plan, stage: StagePlan): void {
  if (w.abortRequested) return;
  const deps = stage.needs.map((id) => w.stages.get(id)!);
  if (deps.some((d) => !TERMINAL_STAGE.includes(d.status))) return;
  const failedSoFar = [...w.stages.values()].some((s) => s.status === "FAILED" || s.status === "ROLLED_BACK" || s.status === "ABORTED");
  const notOk = deps.find((d) => d.status !== "SUCCESS");
  let runs: boolean;
  let why = "";
  if (stage.when === "always") runs = true;
  else if (stage.when === "onFailure") {
    runs = failedSoFar;
    why = "it runs only when something before it failed";
  } else {
    runs = !notOk;
    why = notOk ? `it needs ${notOk.stageId}, which ${notOk.status === "SKIPPED" ? "was skipped" : notOk.status === "ROLLED_BACK" ? "was rolled back" : "failed"}` : "";
  }
  if (!runs) return w.setStage(stage.stageId, "SKIPPED", why, `skipped: ${why}`);
  if (w.pauseRequested) return;
  w.setStage(stage.stageId, "RUNNING", "", stage.needs.length ? `${stage.needs.join(", ")} finished` : "execution started");
}

/** Abort: nothing new starts, waiting steps end now, delegate steps are asked to stop and end when they report. */
function abortEverything(w: Working): void {
  for (const a of latestAttempts(w.attempts).values()) {
    if (isDone(a) && a.conclusion !== null) continue;
    if (a.status === "RUNNING") {
      if (!a.cancelRequested) {
        w.setAttempt(a, { cancelRequested: true, cancelReason: "execution aborted" }, "execution aborted; asking the delegate to stop it");
        w.cancel.push({ id: a.id, reason: "execution aborted" });
      }
    } else if (!isDone(a)) w.setAttempt(a, { status: "ABORTED", conclusion: "cancelled", message: "execution aborted" }, "execution aborted");
    else if (a.conclusion === null) w.setAttempt(a, { conclusion: a.status === "SUCCESS" || a.status === "APPROVED" || a.status === "IGNORED" ? "success" : "cancelled" }, "execution aborted");
  }
  for (const s of w.stages.values()) {
    if (TERMINAL_STAGE.includes(s.status)) continue;
    const running = w.attempts.some((a) => a.stageId === s.stageId && a.status === "RUNNING");
    if (!running) w.setStage(s.stageId, "ABORTED", "execution aborted", "execution aborted");
  }
}

function executionStatus(w: Working): ExecutionStatus {
  const stages = [...w.stages.values()];
  const latest = [...latestAttempts(w.attempts).values()];
  if (stages.every((s) => TERMINAL_STAGE.includes(s.status))) {
    if (w.abortRequested || stages.some((s) => s.status === "ABORTED")) return "ABORTED";
    if (stages.some((s) => s.status === "FAILED")) return "FAILED";
    if (stages.some((s) => s.status === "ROLLED_BACK")) return "ROLLED_BACK";
    return "SUCCESS";
  }
  if (w.pauseRequested || latest.some((a) => a.status === "INTERVENTION_REQUIRED")) return "PAUSED";
  if (stages.some((s) => s.status === "ROLLING_BACK")) return "ROLLING_BACK";
  const busy = latest.some((a) => ["QUEUED", "RUNNING", "WAITING"].includes(a.status) || (a.status === "PENDING" && a.waitUntil !== null));
  if (!busy && latest.some((a) => a.status === "APPROVAL_REQUIRED")) return "APPROVAL_REQUIRED";
  return "RUNNING";
}

function statusCause(w: Working, status: ExecutionStatus): string {
  if (status === "PAUSED" && w.pauseRequested) return "paused by a user";
  if (status === "ABORTED") return "execution aborted";
  const last = w.transitions.filter((t) => t.scope !== "execution").at(-1);
  return last ? `${last.scope} ${last.stageId ?? ""} → ${last.to}: ${last.cause}` : "reconciled";
}
