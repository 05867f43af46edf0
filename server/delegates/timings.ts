/** The delegate protocol's clocks, in one place (sent to delegates at registration). */
export const DELEGATE_TIMINGS = {
  /** Delegate → studio liveness call. */
  heartbeatIntervalMs: 5_000,
  /** A delegate silent for this long is LOST: it gets no new work, and its leases run out on their own. */
  lostAfterMs: 15_000,
  /**
   * A task lease lasts this long after each renewal (the delegate renews every third of it). Long enough that a
   * studio restart does not cost running tasks; short enough that a dead delegate's step is retried within ~35 s.
   */
  leaseTtlMs: 30_000,
  /** The delegate stops a task on its own after this long without a successful renewal (< leaseTtlMs). */
  selfFenceAfterMs: 25_000,
  /** Poll interval for offers while a delegate's stream is down. */
  pollIntervalMs: 2_000,
  /** SSE keep-alive comment interval. */
  streamPingMs: 5_000,
} as const;
