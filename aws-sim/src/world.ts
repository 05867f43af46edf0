/**
 * The simulated AWS account: all service state plus the clock that drives it. Time-based behaviour runs in
 * one-second simulated ticks; `sync()` runs every tick up to the clock's current time and is called before every
 * API call, on a real-time timer, and after `clock.advance()`, so callers always observe a consistent present.
 */
import { type Alarm, evaluateAlarm } from "./cloudwatch/alarms.js";
import { publishMinuteMetrics } from "./cloudwatch/periodic.js";
import { MetricStore } from "./cloudwatch/store.js";
import { Clock } from "./clock.js";
import { EcsEventLog } from "./ecs/event-log.js";
import { createEcsState, type EcsSettings, type EcsState, type Task } from "./ecs/model.js";
import { tickEcs } from "./ecs/scheduler.js";
import { createElbState, type ElbState } from "./elbv2/model.js";
import { tickTargets } from "./elbv2/targets.js";
import { Faults } from "./faults.js";
import { Ids } from "./ids.js";
import type { Params } from "./input.js";
import { Journal } from "./journal.js";
import { Rng } from "./rng.js";
import { Traffic } from "./traffic.js";

/** A service operation: decoded parameters in, result object out (Dates become the protocol's timestamps). */
export type Handler = (world: World, params: Params) => unknown;

export interface WorldOptions {
  region?: string;
  /** Simulated ms per real ms; 0 freezes time (only `clock.advance` moves it). Default 1. */
  timeScale?: number;
  /** Simulated epoch ms at start. Default: the current real time, floored to the minute. */
  startTime?: number;
  /** Seed for every random choice (ids, 5xx draws, latencies). Default 1. */
  randomSeed?: number;
  /** ECS timings and the circuit-breaker threshold override. */
  ecs?: Partial<EcsSettings>;
  /** How long metrics and traffic history are kept, in simulated ms. Default 6 h. */
  retentionMs?: number;
  /** Default requests per simulated second for every load balancer. Default 100. */
  requestsPerSecond?: number;
}

export class World {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly ids: Ids;
  readonly faults = new Faults();
  readonly journal = new Journal();
  readonly ecs: EcsState;
  readonly ecsLog = new EcsEventLog();
  readonly elb: ElbState = createElbState();
  readonly metrics: MetricStore;
  readonly alarms = new Map<string, Alarm>();
  readonly traffic: Traffic;
  /** The last simulated second (epoch ms, multiple of 1000) already processed. */
  private processed: number;
  private syncing = false;

  constructor(options: WorldOptions = {}) {
    const start = options.startTime ?? Math.floor(Date.now() / 60_000) * 60_000;
    this.clock = new Clock(start, options.timeScale ?? 1);
    this.clock.onAdvance = () => this.sync();
    this.rng = new Rng(options.randomSeed ?? 1);
    this.ids = new Ids(options.region ?? "us-east-1", this.rng);
    this.ecs = createEcsState(options.ecs);
    this.metrics = new MetricStore(options.retentionMs ?? 6 * 3600_000);
    this.traffic = new Traffic(this);
    if (options.requestsPerSecond !== undefined) this.traffic.configure({ requestsPerSecond: options.requestsPerSecond });
    this.processed = Math.floor(start / 1000) * 1000;
  }

  /** Runs every whole simulated second that has elapsed since the last sync. */
  sync(): void {
    if (this.syncing) return;
    this.syncing = true;
    try {
      const now = this.clock.live();
      while (this.processed + 1000 <= now) {
        const t = (this.processed += 1000);
        this.clock.at(t, () => this.tick(t));
      }
    } finally {
      this.syncing = false;
    }
  }

  private tick(t: number): void {
    tickEcs(this, t);
    tickTargets(this, t);
    this.traffic.tick(t);
    if (t % 60_000 === 0) {
      publishMinuteMetrics(this, t);
      for (const alarm of this.alarms.values()) evaluateAlarm(this, alarm, t);
      this.metrics.prune(t);
    }
  }

  private readonly tasksByIp = new Map<string, Task>();

  /** The task that last held an ENI address; targets are looked up by IP just as an ALB only knows IPs. */
  taskByIp(ip: string): Task | undefined {
    return this.tasksByIp.get(ip);
  }

  /** Hands out a private IP no live task holds and records the task as its owner. */
  assignIp(task: Task): void {
    let ip = this.ids.privateIp();
    while (this.tasksByIp.get(ip) && this.tasksByIp.get(ip)!.lastStatus !== "STOPPED") ip = this.ids.privateIp();
    task.ip = ip;
    this.tasksByIp.set(ip, task);
  }
}
