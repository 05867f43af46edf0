/**
 * Evaluates MetricDataQueries (MetricStat and Expression) into series keyed by period start. Shared by
 * GetMetricData and alarm evaluation so both see the same numbers.
 */
import { list, num, obj, str, type Params } from "../input.js";
import type { World } from "../world.js";
import { cwError } from "./errors.js";
import { evaluate, type Series } from "./expressions.js";
import { isValidStat, statValue } from "./stats.js";
import type { Dimension } from "./store.js";

export interface QueryResult {
  id: string;
  label: string;
  series: Series;
  returnData: boolean;
}

export function validatePeriod(period: number | undefined, member: string): number {
  if (period === undefined || period <= 0 || !(period % 60 === 0 || [1, 5, 10, 20, 30].includes(period))) {
    throw cwError(
      "InvalidParameterValue",
      `The parameter ${member} must be a multiple of 60 or equal to 1, 5, 10, 20 or 30.`,
    );
  }
  return period;
}

export function dimensionsOf(value: unknown): Dimension[] {
  return list(value).map((d) => ({ Name: String(obj(d).Name), Value: String(obj(d).Value) }));
}

export function metricStatSeries(world: World, stat: Params, start: number, end: number, member: string): Series {
  const metric = obj(stat.Metric);
  const period = validatePeriod(num(stat.Period), `${member}.Period`);
  const statName = str(stat.Stat) ?? "";
  if (!isValidStat(statName)) {
    throw cwError("InvalidParameterValue", `The value ${statName} for parameter ${member}.Stat is not a valid statistic.`);
  }
  const series = world.metrics.find(str(metric.Namespace) ?? "", str(metric.MetricName) ?? "", dimensionsOf(metric.Dimensions));
  const out: Series = new Map();
  for (const [t, bucket] of world.metrics.aggregate(series, start, end, period * 1000)) {
    const v = statValue(bucket, statName);
    if (v !== undefined) out.set(t, v);
  }
  return out;
}

export function runQueries(world: World, queriesInput: unknown, start: number, end: number): QueryResult[] {
  const queries = list(queriesInput).map((q) => obj(q));
  if (queries.length === 0) throw cwError("MissingParameter", "The parameter MetricDataQueries is required.");
  if (queries.length > 500) throw cwError("InvalidParameterValue", "The collection MetricDataQueries must not have a size greater than 500.");
  const byId = new Map<string, Params>();
  queries.forEach((q, i) => {
    const id = str(q.Id) ?? "";
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(id)) {
      throw cwError("ValidationError", `The value ${id} for parameter MetricDataQueries.member.${i + 1}.Id is not valid.`);
    }
    if (byId.has(id)) throw cwError("ValidationError", `The value ${id} for parameter MetricDataQueries.member.${i + 1}.Id is not unique.`);
    if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
      throw cwError("ValidationError", `The parameter MetricDataQueries.member.${i + 1} must have exactly one of MetricStat or Expression.`);
    }
    byId.set(id, q);
  });
  const firstStat = queries.find((q) => q.MetricStat !== undefined);
  const periodSeconds = num(obj(firstStat?.MetricStat).Period) ?? num(queries[0]!.Period) ?? 60;
  const periodMs = validatePeriod(periodSeconds, "Period") * 1000;
  const timestamps: number[] = [];
  for (let t = Math.floor(start / periodMs) * periodMs; t < end; t += periodMs) timestamps.push(t);

  const done = new Map<string, Series>();
  const visiting = new Set<string>();
  const resolve = (id: string): Series => {
    const cached = done.get(id);
    if (cached) return cached;
    const q = byId.get(id);
    if (!q) throw cwError("ValidationError", `Unknown metric id ${id} in an expression.`);
    if (visiting.has(id)) throw cwError("ValidationError", `Circular dependency involving ${id}.`);
    visiting.add(id);
    const index = queries.indexOf(q) + 1;
    const series =
      q.MetricStat !== undefined
        ? metricStatSeries(world, obj(q.MetricStat), start, end, `MetricDataQueries.member.${index}.MetricStat`)
        : evaluate(String(q.Expression), {
            resolve,
            metricIds: () => queries.filter((x) => x.MetricStat !== undefined).map((x) => String(x.Id)),
            timestamps,
          });
    visiting.delete(id);
    done.set(id, series);
    return series;
  };

  return queries.map((q) => {
    const id = String(q.Id);
    const metricName = str(obj(obj(q.MetricStat).Metric).MetricName);
    return { id, label: str(q.Label) ?? metricName ?? id, series: resolve(id), returnData: q.ReturnData === undefined || String(q.ReturnData) !== "false" };
  });
}
