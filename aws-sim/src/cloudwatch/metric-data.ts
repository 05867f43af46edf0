/** GetMetricData, GetMetricStatistics, PutMetricData, ListMetrics. */
import { list, num, obj, str, strList, time, type Params } from "../input.js";
import { XML_MAP } from "../protocols/query.js";
import type { World } from "../world.js";
import { cwError } from "./errors.js";
import { dimensionsOf, runQueries, validatePeriod } from "./query-engine.js";
import { isValidStat, statValue } from "./stats.js";

function timeRange(p: Params): { start: number; end: number } {
  const start = time(p.StartTime);
  const end = time(p.EndTime);
  if (start === undefined) throw cwError("MissingParameter", "The parameter StartTime is required.");
  if (end === undefined) throw cwError("MissingParameter", "The parameter EndTime is required.");
  if (start >= end) throw cwError("ValidationError", "The parameter StartTime must be less than the parameter EndTime.");
  return { start, end };
}

function getMetricData(world: World, p: Params) {
  const { start, end } = timeRange(p);
  const descending = (str(p.ScanBy) ?? "TimestampDescending") === "TimestampDescending";
  const results = runQueries(world, p.MetricDataQueries, start, end)
    .filter((r) => r.returnData)
    .map((r) => {
      const times = [...r.series.keys()].sort((a, b) => a - b);
      if (descending) times.reverse();
      return {
        Id: r.id,
        Label: r.label,
        Timestamps: times.map((t) => new Date(t)),
        Values: times.map((t) => r.series.get(t)!),
        StatusCode: "Complete",
        Messages: [],
      };
    });
  return { MetricDataResults: results, Messages: [] };
}

function getMetricStatistics(world: World, p: Params, xml: boolean) {
  const { start, end } = timeRange(p);
  const period = validatePeriod(num(p.Period), "Period");
  const statistics = strList(p.Statistics);
  const extended = strList(p.ExtendedStatistics);
  if (statistics.length === 0 && extended.length === 0) {
    throw cwError("InvalidParameterCombination", "At least one of the parameters Statistics and ExtendedStatistics must be specified.");
  }
  for (const s of [...statistics, ...extended]) {
    if (!isValidStat(s)) throw cwError("InvalidParameterValue", `The value ${s} for parameter Statistics is not a valid statistic.`);
  }
  const metricName = str(p.MetricName) ?? "";
  const series = world.metrics.find(str(p.Namespace) ?? "", metricName, dimensionsOf(p.Dimensions));
  const buckets = [...world.metrics.aggregate(series, start, end, period * 1000)].sort((a, b) => a[0] - b[0]);
  const unit = str(p.Unit) ?? series?.unit ?? "None";
  return {
    Label: metricName,
    Datapoints: buckets.map(([t, bucket]) => {
      const point: Record<string, unknown> = { Timestamp: new Date(t) };
      for (const s of statistics) point[s] = statValue(bucket, s);
      if (extended.length > 0) {
        const map: Record<string | symbol, unknown> = xml ? { [XML_MAP]: true } : {};
        for (const s of extended) map[s] = statValue(bucket, s);
        point.ExtendedStatistics = map;
      }
      point.Unit = unit;
      return point;
    }),
  };
}

function putMetricData(world: World, p: Params) {
  const namespace = str(p.Namespace);
  if (!namespace) throw cwError("MissingParameter", "The parameter Namespace is required.");
  if (namespace.startsWith("AWS/")) {
    throw cwError("InvalidParameterValue", `The value ${namespace} for parameter Namespace is invalid.`);
  }
  const data = list(p.MetricData).map((d) => obj(d));
  if (data.length === 0) throw cwError("MissingParameter", "The parameter MetricData is required.");
  if (data.length > 1000) throw cwError("InvalidParameterValue", "The collection MetricData must not have a size greater than 1000.");
  const now = world.clock.now();
  for (const d of data) {
    const name = str(d.MetricName);
    if (!name) throw cwError("MissingParameter", "The parameter MetricData.member.N.MetricName is required.");
    const t = time(d.Timestamp) ?? now;
    const dimensions = dimensionsOf(d.Dimensions);
    const unit = str(d.Unit);
    const set = d.StatisticValues === undefined ? undefined : obj(d.StatisticValues);
    if (set) {
      world.metrics.put(namespace, name, dimensions, {
        t,
        sum: num(set.Sum) ?? 0,
        count: num(set.SampleCount) ?? 0,
        min: num(set.Minimum) ?? 0,
        max: num(set.Maximum) ?? 0,
      }, unit);
      continue;
    }
    const values = d.Values !== undefined ? list(d.Values).map(Number) : [num(d.Value) ?? 0];
    const counts = list(d.Counts).map(Number);
    // A value with a count is `count` identical samples; storing it as min = max keeps percentiles exact.
    values.forEach((v, i) => {
      const count = counts[i] ?? 1;
      world.metrics.put(namespace, name, dimensions, { t, sum: v * count, count, min: v, max: v }, unit);
    });
  }
  return {};
}

function listMetrics(world: World, p: Params) {
  const namespace = str(p.Namespace);
  const metricName = str(p.MetricName);
  const filters = list(p.Dimensions).map((d) => ({ name: String(obj(d).Name), value: str(obj(d).Value) }));
  const metrics = world.metrics
    .all()
    .filter((s) => (!namespace || s.namespace === namespace) && (!metricName || s.metricName === metricName))
    .filter((s) => filters.every((f) => s.dimensions.some((d) => d.Name === f.name && (f.value === undefined || d.Value === f.value))))
    .map((s) => ({ Namespace: s.namespace, MetricName: s.metricName, Dimensions: s.dimensions }));
  return { Metrics: metrics };
}

export function metricDataHandlers(xml: boolean) {
  return {
    GetMetricData: getMetricData,
    GetMetricStatistics: (world: World, p: Params) => getMetricStatistics(world, p, xml),
    PutMetricData: putMetricData,
    ListMetrics: listMetrics,
  };
}
