/**
 * The delegate's capacity: offers waiting to be claimed, claims in flight, and running tasks, never more than
 * `maxTasks` of the last two together. Offers are hints (from the stream or a poll), so duplicates are dropped and,
 * when too many wait, the oldest are forgotten — a later poll finds them again if they are still open.
 *
 * A claim is retried through studio hiccups with the *same* claimId, so a lost response cannot make the studio hand
 * out two leases, for up to one lease period: a claim that landed but whose answer was lost holds a lease that
 * long, and only our retry can pick it up. A refusal (409 conflict, 404) means someone else got it.
 *
 * Edit when claiming policy changes (priorities, per-kind limits).
 */
import { randomUUID } from "node:crypto";
import type { ClaimResponse } from "@slipway/pipeline-spec/protocol";
import type { Logger } from "../logger";
import { supportsKind, type ExecutorRegistry } from "../steps/registry";
import { isApiError, type ApiClient, type ApiError } from "../transport/api-client";
import { Backoff, type BackoffOptions } from "../transport/backoff";
import { TaskRunner } from "./task-runner";

const MAX_PENDING_OFFERS = 1_000;

export interface TaskSlotsOptions {
  api: ApiClient;
  log: Logger;
  maxTasks: number;
  executors: ExecutorRegistry;
  workDir: string;
  delegateName: string;
  /** From the latest registration. */
  leaseTtlMs: () => number;
  /** From the latest registration: stop a task's work after this long without a successful lease renewal. */
  selfFenceAfterMs: () => number;
  backoff?: BackoffOptions;
  reportDeadlineMs?: number;
  /** Aborted when the delegate stops for good. */
  signal: AbortSignal;
  onFatal(err: ApiError): void;
  /** Worth a poll: a task ended while every slot was taken and nothing is pending, or a claim was given up. */
  onIdleSlot(): void;
  /** Benchmarks: a claim's answer arrived (epoch ms), before the task starts. */
  onClaimed?(taskId: string, at: number): void;
}

export class TaskSlots {
  /** The work kinds this delegate can run, sent at registration so the studio offers only those. */
  get kinds(): string[] {
    return Object.keys(this.options.executors);
  }

  private readonly runners = new Map<string, TaskRunner>();
  private readonly claiming = new Set<string>();
  private readonly pending = new Map<string, string>();
  private readonly earlyCancels = new Map<string, string>();
  private waiters: (() => void)[] = [];
  private draining = false;
  private readonly log: Logger;

  constructor(private readonly options: TaskSlotsOptions) {
    this.log = options.log.child("worker");
  }

  get runningTaskIds(): string[] {
    return [...this.runners.keys()];
  }

  get load(): number {
    return Math.min(1, this.runners.size / this.options.maxTasks);
  }

  offer(taskId: string, kind: string): void {
    if (this.draining) return;
    if (!supportsKind(this.options.executors, kind)) return this.log.debug(`offer ignored: this delegate cannot run "${kind}"`, { taskId });
    if (this.runners.has(taskId) || this.claiming.has(taskId) || this.pending.has(taskId)) return;
    if (this.pending.size >= MAX_PENDING_OFFERS) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(taskId, kind);
    this.pump();
  }

  cancel(taskId: string, reason: string): void {
    this.pending.delete(taskId);
    if (this.claiming.has(taskId)) this.earlyCancels.set(taskId, reason);
    this.runners.get(taskId)?.cancel(reason);
  }

  /** Claim nothing more (shutdown, revoked). Running tasks are left alone. */
  stopClaiming(): void {
    this.draining = true;
    this.pending.clear();
  }

  forEachRunner(fn: (runner: TaskRunner) => void): void {
    this.runners.forEach(fn);
  }

