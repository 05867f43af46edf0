/** CloudWatch statistics over a bucket: Sum, Average, Minimum, Maximum, SampleCount and percentiles pNN(.NN). */
import type { Bucket } from "./store.js";

const BASIC = ["Sum", "Average", "Minimum", "Maximum", "SampleCount"];
const PERCENTILE = /^p(\d{1,2}(?:\.\d{1,2})?|100)$/;

export function isValidStat(stat: string): boolean {
  return BASIC.includes(stat) || PERCENTILE.test(stat);
}

export function statValue(bucket: Bucket, stat: string): number | undefined {
  switch (stat) {
    case "Sum":
      return bucket.sum;
    case "Average":
      return bucket.count > 0 ? bucket.sum / bucket.count : undefined;
    case "Minimum":
      return bucket.min;
    case "Maximum":
      return bucket.max;
    case "SampleCount":
      return bucket.count;
  }
  const match = PERCENTILE.exec(stat);
  return match ? percentile(bucket, Number(match[1])) : undefined;
}

/**
 * Nearest-rank percentile over the bucket's samples. A datapoint without samples counts as `count` copies of its
 * value when min = max (count metrics); a real statistic set (min ≠ max) makes percentiles unavailable, as in AWS.
 */
function percentile(bucket: Bucket, p: number): number | undefined {
  const weighted: [number, number][] = [];
  for (const point of bucket.points) {
    if (point.samples) for (const v of point.samples) weighted.push([v, 1]);
    else if (point.min === point.max) weighted.push([point.min, point.count]);
    else return undefined;
  }
  if (weighted.length === 0) return undefined;
  weighted.sort((a, b) => a[0] - b[0]);
  const total = weighted.reduce((n, [, w]) => n + w, 0);
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [v, w] of weighted) {
    seen += w;
    if (seen >= rank) return v;
  }
  return weighted[weighted.length - 1]![0];
}
