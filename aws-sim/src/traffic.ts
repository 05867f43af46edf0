/**
 * Simulated client traffic. Each load balancer receives a steady request stream (default 100 requests per simulated
 * second) that is routed like an ALB routes it: listener rules by priority, weighted forward across target groups,
 * round-robin over healthy targets (fail-open to unhealthy ones when none is healthy, 503 when none is registered).
 * Each request's status and latency come from the image behaviour of the task behind the target. The outcome feeds
 * CloudWatch's AWS/ApplicationELB metrics and a per-second history tests assert on.
 *
 * Weighted routing is deterministic (largest remainder with carry), not random, so "at 10% weight the new version
 * got 10% of requests" holds exactly instead of statistically.
 */
import { wildcardMatch } from "./elbv2/actions.js";
import { forwardWeights, type Target } from "./elbv2/model.js";
import { rulesOf } from "./elbv2/rules.js";
import type { ImageBehavior } from "./faults.js";
import type { World } from "./world.js";
import { dims } from "./cloudwatch/store.js";

export interface TrafficConfig {
  /** Requests per simulated second. */
  requestsPerSecond: number;
  /** Request path matched against path-pattern rule conditions. */
  path: string;
  /** Host header matched against host-header conditions; defaults to the load balancer's DNS name. */
  host?: string;
}

export interface TrafficSecond {
  /** Simulated epoch ms at the start of the second. */
  time: number;
  loadBalancerArn: string;
  listenerArn: string;
  /** Weights of the forward action that served this second, by target group ARN. */
  weights: Record<string, number>;
  requests: number;
  requestsByTargetGroup: Record<string, number>;
  requestsByImage: Record<string, number>;
  http5xxByImage: Record<string, number>;
  http5xxByTargetGroup: Record<string, number>;
  /** 503s the load balancer answered itself (no routable target). */
  elb5xx: number;
}

export interface TrafficFilter {
  loadBalancerArn?: string;
  /** Simulated epoch ms, inclusive. */
  since?: number;
  /** Simulated epoch ms, exclusive. */
  until?: number;
}

/** Requests observed per target group, for latency and status metrics. */
interface TgTally {
  requests: number;
  http5xx: number;
  latencySum: number;
  latencyMin: number;
  latencyMax: number;
  samples: number[];
}

const LATENCY_SAMPLES_PER_SECOND = 50;
const UNKNOWN_IMAGE = "unknown";

export class Traffic {
  private readonly configs = new Map<string, TrafficConfig>();
  private defaults: TrafficConfig = { requestsPerSecond: 100, path: "/" };
  private readonly seconds: TrafficSecond[] = [];
  private readonly rpsCarry = new Map<string, number>();
  private readonly weightCarry = new Map<string, number>();
  private readonly cursors = new Map<string, number>();

  constructor(private readonly world: World) {}

  /** Changes the stream of one load balancer, or the default for all when no ARN is given. */
  configure(config: Partial<TrafficConfig>, loadBalancerArn?: string): void {
    if (loadBalancerArn) this.configs.set(loadBalancerArn, { ...this.config(loadBalancerArn), ...config });
    else this.defaults = { ...this.defaults, ...config };
  }

  config(loadBalancerArn: string): TrafficConfig {
    return this.configs.get(loadBalancerArn) ?? this.defaults;
  }

  history(filter: TrafficFilter = {}): TrafficSecond[] {
    this.world.sync();
    return this.seconds.filter(
      (s) =>
        (!filter.loadBalancerArn || s.loadBalancerArn === filter.loadBalancerArn) &&
        (filter.since === undefined || s.time >= filter.since) &&
        (filter.until === undefined || s.time < filter.until),
    );
  }

  /**
   * The largest per-second share of requests that reached a target group or an image (matched exactly or as the
   * suffix after the registry path), over the filtered history. 0 when there was no traffic.
   */
  maxShare(match: { targetGroupArn?: string; image?: string }, filter: TrafficFilter = {}): number {
    let max = 0;
    for (const s of this.history(filter)) {
      if (s.requests === 0) continue;
      const n = match.targetGroupArn !== undefined
        ? (s.requestsByTargetGroup[match.targetGroupArn] ?? 0)
        : sumMatching(s.requestsByImage, match.image ?? "");
      max = Math.max(max, n / s.requests);
    }
    return max;
  }

  /** Totals over the filtered history. */
  totals(filter: TrafficFilter = {}): { requests: number; http5xx: number; elb5xx: number; byImage: Record<string, { requests: number; http5xx: number }> } {
    const out = { requests: 0, http5xx: 0, elb5xx: 0, byImage: {} as Record<string, { requests: number; http5xx: number }> };
    for (const s of this.history(filter)) {
      out.requests += s.requests;
      out.elb5xx += s.elb5xx;
      for (const [image, n] of Object.entries(s.requestsByImage)) {
        const row = (out.byImage[image] ??= { requests: 0, http5xx: 0 });
        row.requests += n;
        row.http5xx += s.http5xxByImage[image] ?? 0;
        out.http5xx += s.http5xxByImage[image] ?? 0;
      }
    }
    return out;
  }

