/**
 * Runs one claimed task from start to reported result (actions/runner's JobRunner, one per task). It owns the
 * task's AbortController, its lease (lease-keeper.ts), its log pipeline (task-log.ts → log-shipper.ts) and its
 * timeout, and it keeps timeout, cancel and failure distinct:
 *
 *   work ends by itself      → the executor's outcome (success / failure)
 *   task.timeoutMs passes    → timedOut      (work aborted)
 *   cancel (stream, lease heartbeat, delegate heartbeat, shutdown) → cancelled (work aborted)
 *   lease lost / token revoked → abandoned: work aborted at once, nothing reported (it is not ours any more)
 *
 * The result goes out only after every log chunk is acknowledged, and both are retried through studio outages
 * (bounded by `reportDeadlineMs`).
 *
 * Edit when the life of a task changes. Transport details belong in src/transport, step details in src/steps.
 * @see actions/runner src/Runner.Worker/StepsRunner.cs  docs/adr (outcome vs conclusion)
 */
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ClaimResponse } from "@slipway/pipeline-spec/protocol";
import type { Logger } from "../logger";
import { LogShipper } from "../logs/log-shipper";
import { runWork, type ExecutorRegistry } from "../steps/registry";
import { stepResult, type StepResult } from "../steps/types";
import { ApiError, isApiError, isTransient, type ApiClient } from "../transport/api-client";
import { Backoff, type BackoffOptions } from "../transport/backoff";
import { LeaseKeeper } from "./lease-keeper";
import { ProgressPoster } from "./progress-poster";
import { TaskLog } from "./task-log";

export interface TaskRunnerOptions {
  api: ApiClient;
  log: Logger;
  claim: ClaimResponse;
  leaseTtlMs: number;
  /** Stop the work after this long without a successful lease renewal (the studio's selfFenceAfterMs). */
  selfFenceAfterMs: number;
  /** The delegate's work dir; the task gets a fresh folder inside it. */
  workDir: string;
  delegateName: string;
  executors: ExecutorRegistry;
  backoff?: BackoffOptions;
  /** Give up reporting after this long (default 15 min). */
  reportDeadlineMs?: number;
  /** The token is bad: the whole delegate must stop. */
  onUnrecoverable(err: ApiError): void;
}

type StopReason = { kind: "timeout" } | { kind: "cancel"; reason: string } | { kind: "fence"; sinceMs: number } | { kind: "abandon"; reason: string };

export class TaskRunner {
  readonly taskId: string;
  readonly done: Promise<void>;
  private readonly work = new AbortController();
  private readonly halt = new AbortController();
  private stopReason: StopReason | null = null;
  private workFinished = false;
  private taskLog: TaskLog | null = null;
  private progress: ProgressPoster | null = null;
  private readonly log: Logger;

  constructor(private readonly options: TaskRunnerOptions) {
    this.taskId = options.claim.task.taskId;
    this.log = options.log.child(`task ${this.taskId}`);
    this.done = this.run().catch((err: unknown) => this.log.error(`task runner crashed: ${(err as Error).stack ?? String(err)}`));
  }

  /** Stop the work and report it cancelled. Ignored once the work has ended on its own. */
  cancel(reason: string): void {
    if (this.workFinished || this.stopReason) return;
    this.stopReason = { kind: "cancel", reason };
    this.log.info(`cancelling: ${reason}`);
    this.taskLog?.system(`Cancel requested: ${reason}`);
    this.work.abort();
  }

  /** The task is not ours any more (lease lost, token revoked): stop now, report nothing. */
  abandon(reason: string): void {
    if (this.halt.signal.aborted) return;
    this.log.warn(`abandoning: ${reason}; stopping the work and reporting nothing`);
    this.stopReason = { kind: "abandon", reason };
    this.work.abort();
    this.halt.abort();
  }

  private async run(): Promise<void> {
    const options = this.options;
    const { api } = options;
    const { task, lease } = options.claim;
    const folder = `${task.taskId.replace(/[^A-Za-z0-9_.-]/g, "_")}-${task.attempt}-${randomBytes(4).toString("hex")}`;
    const taskDir = join(options.workDir, "tasks", folder);
    await mkdir(taskDir, { recursive: true, mode: 0o700 });

    const keeper = new LeaseKeeper({
      api,
      log: this.log,
      taskId: task.taskId,
      lease,
      leaseTtlMs: options.leaseTtlMs,
      selfFenceAfterMs: options.selfFenceAfterMs,
      onCancel: (reason) => this.cancel(reason),
      onLost: (err) => this.onApiFailure(err),
      onUnreachable: (sinceMs) => this.fence(sinceMs),
    });
    const shipper = new LogShipper({
      sink: (body, signal) => api.appendLogs(task.taskId, body, signal),
      log: this.log,
      firstSeq: task.nextLogSeq,
      fencingToken: () => keeper.fencingToken,
      spillPath: join(options.workDir, "spill", `${folder}.jsonl`),
      backoff: options.backoff,
      onFatal: (err) => this.onApiFailure(err),
    });
    const taskLog = new TaskLog({ mask: task.mask, shipper, log: this.log });
    this.taskLog = taskLog;
    const progress = new ProgressPoster({ log: this.log, send: async (p, signal) => void (await api.progress(task.taskId, { fencingToken: keeper.fencingToken, progress: p }, signal)) });
    this.progress = progress;
    keeper.start();
    try {
      taskLog.system(`Attempt ${task.attempt} starting on delegate ${options.delegateName} (${task.work.kind} step ${task.stepId})`);
      const result = await this.execute(taskDir);
      await rm(taskDir, { recursive: true, force: true }).catch(() => {});
      if (this.halt.signal.aborted) return;
      taskLog.system(`Finished: ${result.outcome} (${result.message})`);
      taskLog.close();
      // The final progress goes out before the result, so the view never ends on a stale state.
      await progress.flush();
      await this.report(result, shipper, keeper);
    } finally {
      keeper.stop();
      progress.dispose();
      shipper.dispose();
      await rm(taskDir, { recursive: true, force: true }).catch(() => {});
    }
  }

