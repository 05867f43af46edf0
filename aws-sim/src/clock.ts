/**
 * The simulated clock. Everything time-based in the sim (task start-up, health checks, draining, metric periods,
 * alarms) reads this clock, never `Date.now()`, so tests can compress a 30-minute rollout into a second
 * (`timeScale`) or step it exactly (`advance`).
 */

export interface SimClock {
  /** Simulated epoch milliseconds. */
  now(): number;
  /** Jumps simulated time forward and runs everything that became due, synchronously. */
  advance(ms: number): void;
  /** Simulated milliseconds per real millisecond; 0 freezes time so only `advance` moves it. */
  readonly timeScale: number;
  setTimeScale(scale: number): void;
}

export class Clock implements SimClock {
  private anchorSim: number;
  private anchorReal: number;
  private scale: number;
  /**
   * While the world replays elapsed seconds, `now()` must return the second being simulated, not the end of the
   * window, or everything scheduled during a long `advance()` would be stamped (and delayed) to its end.
   */
  private pinned: number | undefined;
  /** Called after every `advance` so the world can catch up before the caller looks at state. */
  onAdvance: (() => void) | undefined;

  constructor(startTime: number, timeScale: number) {
    if (!(timeScale >= 0)) throw new Error(`timeScale must be >= 0, got ${timeScale}`);
    this.anchorSim = startTime;
    this.anchorReal = performance.now();
    this.scale = timeScale;
  }

  now(): number {
    return this.pinned ?? this.live();
  }

  /** The clock's actual time, ignoring any pin. */
  live(): number {
    return Math.floor(this.anchorSim + (performance.now() - this.anchorReal) * this.scale);
  }

  /** Runs `fn` with `now()` fixed at `t`. */
  at(t: number, fn: () => void): void {
    const previous = this.pinned;
    this.pinned = t;
    try {
      fn();
    } finally {
      this.pinned = previous;
    }
  }

  get timeScale(): number {
    return this.scale;
  }

  setTimeScale(scale: number): void {
    if (!(scale >= 0)) throw new Error(`timeScale must be >= 0, got ${scale}`);
    // Re-anchor so the change applies from now on instead of rewriting the past.
    this.anchorSim = this.live();
    this.anchorReal = performance.now();
    this.scale = scale;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`advance(ms) needs ms >= 0, got ${ms}`);
    this.anchorSim += ms;
    this.onAdvance?.();
  }
}
