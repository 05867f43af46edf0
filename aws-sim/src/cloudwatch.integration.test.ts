import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import { afterEach, describe, expect, it } from "vitest";
import { startAwsSim, type AwsSim } from "./index.js";
import { clients } from "./test-helpers.js";

const START = Date.UTC(2025, 0, 1, 12, 0, 0);
let sim: AwsSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function albQuery(id: string, metric: string, stat: string, dims: Record<string, string>, period = 60): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: "AWS/ApplicationELB", MetricName: metric, Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })) },
      Period: period,
      Stat: stat,
    },
  };
}

describe("metrics generated from traffic", () => {
  it("GetMetricData 5xx counts match the traffic a faulty image served", async () => {
    sim = await startAwsSim({ timeScale: 0, startTime: START, seed: "demo" });
    const { cw } = clients(sim);
    const s = sim.seeded!;
    const dims = { LoadBalancer: s.loadBalancerDimension, TargetGroup: s.blueTargetGroupDimension };
    sim.advance(60_000); // one clean minute
    sim.faults.setImageBehavior("myapp:v1.0.0", { http5xxRate: 0.25 });
    sim.advance(180_000);
    const faulty = sim.traffic.totals({ since: START + 60_000, until: START + 240_000 });

    const out = await cw.send(new GetMetricDataCommand({
      StartTime: new Date(START),
      EndTime: new Date(START + 240_000),
      ScanBy: "TimestampAscending",
      MetricDataQueries: [
        albQuery("errors", "HTTPCode_Target_5XX_Count", "Sum", dims),
        albQuery("requests", "RequestCount", "Sum", dims),
        { Id: "rate", Expression: "100*FILL(errors,0)/requests", Label: "5xx %" },
      ],
    }));
    const byId: Record<string, MetricDataResult> = Object.fromEntries(out.MetricDataResults!.map((r) => [r.Id!, r]));
    // The clean minute has no 5xx datapoint at all: ALB publishes count metrics only when non-zero.
    expect(byId.errors!.Timestamps!.map((t) => t.getTime())).toEqual([START + 60_000, START + 120_000, START + 180_000]);
    expect(byId.errors!.Values!.reduce((a, b) => a + b, 0)).toBe(faulty.http5xx);
    expect(byId.requests!.Values).toEqual([6000, 6000, 6000, 6000]);
    expect(byId.rate!.Label).toBe("5xx %");
    expect(byId.rate!.Values![0]).toBe(0);
    for (const v of byId.rate!.Values!.slice(1)) {
      expect(v).toBeGreaterThan(20);
      expect(v).toBeLessThan(30);
    }
  });

  it("TargetResponseTime percentiles follow the image's latency profile", async () => {
    sim = await startAwsSim({ timeScale: 0, startTime: START, seed: "demo" });
    const { cw } = clients(sim);
    const s = sim.seeded!;
    sim.faults.setImageBehavior("myapp:v1.0.0", { latencyMs: { p50: 100, p95: 400 } });
    sim.advance(300_000);
    const out = await cw.send(new GetMetricStatisticsCommand({
      Namespace: "AWS/ApplicationELB",
      MetricName: "TargetResponseTime",
      Dimensions: [{ Name: "LoadBalancer", Value: s.loadBalancerDimension }],
      StartTime: new Date(START),
      EndTime: new Date(START + 300_000),
      Period: 300,
      Statistics: ["Average", "SampleCount"],
      ExtendedStatistics: ["p50", "p95"],
    }));
    const point = out.Datapoints![0]!;
    expect(point.SampleCount).toBe(30_000);
    expect(point.Unit).toBe("Seconds");
    expect(point.ExtendedStatistics!.p50).toBeGreaterThan(0.08);
    expect(point.ExtendedStatistics!.p50).toBeLessThan(0.12);
    expect(point.ExtendedStatistics!.p95).toBeGreaterThan(0.32);
    expect(point.ExtendedStatistics!.p95).toBeLessThan(0.48);
  });

  it("publishes AWS/ECS CPU and memory per service every minute", async () => {
    sim = await startAwsSim({ timeScale: 0, startTime: START, seed: "demo" });
    const { cw } = clients(sim);
    sim.faults.setImageBehavior("myapp:v1.0.0", { cpuPercent: 70 });
    sim.advance(180_000);
    const out = await cw.send(new GetMetricDataCommand({
      StartTime: new Date(START),
      EndTime: new Date(START + 180_000),
      MetricDataQueries: [{
        Id: "cpu",
        MetricStat: {
          Metric: { Namespace: "AWS/ECS", MetricName: "CPUUtilization", Dimensions: [{ Name: "ClusterName", Value: "prod-cluster" }, { Name: "ServiceName", Value: "myapp-service" }] },
          Period: 60,
          Stat: "Average",
        },
      }],
    }));
    const values = out.MetricDataResults![0]!.Values!;
    expect(values).toHaveLength(3);
    for (const v of values) expect(Math.abs(v - 70)).toBeLessThan(15);
  });
});