  private async execute(taskDir: string): Promise<StepResult> {
    const { task } = this.options.claim;
    const timer =
      task.timeoutMs > 0
        ? setTimeout(() => {
            if (this.stopReason || this.workFinished) return;
            this.stopReason = { kind: "timeout" };
            this.taskLog?.system(`Timed out after ${formatMs(task.timeoutMs)}: stopping`);
            this.work.abort();
          }, task.timeoutMs)
        : undefined;
    let result: StepResult;
    try {
      const taskLog = this.taskLog!;
      const progress = this.progress!;
      result = await runWork(this.options.executors, task.work, {
        signal: this.work.signal,
        log: taskLog,
        workDir: taskDir,
        timeoutMs: task.timeoutMs,
        lane: (name) => taskLog.lane(name),
        progress: (p) => progress.update(p),
        task: { taskId: task.taskId, executionId: task.executionId, stepId: task.stepId, attempt: task.attempt },
        stageOutputs: task.stageOutputs,
      });
    } catch (err) {
      result = stepResult("failure", `delegate error: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
      this.workFinished = true;
    }
    // Why the work stopped decides the outcome, not how the process died (actions/runner's timeout vs cancel).
    const why = this.stopReason;
    if (why?.kind === "timeout") return { ...result, outcome: "timedOut", message: `timed out after ${formatMs(task.timeoutMs)}` };
    if (why?.kind === "cancel") return { ...result, outcome: "cancelled", message: `cancelled: ${why.reason}` };
    if (why?.kind === "fence") return { ...result, outcome: "failure", message: `stopped: the lease could not be renewed for ${Math.round(why.sinceMs / 1000)} s` };
    return result;
  }

  private async report(result: StepResult, shipper: LogShipper, keeper: LeaseKeeper): Promise<void> {
    const signal = this.halt.signal;
    const deadline = Date.now() + (this.options.reportDeadlineMs ?? 15 * 60_000);
    const backoff = new Backoff(this.options.backoff);
    let logNote = "";
    let lastLogSeq = (): number => (logNote ? shipper.ackedThrough : shipper.lastSeq);
    // Bounded by the deadline; each turn waits for the logs or a backoff delay.
    while (!signal.aborted && Date.now() < deadline) {
      try {
        if (!logNote) await shipper.drained(AbortSignal.any([signal, AbortSignal.timeout(Math.max(0, deadline - Date.now()))]));
      } catch (err) {
        // Logs cannot be delivered (lease lost is handled by abandon): report anyway, with what is stored.
        logNote = ` (some log lines could not be stored: ${(err as Error).message})`;
      }
      if (signal.aborted) return;
      if (!logNote && shipper.ackedThrough < shipper.lastSeq) continue; // drained() timed out on the deadline
      try {
        await this.options.api.result(
          this.taskId,
          {
            fencingToken: keeper.fencingToken,
            outcome: result.outcome,
            exitCode: result.exitCode,
            // The message and outputs leave the delegate too: mask them like the log.
            message: this.taskLog!.redact(result.message + logNote).slice(0, 2000),
            lastLogSeq: lastLogSeq(),
            outputs: Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, this.taskLog!.redact(v)])),
          },
          signal,
        );
        this.log.info(`reported ${result.outcome}: ${result.message}`);
        return;
      } catch (err) {
        if (signal.aborted) return;
        const e = err instanceof ApiError ? err : new ApiError("retryable", String(err));
        if (e.code === "logs_incomplete") {
          const expected = e.expectedSeq ?? shipper.ackedThrough + 1;
          if (expected - 1 < shipper.ackedThrough) {
            // The studio lost chunks it had acknowledged; we no longer have them. Report what it does have.
            logNote = " (the studio lost log lines it had acknowledged)";
            lastLogSeq = () => expected - 1;
          } else {
            shipper.resendFrom(expected);
          }
          await backoff.wait(signal); // never a hot loop, even against a confused studio
          continue;
        }
        if (e.code === "conflict") return this.log.warn(`the studio already has a result for this attempt: ${e.message}`);
        if (isTransient(e)) {
          this.log.warn(`reporting the result failed, will retry: ${e.message}`);
          await backoff.wait(signal);
          continue;
        }
        this.onApiFailure(e);
        if (!signal.aborted) this.log.error(`the studio refused the result: ${e.message}`);
        return;
      }
    }
    if (!signal.aborted) this.log.error("gave up reporting the result: the studio stayed unreachable past the report deadline");
  }

  /** A call about this task was refused for good: lease lost (abandon) or token revoked (abandon + stop delegate). */
  private onApiFailure(err: ApiError): void {
    if (isApiError(err, "unrecoverable")) {
      this.abandon(err.message);
      this.options.onUnrecoverable(err);
    } else if (err.code === "lease_lost") {
      this.abandon(`lease lost: ${err.message}`);
    }
  }

  private fence(sinceMs: number): void {
    if (this.workFinished || this.stopReason) return;
    this.stopReason = { kind: "fence", sinceMs };
    this.log.error(`lease not renewed for ${Math.round(sinceMs / 1000)} s: stopping the work so it cannot run twice`);
    this.work.abort();
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