  /** Simulates the second that ends at `t`. */
  tick(t: number): void {
    const start = t - 1000;
    for (const lb of this.world.elb.loadBalancers.values()) {
      const listener = [...this.world.elb.listeners.values()]
        .filter((l) => l.loadBalancerArn === lb.arn)
        .sort((a, b) => a.port - b.port)[0];
      if (!listener) continue;
      const config = this.config(lb.arn);
      const carry = (this.rpsCarry.get(lb.arn) ?? 0) + config.requestsPerSecond;
      const requests = Math.floor(carry);
      this.rpsCarry.set(lb.arn, carry - requests);

      const rule = rulesOf(this.world, listener.arn).find((r) => r.priority === "default" || this.matches(r.conditions, config, lb.dnsName));
      const forward = forwardWeights(rule && rule.priority !== "default" ? rule.actions : listener.defaultActions);
      const second: TrafficSecond = {
        time: start,
        loadBalancerArn: lb.arn,
        listenerArn: listener.arn,
        weights: Object.fromEntries(forward.map((w) => [w.TargetGroupArn, w.Weight])),
        requests,
        requestsByTargetGroup: {},
        requestsByImage: {},
        http5xxByImage: {},
        http5xxByTargetGroup: {},
        elb5xx: 0,
      };
      // All weights zero leaves the ALB nowhere to send requests: it answers 503 itself.
      if (forward.length > 0 && forward.every((w) => w.Weight === 0)) second.elb5xx += requests;
      const tallies: TgTally[] = [];
      for (const [tgArn, n] of this.split(lb.arn, forward, requests)) {
        const tally = this.serve(second, tgArn, n, lb.dimension, start);
        if (tally) tallies.push(tally);
      }
      this.publishLoadBalancer(second, lb.dimension, tallies);
      this.seconds.push(second);
    }
    const cutoff = t - this.world.metrics.retentionMs;
    while (this.seconds.length > 0 && this.seconds[0]!.time < cutoff) this.seconds.shift();
  }

  private matches(conditions: { Field: string; Values?: string[] }[], config: TrafficConfig, dnsName: string): boolean {
    return conditions.every((c) => {
      const values = c.Values ?? [];
      if (c.Field === "path-pattern") return values.some((v) => wildcardMatch(v, config.path));
      if (c.Field === "host-header") return values.some((v) => wildcardMatch(v, config.host ?? dnsName, true));
      return false;
    });
  }

  /** Largest-remainder split with carry, so long-run shares equal the weights exactly. */
  private split(lbArn: string, weights: { TargetGroupArn: string; Weight: number }[], requests: number): Map<string, number> {
    const total = weights.reduce((n, w) => n + w.Weight, 0);
    const out = new Map<string, number>();
    if (total === 0) return out;
    const exact = weights.map((w) => {
      const key = `${lbArn}|${w.TargetGroupArn}`;
      const value = (requests * w.Weight) / total + (this.weightCarry.get(key) ?? 0);
      return { key, arn: w.TargetGroupArn, value, floor: Math.floor(value) };
    });
    let left = requests - exact.reduce((n, e) => n + e.floor, 0);
    for (const e of [...exact].sort((a, b) => (b.value - b.floor) - (a.value - a.floor))) {
      if (left > 0 && e.value - e.floor > 0) {
        e.floor++;
        left--;
      }
    }
    for (const e of exact) {
      this.weightCarry.set(e.key, e.value - e.floor);
      out.set(e.arn, e.floor);
    }
    return out;
  }

