/**
 * A mutable working copy of an execution's state used inside one decide() pass: every change is applied to the
 * copy (so later rules see it) and recorded as a patch plus a transition event with its cause. decide() returns
 * the recorded changes; reconcile.ts writes them in one transaction.
 */
import type { AttemptState, ExecState, ExecutionStatus, StageState, StageStatus } from "./state";
import { attemptKey, latestAttempts } from "./state";

export type AttemptFields = Partial<Pick<AttemptState, "status" | "outcome" | "conclusion" | "message" | "waitUntil" | "queuedAt" | "startedAt" | "cancelRequested">> & {
  finishedAt?: number;
  cancelReason?: string;
};

export type Transition = { scope: "execution" | "stage" | "step"; id: string; stageId?: string; from: string | null; to: string; cause: string };

export type Decision = {
  /** Changes to existing attempts; `expect` is the status read, so a concurrent change (a claim) aborts the write. */
  updates: { id: string; expect: string; set: AttemptFields }[];
  /** New attempts (temporary ids `new:…`), with their final fields. */
  creates: (AttemptState & { finishedAt?: number; copyFrom: string | null })[];
  stages: { stageId: string; status: StageStatus; reason: string; startedAt?: number; finishedAt?: number }[];
  execution: { status: ExecutionStatus; abortRequested: boolean; finished: boolean } | null;
  transitions: Transition[];
  /** Attempts just queued for a delegate: offer them. */
  dispatch: string[];
  /** Delegate attempts to tell to stop. */
  cancel: { id: string; reason: string }[];
  /** The next time something is due (a retry, a wait, a timeout); null if nothing is. */
  wakeAt: number | null;
};

export class Working {
  readonly attempts: AttemptState[];
  readonly stages = new Map<string, StageState>();
  status: ExecutionStatus;
  abortRequested: boolean;
  readonly pauseRequested: boolean;
  private readonly original = new Map<string, string>();
  private readonly touched = new Map<string, AttemptFields>();
  private readonly created = new Map<string, AttemptState & { finishedAt?: number; copyFrom: string | null }>();
  private readonly stagePatches = new Map<string, Decision["stages"][number]>();
  readonly transitions: Transition[] = [];
  readonly dispatch: string[] = [];
  readonly cancel: { id: string; reason: string }[] = [];
  private wake: number | null = null;
  changed = false;

  constructor(state: ExecState, readonly now: number) {
    this.attempts = state.attempts.map((a) => ({ ...a }));
    for (const a of this.attempts) this.original.set(a.id, a.status);
    for (const s of state.stages) this.stages.set(s.stageId, { ...s });
    this.status = state.status;
    this.abortRequested = state.abortRequested;
    this.pauseRequested = state.pauseRequested;
  }

  /** latestAttempts(attempts), kept until an attempt is added or changes status (decide() asks per step, per pass). */
  private latestCache: Map<string, AttemptState> | null = null;

  latest(stepId: string, inRollback: boolean): AttemptState | undefined {
    this.latestCache ??= latestAttempts(this.attempts);
    return this.latestCache.get(attemptKey(stepId, inRollback));
  }

  setAttempt(a: AttemptState, set: AttemptFields, cause: string): void {
    if (set.status && set.status !== a.status) {
      this.transitions.push({ scope: "step", id: a.id, stageId: a.stageId, from: a.status, to: set.status, cause });
      if (["SUCCESS", "FAILED", "IGNORED", "SKIPPED", "ABORTED", "APPROVED", "REJECTED", "EXPIRED"].includes(set.status)) set.finishedAt ??= this.now;
    }
    if (set.status !== undefined) this.latestCache = null;
    Object.assign(a, set);
    const target = this.created.get(a.id);
    if (target) Object.assign(target, set);
    else this.touched.set(a.id, { ...this.touched.get(a.id), ...set });
    this.changed = true;
  }

  createAttempt(template: AttemptState, attempt: number, fields: Partial<AttemptState>, copyFrom: string | null, cause: string): AttemptState {
    const id = `new:${template.inRollback ? "rb:" : ""}${template.stepId}:${attempt}`;
    const a: AttemptState = { ...template, id, attempt, status: "PENDING", outcome: null, conclusion: null, message: "", waitUntil: null, queuedAt: null, startedAt: null, cancelRequested: false, approvedCount: 0, ...fields };
    this.attempts.push(a);
    this.latestCache = null;
    this.created.set(id, { ...a, copyFrom });
    this.transitions.push({ scope: "step", id, stageId: a.stageId, from: null, to: a.status, cause });
    this.changed = true;
    return a;
  }

  setStage(stageId: string, status: StageStatus, reason: string, cause: string): void {
    const s = this.stages.get(stageId)!;
    if (s.status === status) return;
    this.transitions.push({ scope: "stage", id: stageId, stageId, from: s.status, to: status, cause });
    const patch = this.stagePatches.get(stageId) ?? { stageId, status, reason };
    patch.status = status;
    patch.reason = reason;
    if (status === "RUNNING" && s.status === "PENDING") patch.startedAt = this.now;
    if (["SUCCESS", "FAILED", "ROLLED_BACK", "SKIPPED", "ABORTED"].includes(status)) patch.finishedAt = this.now;
    this.stagePatches.set(stageId, patch);
    s.status = status;
    s.reason = reason;
    this.changed = true;
  }

  wakeAt(t: number | null): void {
    if (t !== null && (this.wake === null || t < this.wake)) this.wake = t;
  }

  decision(): Decision {
    const updates = [...this.touched].map(([id, set]) => ({ id, expect: this.original.get(id)!, set }));
    return {
      updates,
      creates: [...this.created.values()],
      stages: [...this.stagePatches.values()],
      execution: null,
      transitions: this.transitions,
      dispatch: this.dispatch,
      cancel: this.cancel,
      wakeAt: this.wake,
    };
  }
}
