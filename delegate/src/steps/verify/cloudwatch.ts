/**
 * The CloudWatch source of a verification: one GetMetricData per sample over the last `interval`, on the GREEN
 * target group (from ecsDeploy's outputs in this stage, else the infrastructure's green target group), with the BLUE
 * target group as baseline in the same call:
 *   5xx error rate  = 100 × FILL(HTTPCode_Target_5XX_Count, 0) / RequestCount   (ALB publishes counts only for
 *                     periods with a non-zero count, so the 5xx series is filled with 0; no requests = no data)
 *   p95 latency     = TargetResponseTime p95, seconds → ms
 *   extra queries   = their statistic over the sample, with ${TARGET_GROUP}, ${LOAD_BALANCER}, ${CLUSTER}, ${SERVICE}
 *                     filled from the green side (the baseline from the blue side)
 * and the listed alarms through DescribeAlarms (any in ALARM fails the sample). A sample is failed when a value
 * crosses its threshold, or when the baseline is on and green's error rate is more than 2 points above blue's.
 */
import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type DescribeAlarmsCommandOutput,
  type GetMetricDataCommandOutput,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import type { VerifyWork } from "@slipway/pipeline-spec/protocol";
import type { AwsClients } from "../ecs/clients";
import type { StageOutputs } from "../ecs/context";
import { loadBalancerDimension, shortArn, targetGroupDimension } from "../ecs/errors";
import { greenPercent, liveSide, readForward } from "../ecs/inspect";
import { findDeployOutputs, K, sidesOf } from "../ecs/outputs";
import type { StepLog } from "../types";
import { fmt, type Check, type Sample } from "./analysis";
import { alarmConsoleUrl, metricConsoleUrl, type ConsoleMetric } from "./links";

export type CloudWatchSource = Extract<VerifyWork["source"], { kind: "cloudwatch" }>;

/** Baseline rule of the step schema: green fails when its error rate is more than this many points above blue's. */
export const BASELINE_ERROR_MARGIN_POINTS = 2;

/** CloudWatch periods: 1, 5, 10, 20, 30 or a multiple of 60 seconds. The largest one that divides the interval. */
export function periodFor(intervalSeconds: number): number {
  const s = Math.max(1, Math.round(intervalSeconds));
  if (s % 60 === 0) return s;
  for (const p of [30, 20, 10, 5]) if (s % p === 0) return p;
  return 1;
}

interface Side {
  tgArn: string | null;
  tgDim: string | null;
  service: string;
}

export interface CloudWatchSampler {
  /** Percent of traffic on green when the verification started (null: unknown or no load balancer). */
  greenWeight: number | null;
  periodSeconds: number;
  describe(): string;
  sample(index: number, end: number, intervalMs: number): Promise<Sample>;
}

type Stat = "sum" | "mean" | "max" | "min";
function howToAggregate(stat: string): Stat {
  if (stat === "Sum" || stat === "SampleCount") return "sum";
  if (stat === "Average") return "mean";
  if (stat === "Minimum") return "min";
  return "max";
}

function aggregate(values: number[] | undefined, how: Stat): number | null {
  const xs = (values ?? []).filter((v) => Number.isFinite(v));
  if (xs.length === 0) return null;
  switch (how) {
    case "sum":
      return xs.reduce((a, b) => a + b, 0);
    case "mean":
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    case "max":
      return Math.max(...xs);
    case "min":
      return Math.min(...xs);
  }
}