  private serve(second: TrafficSecond, tgArn: string, n: number, lbDimension: string, start: number): TgTally | undefined {
    if (n === 0) return undefined;
    second.requestsByTargetGroup[tgArn] = (second.requestsByTargetGroup[tgArn] ?? 0) + n;
    const tg = this.world.elb.targetGroups.get(tgArn);
    const all = tg ? [...tg.targets.values()] : [];
    let routable = all.filter((x) => x.state === "healthy");
    if (routable.length === 0) routable = all.filter((x) => x.state === "unhealthy");
    if (!tg || routable.length === 0) {
      second.elb5xx += n;
      return undefined;
    }
    const tally: TgTally = { requests: 0, http5xx: 0, latencySum: 0, latencyMin: Infinity, latencyMax: 0, samples: [] };
    const behaviors = new Map<Target, { image: string; behavior: ImageBehavior }>();
    let cursor = this.cursors.get(tgArn) ?? 0;
    for (let i = 0; i < n; i++) {
      const target = routable[cursor++ % routable.length]!;
      let entry = behaviors.get(target);
      if (!entry) {
        const task = this.world.taskByIp(target.id);
        entry = { image: task?.image ?? UNKNOWN_IMAGE, behavior: this.world.faults.behaviorFor(task?.image, task?.familyRevision) };
        behaviors.set(target, entry);
      }
      const failed = this.world.rng.next() < entry.behavior.http5xxRate;
      const latency = this.latencySeconds(entry.behavior);
      second.requestsByImage[entry.image] = (second.requestsByImage[entry.image] ?? 0) + 1;
      if (failed) {
        second.http5xxByImage[entry.image] = (second.http5xxByImage[entry.image] ?? 0) + 1;
        second.http5xxByTargetGroup[tgArn] = (second.http5xxByTargetGroup[tgArn] ?? 0) + 1;
        tally.http5xx++;
      }
      tally.requests++;
      tally.latencySum += latency;
      tally.latencyMin = Math.min(tally.latencyMin, latency);
      tally.latencyMax = Math.max(tally.latencyMax, latency);
      if (tally.samples.length < LATENCY_SAMPLES_PER_SECOND) tally.samples.push(latency);
      else {
        const j = this.world.rng.int(tally.requests);
        if (j < LATENCY_SAMPLES_PER_SECOND) tally.samples[j] = latency;
      }
    }
    this.cursors.set(tgArn, cursor % Math.max(1, routable.length));
    this.publishTargetGroup(tally, { LoadBalancer: lbDimension, TargetGroup: tg.dimension }, start);
    return tally;
  }

  /** Log-normal latency through the configured p50 and p95, in seconds (TargetResponseTime's unit). */
  private latencySeconds(b: ImageBehavior): number {
    const { p50, p95 } = b.latencyMs;
    const sigma = p95 > p50 && p50 > 0 ? Math.log(p95 / p50) / 1.6449 : 0;
    return (p50 * Math.exp(sigma * this.world.rng.normal())) / 1000;
  }

  private publishTargetGroup(tally: TgTally, dimensions: Record<string, string>, t: number): void {
    const m = this.world.metrics;
    const d = dims(dimensions);
    const ok = tally.requests - tally.http5xx;
    // ALB publishes count metrics only for periods with non-zero counts; consumers must treat gaps as zero.
    m.put("AWS/ApplicationELB", "RequestCount", d, count(t, tally.requests), "Count");
    if (ok > 0) m.put("AWS/ApplicationELB", "HTTPCode_Target_2XX_Count", d, count(t, ok), "Count");
    if (tally.http5xx > 0) m.put("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", d, count(t, tally.http5xx), "Count");
    m.put("AWS/ApplicationELB", "TargetResponseTime", d, latencyPoint(t, [tally]), "Seconds");
  }

  private publishLoadBalancer(s: TrafficSecond, lbDimension: string, tallies: TgTally[]): void {
    const m = this.world.metrics;
    const d = dims({ LoadBalancer: lbDimension });
    const http5xx = Object.values(s.http5xxByTargetGroup).reduce((a, b) => a + b, 0);
    const served = s.requests - s.elb5xx;
    if (s.requests > 0) m.put("AWS/ApplicationELB", "RequestCount", d, count(s.time, s.requests), "Count");
    if (served - http5xx > 0) m.put("AWS/ApplicationELB", "HTTPCode_Target_2XX_Count", d, count(s.time, served - http5xx), "Count");
    if (http5xx > 0) m.put("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", d, count(s.time, http5xx), "Count");
    if (s.elb5xx > 0) m.put("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", d, count(s.time, s.elb5xx), "Count");
    if (tallies.length > 0) m.put("AWS/ApplicationELB", "TargetResponseTime", d, latencyPoint(s.time, tallies), "Seconds");
  }
}

function latencyPoint(t: number, tallies: TgTally[]) {
  return {
    t,
    sum: tallies.reduce((n, x) => n + x.latencySum, 0),
    count: tallies.reduce((n, x) => n + x.requests, 0),
    min: Math.min(...tallies.map((x) => x.latencyMin)),
    max: Math.max(...tallies.map((x) => x.latencyMax)),
    samples: tallies.flatMap((x) => x.samples),
  };
}

function count(t: number, n: number) {
  return { t, sum: n, count: n, min: 1, max: 1 };
}

function sumMatching(byImage: Record<string, number>, key: string): number {
  let n = 0;
  for (const [image, v] of Object.entries(byImage)) if (image === key || image.endsWith(`/${key}`)) n += v;
  return n;
}
