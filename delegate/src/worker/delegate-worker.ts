/**
 * The delegate's main loop (buildkite's AgentWorker, actions/runner's Listener): register, then keep three things
 * going until told to stop — the notification stream (or polling while it is down), the delegate heartbeat, and
 * claiming offered tasks while there is capacity. Each claimed task runs in its own TaskRunner; this loop never
 * runs step code, so a misbehaving step cannot stall the connection.
 *
 *   offer (stream / poll) ─▶ pending ─▶ claim (idempotent claimId, ≤ maxTasks at once) ─▶ TaskRunner
 *   task.cancel / heartbeat stopTaskIds ─▶ runner.cancel      revoked / 401 ─▶ abandon all, exit 1
 *   stop() (SIGTERM) ─▶ claim nothing more, let tasks finish (grace), cancel the rest, exit 0
 *
 * Edit when the delegate's lifecycle changes. Per-task behaviour is in task-runner.ts; transport in src/transport.
 * @see buildkite/agent agent/agent_worker.go  src/transport/sse-client.ts
 */
import { appendFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import type { RegisterResponse, StreamEvent } from "@slipway/pipeline-spec/protocol";
import type { DelegateConfig } from "../config";
import type { Logger } from "../logger";
import { createExecutors } from "../steps/registry";
import { ApiClient, ApiError, isApiError } from "../transport/api-client";
import { Backoff, sleep, type BackoffOptions } from "../transport/backoff";
import { PollFallback } from "../transport/poll-fallback";
import { SseClient } from "../transport/sse-client";
import { DELEGATE_VERSION } from "../version";
import type { TaskRunner } from "./task-runner";
import { TaskSlots } from "./task-slots";

/** Timings that are not user settings: defaults for production, shrunk by tests. */
export interface WorkerTuning {
  backoff?: BackoffOptions;
  /** Expected interval of the studio's keepalives; 3 missed = dead stream (default 5 s). */
  sseKeepaliveMs?: number;
  /** SIGTERM → SIGKILL for shell steps (default 10 s). */
  shellKillGraceMs?: number;
  /** How long stop() lets running tasks finish before cancelling them (default 30 s). */
  shutdownGraceMs?: number;
  reportDeadlineMs?: number;
  requestTimeoutMs?: number;
  /**
   * Benchmarks (SLIPWAY_DELEGATE_TRACE_CLAIMS): append "offered <taskId> <epoch ms>" when an offer arrives on the
   * stream and "claimed <taskId> <epoch ms>" when a claim's answer arrives.
   */
  traceClaimsFile?: string;
}

export interface DelegateWorkerOptions {
  config: DelegateConfig;
  log: Logger;
  tuning?: WorkerTuning;
  /** The pid shell watchdogs watch (default: this process). */
  delegatePid?: number;
}

export type WorkerExit = { code: 0 } | { code: 1; reason: string };

export class DelegateWorker {
  private readonly api: ApiClient;
  private readonly log: Logger;
  private readonly loops = new AbortController();
  private readonly slots: TaskSlots;
  private timings: RegisterResponse | null = null;
  private exit: WorkerExit | null = null;
  private finish!: () => void;
  private readonly finished = new Promise<void>((resolve) => (this.finish = resolve));
  private stopping: Promise<void> | null = null;
  /** Aborted by a second stop request: skip the rest of the grace period. */
  private readonly hurry = new AbortController();
  private readonly sse: SseClient;
  private readonly poll: PollFallback;

  constructor(private readonly options: DelegateWorkerOptions) {
    const { config, tuning = {} } = options;
    this.log = options.log.child("worker");
    this.api = new ApiClient({ url: config.url, token: config.token, userAgent: `slipway-delegate/${DELEGATE_VERSION}`, requestTimeoutMs: tuning.requestTimeoutMs });
    this.sse = new SseClient({
      api: this.api,
      log: options.log.child("sse"),
      backoff: new Backoff(tuning.backoff),
      keepaliveMs: () => tuning.sseKeepaliveMs ?? this.timings?.streamKeepaliveMs ?? 5_000,
      onEvent: (event) => this.onStreamEvent(event),
      onStateChange: (up) => {
        this.poll.setStreamUp(up);
        if (up) void this.poll.pollOnce(this.loops.signal); // offers made while nobody listened
      },
    });
    this.poll = new PollFallback({
      api: this.api,
      log: options.log.child("poll"),
      intervalMs: () => this.timings?.pollIntervalMs ?? 5_000,
      onOffers: (tasks) => tasks.forEach((t) => this.slots.offer(t.taskId, t.kind)),
      onFatal: (err) => this.fatal(err),
    });
    this.slots = new TaskSlots({
      api: this.api,
      log: options.log,
      maxTasks: config.maxTasks,
      executors: createExecutors({ baseEnv: config.baseEnv, killGraceMs: tuning.shellKillGraceMs, delegatePid: options.delegatePid ?? process.pid }),
      workDir: config.workDir,
      delegateName: config.name,
      leaseTtlMs: () => this.timings?.leaseTtlMs ?? 30_000,
      selfFenceAfterMs: () => this.timings?.selfFenceAfterMs ?? 25_000,
      backoff: tuning.backoff,
      reportDeadlineMs: tuning.reportDeadlineMs,
      signal: this.loops.signal,
      onFatal: (err) => this.fatal(err),
      onIdleSlot: () => void this.poll.pollOnce(this.loops.signal),
      onClaimed: tuning.traceClaimsFile ? (taskId, at) => this.trace("claimed", taskId, at) : undefined,
    });
  }

  get runningTaskIds(): string[] {
    return this.slots.runningTaskIds;
  }

  /** Runs until stop() or an unrecoverable error. Never rejects. */
  async run(): Promise<WorkerExit> {
    try {
      await mkdir(this.options.config.workDir, { recursive: true });
      await this.register();
      if (this.loops.signal.aborted) return this.exit ?? { code: 0 };
      this.poll.setStreamUp(false); // poll until the stream is up
      void this.sse.run(this.loops.signal).catch((err: unknown) => this.fatal(err));
      void this.heartbeatLoop();
      await this.finished;
    } catch (err) {
      this.fatal(err);
      await this.finished;
    }
    return this.exit ?? { code: 0 };
  }

  /**
   * Graceful stop: claim nothing more, let tasks finish for `graceMs`, cancel the rest, then end run(). Calling it
   * again with 0 (a second SIGTERM) cuts the wait short.
   */
  stop(graceMs = this.options.tuning?.shutdownGraceMs ?? 30_000): Promise<void> {
    if (graceMs === 0) this.hurry.abort();
    this.stopping ??= this.shutdown(graceMs, (r) => r.cancel("the delegate is shutting down"));
    return this.stopping;
  }

  private async shutdown(graceMs: number, stopRunner: (r: TaskRunner) => void): Promise<void> {
    this.slots.stopClaiming();
    const running = this.slots.runningTaskIds.length;
    if (running > 0 && graceMs > 0) {
      this.log.info(`stopping: waiting up to ${Math.round(graceMs / 1000)} s for ${running} running task(s)`);
      await this.slots.waitForRunners(graceMs, this.hurry.signal);
    }
    if (this.slots.runningTaskIds.length > 0) {
      this.slots.forEachRunner(stopRunner);
      // Bounded: the kill grace of shell steps plus time to report.
      await this.slots.waitForRunners((this.options.tuning?.shellKillGraceMs ?? 10_000) + 20_000);
    }
    this.slots.forEachRunner((r) => r.abandon("the delegate is exiting"));
    this.poll.stop();
    this.loops.abort();
    this.finish();
  }

  private fatal(err: unknown): void {
    if (this.exit) return;
    const reason = err instanceof Error ? err.message : String(err);
    this.exit = { code: 1, reason };
    this.log.error(`stopping: ${reason}`);
    // Revoked or unknown token: nothing we send will be accepted, so stop the work without reporting.
    this.stopping = this.shutdown(0, (r) => r.abandon(reason));
  }

  private async register(): Promise<void> {
    const { config } = this.options;
    const backoff = new Backoff(this.options.tuning?.backoff);
    // Bounded by stop(): a delegate started before its studio keeps knocking, politely.
    while (!this.loops.signal.aborted) {
      try {
        const res = await this.api.register(
          { name: config.name, tags: config.tags, maxTasks: config.maxTasks, version: DELEGATE_VERSION, hostname: hostname(), runningTaskIds: this.runningTaskIds, kinds: this.slots.kinds },
          this.loops.signal,
        );
        this.timings = res;
        this.api.setDelegateId(res.delegateId);
        this.log.info("registered", { delegateId: res.delegateId, heartbeatMs: res.heartbeatIntervalMs, leaseTtlMs: res.leaseTtlMs });
        return;
      } catch (err) {
        if (!isApiError(err, "retryable")) throw err;
        const delay = await backoff.wait(this.loops.signal);
        this.log.warn(`registration failed, retrying: ${err.message}`, { afterMs: delay });
      }
    }
  }

  private async heartbeatLoop(): Promise<void> {
    // Bounded by the loops' signal.
    while (!this.loops.signal.aborted) {
      await sleep(this.timings?.heartbeatIntervalMs ?? 10_000, this.loops.signal);
      if (this.loops.signal.aborted) return;
      try {
        const res = await this.api.heartbeat({ runningTaskIds: this.runningTaskIds, load: this.slots.load }, this.loops.signal);
        for (const id of res.stopTaskIds) this.slots.cancel(id, "the studio asked this delegate to stop it");
      } catch (err) {
        if (isApiError(err, "unrecoverable")) return this.fatal(err);
        if (isApiError(err, "protocol") && err.code === "unknown_instance") {
          this.log.warn("the studio no longer knows this instance: registering again");
          await this.register().catch((e: unknown) => this.fatal(e));
          this.sse.resetLastEventId(); // a new instance has its own event sequence
          this.sse.reconnectNow();
        } else if (!this.loops.signal.aborted) {
          this.log.warn(`heartbeat failed: ${(err as Error).message}`);
        }
      }
    }
  }

  private trace(what: "offered" | "claimed", taskId: string, at: number): void {
    const file = this.options.tuning?.traceClaimsFile;
    if (file) appendFileSync(file, `${what} ${taskId} ${at}\n`);
  }

  private onStreamEvent(event: StreamEvent): void {
    switch (event.type) {
      case "hello":
        this.log.debug("stream says hello", { delegateId: event.delegateId });
        break;
      case "task.offered":
        this.trace("offered", event.taskId, Date.now());
        if (!this.exit) this.slots.offer(event.taskId, event.kind);
        break;
      case "task.cancel":
        this.slots.cancel(event.taskId, event.reason);
        break;
      case "revoked":
        this.fatal(new ApiError("unrecoverable", `the studio revoked this delegate: ${event.reason}`, null, "revoked"));
        break;
    }
  }
}