describe("custom metrics, alarms and errors", () => {
  it("PutMetricData values come back through GetMetricData and GetMetricStatistics", async () => {
    sim = await startAwsSim({ timeScale: 0, startTime: START });
    const { cw } = clients(sim);
    const dims = [{ Name: "Pipeline", Value: "deploy" }];
    await cw.send(new PutMetricDataCommand({
      Namespace: "Slipway/Verification",
      MetricData: [
        { MetricName: "Latency", Dimensions: dims, Timestamp: new Date(START + 5_000), Values: [10, 20, 30], Counts: [1, 1, 2], Unit: "Milliseconds" },
        { MetricName: "Latency", Dimensions: dims, Timestamp: new Date(START + 70_000), StatisticValues: { SampleCount: 2, Sum: 100, Minimum: 40, Maximum: 60 } },
      ],
    }));
    const stats = await cw.send(new GetMetricStatisticsCommand({
      Namespace: "Slipway/Verification", MetricName: "Latency", Dimensions: dims,
      StartTime: new Date(START), EndTime: new Date(START + 120_000), Period: 60, Statistics: ["Sum", "SampleCount", "Maximum"],
    }));
    expect(stats.Datapoints!.map((d) => [d.Timestamp!.getTime(), d.Sum, d.SampleCount, d.Maximum])).toEqual([
      [START, 90, 4, 30],
      [START + 60_000, 100, 2, 60],
    ]);
    const data = await cw.send(new GetMetricDataCommand({
      StartTime: new Date(START), EndTime: new Date(START + 120_000),
      MetricDataQueries: [{ Id: "p", MetricStat: { Metric: { Namespace: "Slipway/Verification", MetricName: "Latency", Dimensions: dims }, Period: 60, Stat: "p50" } }],
    }));
    // Percentiles exist only where raw values were sent; the statistic set minute has none.
    expect(data.MetricDataResults![0]!.Values).toEqual([20]);
  });

  it("evaluates a metric alarm on the simulated clock", async () => {
    sim = await startAwsSim({ timeScale: 0, startTime: START, seed: "demo" });
    const { cw } = clients(sim);
    const s = sim.seeded!;
    await cw.send(new PutMetricAlarmCommand({
      AlarmName: "myapp-5xx",
      Namespace: "AWS/ApplicationELB",
      MetricName: "HTTPCode_Target_5XX_Count",
      Dimensions: [{ Name: "LoadBalancer", Value: s.loadBalancerDimension }],
      Statistic: "Sum",
      Period: 60,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: 10,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
    }));
    const state = async () => (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["myapp-5xx"] }))).MetricAlarms![0]!;
    expect((await state()).StateValue).toBe("INSUFFICIENT_DATA");
    sim.advance(120_000);
    expect((await state()).StateValue).toBe("OK");
    sim.faults.setImageBehavior("myapp:v1.0.0", { http5xxRate: 0.05 });
    sim.advance(60_000);
    expect((await state()).StateValue).toBe("OK"); // one breaching minute of the two required
    sim.advance(60_000);
    const alarm = await state();
    expect(alarm.StateValue).toBe("ALARM");
    expect(alarm.StateReason).toMatch(/^Threshold Crossed: 2 out of the last 2 datapoints \[.*\] were greater than the threshold \(10\.0\)/);
    expect(alarm.StateUpdatedTimestamp!.getTime()).toBe(START + 240_000);
  });

  it("answers validation errors in the query-compatible JSON format", async () => {
    sim = await startAwsSim({ timeScale: 0, startTime: START });
    const { cw } = clients(sim);
    const err = await cw.send(new GetMetricDataCommand({
      StartTime: new Date(START), EndTime: new Date(START + 60_000),
      MetricDataQueries: [albQuery("m", "RequestCount", "Sum", { LoadBalancer: "app/x/y" }, 45)],
    })).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "InvalidParameterValueException", Code: "InvalidParameterValue", $metadata: { httpStatusCode: 400 } });
    await expect(cw.send(new PutMetricDataCommand({ Namespace: "AWS/ECS", MetricData: [{ MetricName: "x", Value: 1 }] })))
      .rejects.toMatchObject({ name: "InvalidParameterValueException" });
  });

  it("also speaks CloudWatch's awsQuery protocol", async () => {
    sim = await startAwsSim({ timeScale: 0, startTime: START, seed: "demo" });
    sim.advance(120_000);
    const form = new URLSearchParams({
      Action: "GetMetricStatistics",
      Version: "2010-08-01",
      Namespace: "AWS/ApplicationELB",
      MetricName: "RequestCount",
      "Dimensions.member.1.Name": "LoadBalancer",
      "Dimensions.member.1.Value": sim.seeded!.loadBalancerDimension,
      StartTime: new Date(START).toISOString(),
      EndTime: new Date(START + 120_000).toISOString(),
      Period: "60",
      "Statistics.member.1": "Sum",
      "ExtendedStatistics.member.1": "p99",
    });
    const res = await fetch(sim.endpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form });
    const xml = await res.text();
    expect(res.status).toBe(200);
    expect(xml).toContain('<GetMetricStatisticsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><GetMetricStatisticsResult>');
    expect(xml).toContain("<Sum>6000</Sum>");
    expect(xml).toContain("<ExtendedStatistics><entry><key>p99</key><value>1</value></entry></ExtendedStatistics>");
    const bad = await fetch(sim.endpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "Action=Nope&Version=2010-08-01" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("<Code>InvalidAction</Code>");
  });
});
