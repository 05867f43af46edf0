/**
 * The contract between the task runner and a step executor (actions/runner's handler model, cut down): an
 * executor gets the work and a context, does the work, and resolves with an outcome. It never throws for a failure
 * of the work itself, never talks to the studio, and stops promptly when `ctx.signal` aborts.
 *
 * Edit when every executor needs something new from the runner. A new step type adds a member to WorkSchema in
 * pipeline-spec/src/protocol.ts, an executor file here and a line in registry.ts.
 * @see src/worker/task-runner.ts  src/steps/registry.ts
 */
import type { Outcome, Progress, Task, Work } from "@slipway/pipeline-spec/protocol";

/** Where a step writes its output. Everything is masked and shipped by the runner. */
export interface StepLog {
  stdout(chunk: Uint8Array | string): void;
  stderr(chunk: Uint8Array | string): void;
  /** A line from the delegate itself ("attempt 2/4: GET … → 503 in 12 ms"), on the `system` stream. */
  system(line: string): void;
}

export interface StepContext {
  /** Aborts on cancel, timeout, lost lease or shutdown. The runner, not the executor, tells them apart. */
  signal: AbortSignal;
  log: StepLog;
  /** A fresh, empty folder for this task attempt, removed when the task ends. */
  workDir: string;
  /** The task's overall limit in ms (0 = none); the runner enforces it through `signal`. */
  timeoutMs: number;
  /**
   * The log of one lane, for steps that work on several targets at once (SSH: one lane per host). Its lines carry
   * the lane's name, and each lane is cut into lines on its own, so two hosts' output never mixes within a line.
   */
  lane(name: string): StepLog;
  /**
   * Where a multi-target step stands. The runner keeps only the latest, posts it at most a few times a second, and
   * always posts the last one before the result. Never throws, never blocks.
   */
  progress(progress: Progress): void;
  /** Which task attempt this is (1 for the first): an executor that converges names what it creates by it. */
  task: Pick<Task, "taskId" | "executionId" | "stepId" | "attempt">;
  /**
   * Outputs of the stage's steps that already succeeded, by step id: how a strategy's later steps find what its
   * first step created (the green service, the previous task definition).
   */
  stageOutputs: Task["stageOutputs"];
}

export interface StepResult {
  /** How the work ended, before any failure strategy. The runner overrides it for timeout and cancel. */
  outcome: Outcome;
  /** A process exit code, when there was a process. */
  exitCode: number | null;
  /** One line a person can act on: "exit code 2", "expected status 200, got 503 after 4 attempts". */
  message: string;
  outputs: Record<string, string>;
}

export interface StepExecutor<W extends Work = Work> {
  kind: W["kind"];
  run(work: W, ctx: StepContext): Promise<StepResult>;
}

export function stepResult(outcome: Outcome, message: string, exitCode: number | null = null): StepResult {
  return { outcome, exitCode, message, outputs: {} };
}
