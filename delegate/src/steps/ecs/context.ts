/**
 * What the ECS and verify executors read from the runner's StepContext, and the clock they run on.
 *
 * `ctx.stageOutputs` is how ecsTrafficShift finds the green target group ecsDeploy chose; missing outputs fall back
 * to the infrastructure record. Hand-built contexts in narrow tests may leave out `task` and `stageOutputs`, so they
 * are read defensively here.
 *
 * The clock is injectable so tests and the benchmark can run a 10-minute canary on the simulator's virtual clock
 * (`now` = simulated time, `sleep` = advance it); in production it is the wall clock.
 */
import type { Progress, Task } from "@slipway/pipeline-spec/protocol";
import { sleep as realSleep } from "../../transport/backoff";
import type { StepContext } from "../types";

export type EcsProgress = Extract<Progress, { kind: "ecs" }>;
export type StageOutputs = Record<string, Record<string, string>>;

/** A StepContext as a narrow test may hand-build it: without the task's identity or outputs. */
type PartialStepContext = Omit<StepContext, "task" | "stageOutputs" | "progress"> & {
  progress?: (progress: Progress) => void;
  stageOutputs?: StageOutputs;
  task?: Partial<Pick<Task, "attempt">>;
};

export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** Resolves after `ms` (or at once when `signal` aborts). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const wallClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => realSleep(ms, signal),
};

export interface ExecutorOptions {
  clock?: Clock;
  /** Poll interval of steps whose work has none (scale-down, rollback of blue-green). Default 5 s. */
  defaultPollIntervalMs?: number;
  /** Longest wait for a deployment when the task has no timeout. Default 60 min. */
  maxWaitMs?: number;
}

export function stageOutputsOf(ctx: StepContext): StageOutputs {
  return (ctx as PartialStepContext).stageOutputs ?? {};
}

export function attemptOf(ctx: StepContext): number {
  return (ctx as PartialStepContext).task?.attempt ?? 1;
}

/**
 * Posts progress through the runner when it offers it. Phase changes always go out; repeats of the same phase at
 * most every `minGapMs` unless what they show changed (the runner throttles again on its side).
 */
export class ProgressReporter {
  private last: EcsProgress | null = null;
  private lastKey = "";
  private lastAt = 0;
  /** The newest update the throttle held back. */
  private pending: EcsProgress | null = null;

  constructor(
    private readonly ctx: StepContext,
    private readonly clock: Clock,
    private readonly minGapMs = 2_000,
  ) {}

  get current(): EcsProgress | null {
    return this.last;
  }

  post(p: EcsProgress, force = false): void {
    const key = JSON.stringify(p);
    const now = this.clock.now();
    const phaseChanged = this.last?.phase !== p.phase;
    if (!force && !phaseChanged && (key === this.lastKey || now - this.lastAt < this.minGapMs)) {
      if (key !== this.lastKey) this.pending = p;
      return;
    }
    this.send(p, key, now);
  }

  /** Sends whatever was held back by the throttle (before a result goes out). */
  flush(): void {
    if (this.pending) this.send(this.pending, JSON.stringify(this.pending), this.clock.now());
  }

  private send(p: EcsProgress, key: string, now: number): void {
    this.pending = null;
    this.last = p;
    this.lastKey = key;
    this.lastAt = now;
    const fn = (this.ctx as PartialStepContext).progress;
    if (typeof fn !== "function") return;
    try {
      fn.call(this.ctx, p);
    } catch {
      // Progress is a view; it never fails the work.
    }
  }
}
