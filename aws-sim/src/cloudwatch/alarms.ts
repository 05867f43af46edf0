/**
 * Metric alarms: PutMetricAlarm, DescribeAlarms, DeleteAlarms, SetAlarmState, and evaluation once per simulated
 * minute over the last EvaluationPeriods complete periods (DatapointsToAlarm of them must breach), honouring
 * TreatMissingData. Actions are recorded but never executed.
 */
import { bool, list, num, obj, str, strList, type Params } from "../input.js";
import type { World } from "../world.js";
import { cwError } from "./errors.js";
import { metricStatSeries, runQueries, validatePeriod } from "./query-engine.js";
import type { Series } from "./expressions.js";

type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";
const OPERATORS: Record<string, [string, (v: number, t: number) => boolean]> = {
  GreaterThanOrEqualToThreshold: ["greater than or equal to", (v, t) => v >= t],
  GreaterThanThreshold: ["greater than", (v, t) => v > t],
  LessThanThreshold: ["less than", (v, t) => v < t],
  LessThanOrEqualToThreshold: ["less than or equal to", (v, t) => v <= t],
};

export interface Alarm {
  config: Params;
  name: string;
  arn: string;
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  operator: string;
  treatMissingData: string;
  state: AlarmState;
  reason: string;
  reasonData?: string;
  stateUpdatedAt: number;
  configUpdatedAt: number;
}

function putMetricAlarm(world: World, p: Params) {
  const name = str(p.AlarmName);
  if (!name) throw cwError("MissingParameter", "The parameter AlarmName is required.");
  const operator = str(p.ComparisonOperator) ?? "";
  if (!OPERATORS[operator]) throw cwError("ValidationError", `Invalid ComparisonOperator ${operator}.`);
  const evaluationPeriods = num(p.EvaluationPeriods);
  if (!evaluationPeriods || evaluationPeriods < 1) throw cwError("ValidationError", "EvaluationPeriods must be at least 1.");
  const metrics = list(p.Metrics).map((m) => obj(m));
  let period: number;
  if (metrics.length > 0) {
    const stat = metrics.map((m) => obj(m.MetricStat)).find((m) => m.Period !== undefined);
    period = validatePeriod(num(stat?.Period) ?? num(metrics[0]!.Period), "Metrics.member.1.MetricStat.Period");
  } else {
    if (!str(p.MetricName) || !str(p.Namespace)) throw cwError("ValidationError", "MetricName and Namespace must be specified.");
    if (!str(p.Statistic) && !str(p.ExtendedStatistic)) {
      throw cwError("ValidationError", "One of Statistic or ExtendedStatistic must be specified.");
    }
    period = validatePeriod(num(p.Period), "Period");
  }
  const datapointsToAlarm = num(p.DatapointsToAlarm) ?? evaluationPeriods;
  const now = world.clock.now();
  const existing = world.alarms.get(name);
  world.alarms.set(name, {
    config: p,
    name,
    arn: world.ids.alarmArn(name),
    period,
    evaluationPeriods,
    datapointsToAlarm,
    threshold: num(p.Threshold) ?? 0,
    operator,
    treatMissingData: str(p.TreatMissingData) ?? "missing",
    state: existing?.state ?? "INSUFFICIENT_DATA",
    reason: existing?.reason ?? "Unchecked: Initial alarm creation",
    stateUpdatedAt: existing?.stateUpdatedAt ?? now,
    configUpdatedAt: now,
  });
  return {};
}

function series(world: World, alarm: Alarm, start: number, end: number): Series {
  const p = alarm.config;
  if (list(p.Metrics).length > 0) {
    const result = runQueries(world, p.Metrics, start, end).find((r) => r.returnData);
    return result?.series ?? new Map();
  }
  const stat = { Metric: { Namespace: p.Namespace, MetricName: p.MetricName, Dimensions: p.Dimensions }, Period: alarm.period, Stat: str(p.Statistic) ?? str(p.ExtendedStatistic) };
  return metricStatSeries(world, stat, start, end, "Statistic");
}