export async function createCloudWatchSampler(src: CloudWatchSource, clients: AwsClients, stageOutputs: StageOutputs, log: StepLog, intervalMs: number): Promise<CloudWatchSampler> {
  const aws = src.aws;
  const lb = aws.loadBalancer;
  const deploy = findDeployOutputs(stageOutputs, aws);
  const rolling = deploy?.values[K.mode] === "rolling";
  let sides = sidesOf(aws, stageOutputs);
  let greenWeight: number | null = null;
  if (lb && sides) {
    try {
      const forward = await readForward(lb, clients);
      if (rolling) {
        // A rolling deployment replaced the live side in place: that is what to watch, and there is no blue beside it.
        const live = liveSide(lb, forward.weights).live;
        const service = deploy?.values[K.liveService] ?? aws.serviceName;
        sides = { blueTg: live, greenTg: live, blueService: service, greenService: service, from: `the live target group (rolling deployment, step ${deploy!.stepId})` };
      } else greenWeight = greenPercent(forward.weights, sides.blueTg, sides.greenTg);
    } catch (err) {
      log.system(`could not read the listener's weights (${err instanceof Error ? err.message : String(err)}); verifying anyway`);
    }
  }
  const green: Side = { tgArn: sides?.greenTg ?? null, tgDim: sides ? targetGroupDimension(sides.greenTg) : null, service: sides?.greenService ?? aws.serviceName };
  const blue: Side = { tgArn: sides?.blueTg ?? null, tgDim: sides ? targetGroupDimension(sides.blueTg) : null, service: sides?.blueService ?? aws.serviceName };
  const lbDim = lb ? (loadBalancerDimension(lb.ruleArn ?? lb.listenerArn) ?? null) : null;
  const periodSeconds = periodFor(intervalMs / 1000);
  const useBaseline = src.baseline && !!blue.tgArn && blue.tgArn !== green.tgArn;
  if (src.baseline && !useBaseline) log.system("verify: no baseline comparison (there is no blue side beside the one being verified)");

  // Alarms must exist: a misspelt alarm name would otherwise pass silently forever.
  if (src.alarms.length > 0) {
    const out = await clients.call<DescribeAlarmsCommandOutput>("cloudwatch", new DescribeAlarmsCommand({ AlarmNames: src.alarms }), src.alarms.join(","));
    const known = new Set([...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])].map((a) => a.AlarmName));
    const missing = src.alarms.filter((n) => !known.has(n));
    if (missing.length) throw new Error(`CloudWatch alarm${missing.length === 1 ? "" : "s"} ${missing.map((m) => `"${m}"`).join(", ")} ${missing.length === 1 ? "does" : "do"} not exist in ${aws.region}`);
  }

  const albDims = (side: Side): Record<string, string> | null => (side.tgDim && lbDim ? { TargetGroup: side.tgDim, LoadBalancer: lbDim } : null);
  const fill = (dims: Record<string, string>, side: Side): Record<string, string> => {
    const vars: Record<string, string> = { TARGET_GROUP: side.tgDim ?? "", LOAD_BALANCER: lbDim ?? "", CLUSTER: aws.cluster, SERVICE: side.service };
    return Object.fromEntries(Object.entries(dims).map(([k, v]) => [k, v.replace(/\$\{(TARGET_GROUP|LOAD_BALANCER|CLUSTER|SERVICE)\}/g, (_, name: string) => vars[name] ?? "")]));
  };
  const stat = (id: string, namespace: string, metric: string, dims: Record<string, string>, s: string, returnData = true): MetricDataQuery => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: namespace, MetricName: metric, Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })) },
      Period: periodSeconds,
      Stat: s,
    },
    ReturnData: returnData,
  });

  const queries: MetricDataQuery[] = [];
  const alb = (prefix: string, dims: Record<string, string>) => {
    queries.push(stat(`${prefix}_req`, "AWS/ApplicationELB", "RequestCount", dims, "Sum"));
    queries.push(stat(`${prefix}_5xxraw`, "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", dims, "Sum", false));
    queries.push({ Id: `${prefix}_5xx`, Expression: `FILL(${prefix}_5xxraw, 0)`, ReturnData: true });
    queries.push(stat(`${prefix}_p95`, "AWS/ApplicationELB", "TargetResponseTime", dims, "p95"));
  };
  const greenAlb = albDims(green);
  const blueAlb = useBaseline ? albDims(blue) : null;
  if (greenAlb) alb("g", greenAlb);
  if (blueAlb) alb("b", blueAlb);
  src.queries.forEach((q, i) => {
    queries.push(stat(`q${i}`, q.namespace, q.metric, fill(q.dimensions, green), q.stat));
    if (useBaseline) queries.push(stat(`bq${i}`, q.namespace, q.metric, fill(q.dimensions, blue), q.stat));
  });

  const region = aws.region;
  return {
    greenWeight,
    periodSeconds,
    describe: () =>
      `green ${green.tgArn ? shortArn(green.tgArn) : "(no target group)"}${useBaseline ? `, baseline blue ${shortArn(blue.tgArn!)}` : ""}${sides ? ` (sides from ${sides.from})` : ""}; ${queries.length} metric queries per sample at period ${periodSeconds} s${src.alarms.length ? `; alarms ${src.alarms.join(", ")}` : ""}`,
    async sample(index, end, interval) {
      const start = end - interval;
      const checks: Check[] = [];
      const values = new Map<string, number[]>();
      if (queries.length > 0) {
        let out: GetMetricDataCommandOutput;
        try {
          out = await clients.call<GetMetricDataCommandOutput>(
            "cloudwatch",
            new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(start), EndTime: new Date(end), ScanBy: "TimestampAscending" }),
            `${queries.length} queries ${new Date(start).toISOString().slice(11, 19)}–${new Date(end).toISOString().slice(11, 19)}`,
          );
        } catch (err) {
          return { index, at: end, kind: "error", checks: [], error: err instanceof Error ? err.message : String(err) };
        }
        for (const r of out.MetricDataResults ?? []) if (r.Id) values.set(r.Id, r.Values ?? []);
      }
      const window = { start, end, periodSeconds, stat: "Sum" };
      if (greenAlb) {
        const req = aggregate(values.get("g_req"), "sum");
        const errors = aggregate(values.get("g_5xx"), "sum") ?? 0;
        const rate = req && req > 0 ? (100 * errors) / req : null;
        const bReq = blueAlb ? aggregate(values.get("b_req"), "sum") : null;
        const bErrors = blueAlb ? (aggregate(values.get("b_5xx"), "sum") ?? 0) : 0;
        const bRate = blueAlb ? (bReq && bReq > 0 ? (100 * bErrors) / bReq : null) : undefined;
        let reason: string | undefined;
        if (rate !== null && rate > src.errorRateMaxPercent) reason = `${fmt(rate, "%")} > ${fmt(src.errorRateMaxPercent, "%")}`;
        else if (rate !== null && bRate !== null && bRate !== undefined && rate > bRate + BASELINE_ERROR_MARGIN_POINTS) {
          reason = `${fmt(rate, "%")} is more than ${BASELINE_ERROR_MARGIN_POINTS} points above the blue baseline's ${fmt(bRate, "%")}`;
        }
        const errorMetrics: ConsoleMetric[] = [
          { namespace: "AWS/ApplicationELB", metric: "HTTPCode_Target_5XX_Count", dimensions: greenAlb },
          { namespace: "AWS/ApplicationELB", metric: "RequestCount", dimensions: greenAlb },
        ];
        checks.push({
          key: "errorRate",
          label: `5xx error rate of ${shortArn(green.tgArn!)}`,
          unit: "%",
          value: rate,
          ...(bRate !== undefined ? { baseline: bRate } : {}),
          max: src.errorRateMaxPercent,
          bad: !!reason,
          ...(reason ? { reason } : {}),
          link: metricConsoleUrl(region, errorMetrics, window),
          parts: { errors, requests: req ?? 0, baseErrors: bErrors, baseRequests: bReq ?? 0 },
        });
        const p95 = aggregate(values.get("g_p95"), "max");
        const bP95 = blueAlb ? aggregate(values.get("b_p95"), "max") : undefined;
        const p95ms = p95 === null ? null : p95 * 1000;
        const bP95ms = bP95 === undefined ? undefined : bP95 === null ? null : bP95 * 1000;
        const slow = p95ms !== null && p95ms > src.latencyP95MaxMs;
        checks.push({
          key: "latencyP95",
          label: `p95 latency of ${shortArn(green.tgArn!)}`,
          unit: "ms",
          value: p95ms,
          ...(bP95ms !== undefined ? { baseline: bP95ms } : {}),
          max: src.latencyP95MaxMs,
          bad: slow,
          ...(slow ? { reason: `${fmt(p95ms, "ms")} > ${fmt(src.latencyP95MaxMs, "ms")}` } : {}),
          link: metricConsoleUrl(region, [{ namespace: "AWS/ApplicationELB", metric: "TargetResponseTime", dimensions: greenAlb }], { ...window, stat: "p95" }),
        });
      }
      src.queries.forEach((q, i) => {
        const how = howToAggregate(q.stat);
        const value = aggregate(values.get(`q${i}`), how);
        const baseline = useBaseline ? aggregate(values.get(`bq${i}`), how) : undefined;
        let reason: string | undefined;
        if (value !== null && q.max !== null && value > q.max) reason = `${fmt(value, "")} > ${fmt(q.max, "")}`;
        if (value !== null && q.min !== null && value < q.min) reason = `${fmt(value, "")} < ${fmt(q.min, "")}`;
        checks.push({
          key: `q:${q.id}`,
          label: `${q.id} (${q.namespace} ${q.metric} ${q.stat})`,
          unit: "",
          value,
          ...(baseline !== undefined ? { baseline } : {}),
          max: q.max,
          min: q.min,
          bad: !!reason,
          ...(reason ? { reason } : {}),
          link: metricConsoleUrl(region, [{ namespace: q.namespace, metric: q.metric, dimensions: fill(q.dimensions, green) }], { ...window, stat: q.stat }),
        });
      });
      const dataChecks = checks.length;
      if (src.alarms.length > 0) {
        let alarms: DescribeAlarmsCommandOutput;
        try {
          alarms = await clients.call<DescribeAlarmsCommandOutput>("cloudwatch", new DescribeAlarmsCommand({ AlarmNames: src.alarms }), src.alarms.join(","));
        } catch (err) {
          return { index, at: end, kind: "error", checks: [], error: err instanceof Error ? err.message : String(err) };
        }
        const all = [...(alarms.MetricAlarms ?? []), ...(alarms.CompositeAlarms ?? [])];
        for (const name of src.alarms) {
          const a = all.find((x) => x.AlarmName === name);
          const inAlarm = a?.StateValue === "ALARM";
          checks.push({
            key: `alarm:${name}`,
            label: `alarm ${name}`,
            unit: "",
            value: inAlarm ? 1 : 0,
            max: 0,
            bad: inAlarm,
            ...(inAlarm ? { reason: `is in ALARM${a?.StateReason ? `: ${a.StateReason}` : ""}` } : {}),
            link: alarmConsoleUrl(region, name),
          });
        }
      }
      const bad = checks.some((c) => c.bad);
      const missing = checks.slice(0, dataChecks).some((c) => c.value === null);
      return { index, at: end, kind: bad ? "failed" : missing ? "inconclusive" : "successful", checks };
    },
  };
}