  /** Resolves when no task runs, after `ms`, or when `cutShort` aborts, whichever is first. */
  async waitForRunners(ms: number, cutShort?: AbortSignal): Promise<void> {
    if (cutShort?.aborted) return;
    const timeUp = new AbortController();
    const wake = () => {
      timeUp.abort();
      this.notify();
    };
    const timer = setTimeout(wake, ms);
    cutShort?.addEventListener("abort", wake, { once: true });
    // Bounded by the timer.
    while (this.runners.size > 0 && !timeUp.signal.aborted) await new Promise<void>((r) => this.waiters.push(r));
    clearTimeout(timer);
    cutShort?.removeEventListener("abort", wake);
  }

  private notify(): void {
    this.waiters.splice(0).forEach((w) => w());
  }

  /** Claim pending offers while there is room. Claims in flight count against maxTasks. */
  private pump(): void {
    // Bounded by maxTasks and the pending map.
    while (!this.draining && this.pending.size > 0 && this.runners.size + this.claiming.size < this.options.maxTasks) {
      const taskId = this.pending.keys().next().value!;
      this.pending.delete(taskId);
      this.claiming.add(taskId);
      void this.claim(taskId).finally(() => {
        this.claiming.delete(taskId);
        this.earlyCancels.delete(taskId);
        this.pump();
      });
    }
  }

  private async claim(taskId: string): Promise<void> {
    const { api, signal } = this.options;
    const claimId = randomUUID(); // one id for every retry of this claim
    const backoff = new Backoff({ ...this.options.backoff, capMs: 5_000 });
    // Retry for a lease period, not a number of attempts. (It used to give up after 5 attempts, ~8 s: when the studio
    // had stored the claim but its answer was lost and the studio stayed unreachable that long, the step sat RUNNING
    // with nobody running it until its lease ran out and it failed. Found by
    // server/engine/resilience/partition.integration.test.ts.) Past the lease, a claim that landed has expired anyway.
    const deadline = Date.now() + this.options.leaseTtlMs();
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        const claim = await api.claim(taskId, claimId, signal);
        this.options.onClaimed?.(taskId, Date.now());
        return this.start(claim);
      } catch (err) {
        if (isApiError(err, "unrecoverable")) return this.options.onFatal(err);
        if (!isApiError(err, "retryable")) return this.log.debug(`offer not claimable: ${(err as Error).message}`, { taskId });
        if (Date.now() >= deadline) {
          this.log.warn(`claim failed, giving up after ${attempt} attempts: ${err.message}`, { taskId });
          return this.options.onIdleSlot(); // the task may still be open and will not be offered again: ask
        }
        this.log.warn(`claim failed, retrying with the same claim id: ${err.message}`, { taskId, attempt });
        await backoff.wait(signal);
      }
    }
  }

  private start(claim: ClaimResponse): void {
    const { task } = claim;
    const o = this.options;
    const runner = new TaskRunner({
      api: o.api,
      log: o.log,
      claim,
      leaseTtlMs: o.leaseTtlMs(),
      selfFenceAfterMs: o.selfFenceAfterMs(),
      workDir: o.workDir,
      delegateName: o.delegateName,
      executors: o.executors,
      backoff: o.backoff,
      reportDeadlineMs: o.reportDeadlineMs,
      onUnrecoverable: (err) => o.onFatal(err),
    });
    this.runners.set(task.taskId, runner);
    this.log.info(`claimed task ${task.taskId}`, { kind: task.work.kind, attempt: task.attempt, running: this.runners.size });
    const early = this.earlyCancels.get(task.taskId);
    if (early) runner.cancel(early);
    void runner.done.finally(() => {
      // Full until now: the studio left this delegate out of the placements it made meanwhile, so ask what is open.
      // (When it was not full it was offered everything it may take, and the stream or the poll fallback delivered it.)
      const wasFull = this.runners.size + this.claiming.size >= o.maxTasks;
      this.runners.delete(task.taskId);
      this.notify();
      if (this.draining) return;
      if (this.pending.size === 0 && wasFull) o.onIdleSlot();
      this.pump();
    });
  }
}