export function evaluateAlarm(world: World, alarm: Alarm, now: number): void {
  const periodMs = alarm.period * 1000;
  const end = Math.floor(now / periodMs) * periodMs;
  const start = end - alarm.evaluationPeriods * periodMs;
  const values = series(world, alarm, start, end);
  const [words, test] = OPERATORS[alarm.operator]!;
  const present: [number, number][] = [];
  let breaching = 0;
  let missing = 0;
  for (let t = start; t < end; t += periodMs) {
    const v = values.get(t);
    if (v === undefined) {
      missing++;
      if (alarm.treatMissingData === "breaching") breaching++;
      continue;
    }
    present.push([t, v]);
    if (test(v, alarm.threshold)) breaching++;
  }
  let next: AlarmState;
  if (missing === alarm.evaluationPeriods && (alarm.treatMissingData === "missing" || alarm.treatMissingData === "ignore")) {
    if (alarm.treatMissingData === "ignore") return;
    next = "INSUFFICIENT_DATA";
  } else {
    next = breaching >= alarm.datapointsToAlarm ? "ALARM" : "OK";
  }
  if (next === alarm.state) return;
  const shown = present.slice(-5).reverse().map(([t, v]) => `${v.toFixed(1)} (${stamp(t)})`).join(", ");
  alarm.reason =
    next === "INSUFFICIENT_DATA"
      ? `Insufficient Data: ${alarm.evaluationPeriods} datapoints were unknown.`
      : `Threshold Crossed: ${breaching} out of the last ${alarm.evaluationPeriods} datapoints [${shown}] ` +
        `${breaching === 1 ? "was" : "were"} ${next === "ALARM" ? "" : "not "}${words} the threshold (${alarm.threshold.toFixed(1)}) ` +
        `(minimum ${alarm.datapointsToAlarm} datapoint${alarm.datapointsToAlarm === 1 ? "" : "s"} for ${alarm.state} -> ${next} transition).`;
  alarm.reasonData = JSON.stringify({ version: "1.0", queryDate: new Date(now).toISOString(), threshold: alarm.threshold, recentDatapoints: present.map(([, v]) => v) });
  alarm.state = next;
  alarm.stateUpdatedAt = now;
}

function stamp(t: number): string {
  const d = new Date(t);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

function render(alarm: Alarm): Record<string, unknown> {
  const p = alarm.config;
  const usesMetrics = list(p.Metrics).length > 0;
  return {
    AlarmName: alarm.name,
    AlarmArn: alarm.arn,
    AlarmDescription: str(p.AlarmDescription),
    AlarmConfigurationUpdatedTimestamp: new Date(alarm.configUpdatedAt),
    ActionsEnabled: bool(p.ActionsEnabled) ?? true,
    OKActions: strList(p.OKActions),
    AlarmActions: strList(p.AlarmActions),
    InsufficientDataActions: strList(p.InsufficientDataActions),
    StateValue: alarm.state,
    StateReason: alarm.reason,
    StateReasonData: alarm.reasonData,
    StateUpdatedTimestamp: new Date(alarm.stateUpdatedAt),
    StateTransitionedTimestamp: new Date(alarm.stateUpdatedAt),
    ...(usesMetrics
      ? { Metrics: p.Metrics }
      : {
          MetricName: str(p.MetricName),
          Namespace: str(p.Namespace),
          Statistic: str(p.Statistic),
          ExtendedStatistic: str(p.ExtendedStatistic),
          Dimensions: list(p.Dimensions),
          Period: alarm.period,
          Unit: str(p.Unit),
        }),
    EvaluationPeriods: alarm.evaluationPeriods,
    DatapointsToAlarm: alarm.datapointsToAlarm,
    Threshold: alarm.threshold,
    ComparisonOperator: alarm.operator,
    TreatMissingData: alarm.treatMissingData,
  };
}

function describeAlarms(world: World, p: Params) {
  const names = strList(p.AlarmNames);
  const prefix = str(p.AlarmNamePrefix);
  const state = str(p.StateValue);
  const types = strList(p.AlarmTypes);
  const alarms = [...world.alarms.values()]
    .filter((a) => (names.length === 0 || names.includes(a.name)) && (!prefix || a.name.startsWith(prefix)))
    .filter((a) => !state || a.state === state)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const wantMetric = types.length === 0 || types.includes("MetricAlarm");
  return { MetricAlarms: wantMetric ? alarms.map(render) : [], CompositeAlarms: [] };
}

export const alarmHandlers = {
  PutMetricAlarm: putMetricAlarm,
  DescribeAlarms: describeAlarms,
  DeleteAlarms: (world: World, p: Params) => {
    for (const name of strList(p.AlarmNames)) world.alarms.delete(name);
    return {};
  },
  SetAlarmState: (world: World, p: Params) => {
    const alarm = world.alarms.get(str(p.AlarmName) ?? "");
    if (!alarm) throw cwError("ResourceNotFound", `Alarm ${str(p.AlarmName)} not found`, 404);
    const value = str(p.StateValue) as AlarmState | undefined;
    if (value !== "OK" && value !== "ALARM" && value !== "INSUFFICIENT_DATA") throw cwError("InvalidParameterValue", "Invalid StateValue.");
    alarm.state = value;
    alarm.reason = str(p.StateReason) ?? "";
    alarm.stateUpdatedAt = world.clock.now();
    return {};
  },
};
