/**
 * Keeps one task's lease: POST /tasks/:id/heartbeat every ~leaseTtl/3 with the fencing token, for as long as the
 * task is ours (work running, logs draining, result not yet stored). The answer says whether a cancel was asked,
 * which is how a cancel arrives when the stream is down.
 *
 * - 409 lease_lost (or conflict): the task is no longer ours → onLost, at once. (not_found is not: it may mean
 *   "unknown instance", which the worker's re-registration fixes.)
 * - studio unreachable: keep trying, soon after a failure (jittered backoff up to the normal interval). When
 *   `selfFenceAfterMs` has passed without a renewal (its own timer), onUnreachable tells the runner, which stops the
 *   work: past that point the studio may have handed the task to another delegate, and two deployments racing is
 *   worse than one stopped early.
 */
import type { Lease } from "@slipway/pipeline-spec/protocol";
import type { Logger } from "../logger";
import { isApiError, isTransient, type ApiClient, type ApiError } from "../transport/api-client";
import { Backoff, sleep } from "../transport/backoff";

export interface LeaseKeeperOptions {
  api: ApiClient;
  log: Logger;
  taskId: string;
  lease: Lease;
  leaseTtlMs: number;
  selfFenceAfterMs: number;
  onCancel(reason: string): void;
  onLost(err: ApiError): void;
  onUnreachable(sinceMs: number): void;
}

export class LeaseKeeper {
  private lease: Lease;
  private readonly stopped = new AbortController();
  private lastRenewed = Date.now();
  private fenceTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LeaseKeeperOptions) {
    this.lease = options.lease;
  }

  get fencingToken(): number {
    return this.lease.fencingToken;
  }

  start(): void {
    this.armFence();
    void this.loop();
  }

  stop(): void {
    clearTimeout(this.fenceTimer);
    this.stopped.abort();
  }

  /**
   * The self-fence fires `selfFenceAfterMs` after the last successful renewal, on its own timer. (It used to be
   * checked only when a renewal failed, every leaseTtl/3: with 30 s leases and a 25 s fence, failures at 10, 20 and
   * 30 s fenced at 30 s, when the studio's lease runs out and it may hand the task to another delegate — the very
   * overlap the fence exists to prevent. Found by server/engine/resilience/connections-cut.integration.test.ts.)
   */
  private armFence(): void {
    clearTimeout(this.fenceTimer);
    if (this.stopped.signal.aborted) return;
    const due = this.lastRenewed + this.options.selfFenceAfterMs - Date.now();
    this.fenceTimer = setTimeout(() => {
      if (!this.stopped.signal.aborted) this.options.onUnreachable(Date.now() - this.lastRenewed);
    }, Math.max(0, due));
    this.fenceTimer.unref?.();
  }

  private async loop(): Promise<void> {
    const { api, log, taskId } = this.options;
    const signal = this.stopped.signal;
    const every = Math.max(100, Math.floor(this.options.leaseTtlMs / 3));
    // After a failed renewal, try again soon (jittered, growing up to the normal interval) rather than a whole
    // interval later: one dropped connection must not cost a third of the lease (three in a row used to lose it).
    const retry = new Backoff({ initialMs: Math.min(1_000, every), capMs: every });
    let wait = every;
    // Bounded by stop(): the runner stops it when the task is reported or abandoned.
    while (!signal.aborted) {
      await sleep(wait, signal);
      if (signal.aborted) return;
      try {
        // No renewal may outlast its interval: a hung request would otherwise eat the lease's margin.
        const res = await api.taskHeartbeat(taskId, this.lease.fencingToken, AbortSignal.any([signal, AbortSignal.timeout(every)]));
        this.lease = res.lease;
        this.lastRenewed = Date.now();
        this.armFence();
        retry.reset();
        wait = every;
        if (res.cancel) this.options.onCancel(res.cancelReason ?? "cancel requested by the studio");
      } catch (err) {
        if (signal.aborted) return;
        const e = err as ApiError;
        if (isApiError(e, "unrecoverable") || (isApiError(e, "protocol") && !isTransient(e) && (e.code === "lease_lost" || e.code === "conflict"))) {
          this.options.onLost(e);
          return;
        }
        const since = Date.now() - this.lastRenewed;
        wait = retry.next();
        log.warn(`lease renewal failed (${Math.round(since / 1000)} s since the last one), retrying in ${wait} ms: ${e.message}`);
        if (since >= this.options.selfFenceAfterMs) this.options.onUnreachable(since);
      }
    }
  }
}
