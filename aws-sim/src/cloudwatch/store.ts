/**
 * The metric store. Each datapoint is a statistic set (sum, count, min, max) with optional raw samples, which is
 * enough for Sum/Average/Minimum/Maximum/SampleCount over any period and for percentiles where samples exist.
 * Count metrics from the load balancer are stored as `count` samples of value 1, matching AWS's documentation that
 * Minimum/Maximum/Average of HTTPCode_Target_5XX_Count "all return 1".
 */

export interface Datapoint {
  /** Simulated epoch ms. */
  t: number;
  sum: number;
  count: number;
  min: number;
  max: number;
  /** Raw values for percentiles; absent for statistic sets. */
  samples?: number[];
}

export interface Dimension {
  Name: string;
  Value: string;
}

export interface MetricSeries {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  unit: string | undefined;
  points: Datapoint[];
}

export interface Bucket {
  sum: number;
  count: number;
  min: number;
  max: number;
  /** The datapoints in the bucket; percentiles are computed from them only when asked for. */
  points: Datapoint[];
}

export function seriesKey(namespace: string, metricName: string, dimensions: Dimension[]): string {
  const dims = [...dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  return `${namespace}\u0000${metricName}\u0000${dims.map((d) => `${d.Name}=${d.Value}`).join("\u0001")}`;
}

export function dims(record: Record<string, string>): Dimension[] {
  return Object.entries(record).map(([Name, Value]) => ({ Name, Value }));
}

export class MetricStore {
  private readonly series = new Map<string, MetricSeries>();

  constructor(public retentionMs: number) {}

  put(namespace: string, metricName: string, dimensions: Dimension[], point: Datapoint, unit?: string): void {
    const key = seriesKey(namespace, metricName, dimensions);
    let s = this.series.get(key);
    if (!s) {
      s = { namespace, metricName, dimensions: [...dimensions], unit, points: [] };
      this.series.set(key, s);
    }
    // Generated points arrive in time order; PutMetricData may backfill, so keep the array sorted.
    const last = s.points[s.points.length - 1];
    if (!last || last.t <= point.t) s.points.push(point);
    else s.points.splice(upperBound(s.points, point.t), 0, point);
  }

  find(namespace: string, metricName: string, dimensions: Dimension[]): MetricSeries | undefined {
    return this.series.get(seriesKey(namespace, metricName, dimensions));
  }

  all(): MetricSeries[] {
    return [...this.series.values()];
  }

  /** Buckets keyed by period start (aligned to multiples of the period since the epoch), for [start, end). */
  aggregate(series: MetricSeries | undefined, start: number, end: number, periodMs: number): Map<number, Bucket> {
    const out = new Map<number, Bucket>();
    if (!series) return out;
    const alignedStart = Math.floor(start / periodMs) * periodMs;
    for (let i = lowerBound(series.points, alignedStart); i < series.points.length; i++) {
      const p = series.points[i]!;
      if (p.t >= end) break;
      const key = Math.floor(p.t / periodMs) * periodMs;
      let b = out.get(key);
      if (!b) {
        b = { sum: 0, count: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, points: [] };
        out.set(key, b);
      }
      b.sum += p.sum;
      b.count += p.count;
      b.min = Math.min(b.min, p.min);
      b.max = Math.max(b.max, p.max);
      b.points.push(p);
    }
    return out;
  }

  prune(now: number): void {
    const cutoff = now - this.retentionMs;
    for (const s of this.series.values()) {
      const i = lowerBound(s.points, cutoff);
      if (i > 0) s.points.splice(0, i);
    }
  }
}

function lowerBound(points: Datapoint[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(points: Datapoint[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
