/**
 * What decide() sees: the stored state of one execution, as plain data. reconcile.ts loads it (under the
 * execution's row lock) and decide.ts turns it into the changes to make. Times are epoch milliseconds.
 */
export type StepStatus =
  | "PENDING" | "QUEUED" | "RUNNING" | "WAITING" | "APPROVAL_REQUIRED" | "INTERVENTION_REQUIRED" | "APPROVED" | "REJECTED"
  | "EXPIRED" | "SUCCESS" | "FAILED" | "IGNORED" | "SKIPPED" | "ABORTED" | "SUPERSEDED";
export type StageStatus = "PENDING" | "RUNNING" | "ROLLING_BACK" | "SUCCESS" | "FAILED" | "ROLLED_BACK" | "SKIPPED" | "ABORTED";
export type ExecutionStatus =
  | "PENDING" | "RUNNING" | "PAUSED" | "APPROVAL_REQUIRED" | "VERIFYING" | "FAILED" | "ROLLING_BACK" | "ROLLED_BACK" | "ABORTED" | "SUCCESS";

/** How the work ended (from the delegate or the studio), before the failure strategy. */
export type Outcome = "success" | "failure" | "timedOut" | "cancelled";
/** After the strategy: retried means a newer attempt carries on. */
export type Conclusion = "success" | "failure" | "retried" | "cancelled" | "skipped";

export type AttemptState = {
  id: string;
  stageId: string;
  stepId: string;
  attempt: number;
  inRollback: boolean;
  type: string;
  status: StepStatus;
  outcome: Outcome | null;
  conclusion: Conclusion | null;
  message: string;
  waitUntil: number | null;
  queuedAt: number | null;
  startedAt: number | null;
  cancelRequested: boolean;
  /** Approvals only: distinct approvals recorded so far. */
  approvedCount: number;
};

export type StageState = { stageId: string; status: StageStatus; reason: string };

export type ExecState = {
  id: string;
  status: ExecutionStatus;
  pauseRequested: boolean;
  abortRequested: boolean;
  stages: StageState[];
  attempts: AttemptState[];
};

export const TERMINAL_EXECUTION: readonly ExecutionStatus[] = ["FAILED", "ROLLED_BACK", "ABORTED", "SUCCESS"];
export const TERMINAL_STAGE: readonly StageStatus[] = ["SUCCESS", "FAILED", "ROLLED_BACK", "SKIPPED", "ABORTED"];
/** Statuses after which an attempt does no more work. */
export const DONE_STEP: readonly StepStatus[] = ["APPROVED", "REJECTED", "EXPIRED", "SUCCESS", "FAILED", "IGNORED", "SKIPPED", "ABORTED", "SUPERSEDED"];
/** Statuses in which a delegate may be working on the attempt. */
export const ON_DELEGATE: readonly StepStatus[] = ["QUEUED", "RUNNING"];

export const isDone = (a: AttemptState) => DONE_STEP.includes(a.status);

/** The newest attempt of each step (superseded ones excluded), keyed by step id and rollback flag. */
export function latestAttempts(attempts: AttemptState[]): Map<string, AttemptState> {
  const latest = new Map<string, AttemptState>();
  for (const a of attempts) {
    if (a.status === "SUPERSEDED") continue;
    const key = attemptKey(a.stepId, a.inRollback);
    const cur = latest.get(key);
    if (!cur || a.attempt > cur.attempt) latest.set(key, a);
  }
  return latest;
}

export const attemptKey = (stepId: string, inRollback: boolean) => `${inRollback ? "rb:" : ""}${stepId}`;
