/**
 * The verify step against simulated CloudWatch (GetMetricData, DescribeAlarms) with the real SDK client, and against
 * a local HTTP server: baseline variance and score, alarms, extra queries with ${…} dimensions, Argo-style limits
 * (failure, inconclusive, consecutive errors), and the HTTP probe source.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CloudWatchClient, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import type { AwsSim } from "@slipway/aws-sim";
import type { VerifyWork } from "@slipway/pipeline-spec/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Clock } from "../../src/steps/ecs/context";
import { createEcsExecutors } from "../../src/steps/ecs";
import { createVerifyExecutor } from "../../src/steps/verify";
import { awsTarget, deployWork, expectOutcome, simClock, startSim, testContext, verifyWork } from "./helpers";

let sim: AwsSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A sim with v2 running green beside blue and `weight`% of the traffic on it; returns the stage outputs. */
async function greenAt(s: AwsSim, weight: number, desiredCount: EcsDeploy["desiredCount"] = null) {
  const ecs = createEcsExecutors({ clock: simClock(s) });
  const outputs: Record<string, Record<string, string>> = {};
  const deployed = await ecs.ecsDeploy.run(deployWork(s, "green", undefined, { desiredCount }), testContext());
  expect(deployed.outcome, deployed.message).toBe("success");
  outputs.deploy = deployed.outputs;
  if (weight > 0) {
    const shifted = await ecs.ecsTrafficShift.run({ kind: "ecsTrafficShift", aws: awsTarget(s), greenWeight: weight }, testContext(outputs));
    expect(shifted.outcome, shifted.message).toBe("success");
  }
  return outputs;
}
type EcsDeploy = import("@slipway/pipeline-spec/protocol").EcsDeployWork;

describe("verify (CloudWatch)", () => {
  it("passes with a baseline comparison per metric (variance %) and a score", async () => {
    sim = await startSim();
    sim.faults.setImageBehavior("myapp:v2.0.0", { latencyMs: { p50: 60, p95: 140 }, http5xxRate: 0.004 });
    sim.faults.setImageBehavior("myapp:v1.0.0", { latencyMs: { p50: 40, p95: 90 }, http5xxRate: 0.004 });
    const outputs = await greenAt(sim, 50);
    const ctx = testContext(outputs);
    const result = await createVerifyExecutor({ clock: simClock(sim) }).run(verifyWork(sim, { windowMs: 5 * 60_000, intervalMs: 30_000 }), ctx);
    expectOutcome(result, ctx, "success");
    expect(result.outputs).toMatchObject({ "verify.result": "passed", "verify.samples": "10", "verify.failed": "0", "verify.score": "100" });
    const metrics = JSON.parse(result.outputs["verify.metrics"]!);
    expect(metrics.latencyP95.value).toBeGreaterThan(metrics.latencyP95.baseline);
    expect(metrics.latencyP95.variancePercent).toBeGreaterThan(20);
    expect(metrics.errorRate.baseline).toBeGreaterThanOrEqual(0);
    expect(result.message).toMatch(/verification passed: 10 samples, score 100\/100 \(risk low\); error rate [\d.]+% \(baseline [\d.]+%\), p95 \d+ ms \(baseline \d+ ms\)/);
    // Each sample is a log line, and the report lists green, baseline and variance per metric.
    expect(ctx.lines.filter((l) => /sample \d+\/10 /.test(l))).toHaveLength(10);
    expect(ctx.lines.some((l) => /p95 latency of tg\/myapp-tg-green \| \d+ ms \| \d+ ms \| \+\d+\.\d%/.test(l))).toBe(true);
    expect(sim.journal.calls({ action: "GetMetricData" })).toHaveLength(10);
    // FILL(…, 0) metric math for the 5xx counts, as the sim's README advises.
    const q = sim.journal.calls({ action: "GetMetricData" })[0]!.params.MetricDataQueries as { Id: string; Expression?: string }[];
    expect(q.find((x) => x.Id === "g_5xx")?.Expression).toBe("FILL(g_5xxraw, 0)");
  });

  it("fails when green is clearly worse than the blue baseline, even under the absolute threshold", async () => {
    sim = await startSim();
    sim.faults.setImageBehavior("myapp:v2.0.0", { http5xxRate: 0.045 });
    const outputs = await greenAt(sim, 50);
    const ctx = testContext(outputs);
    const result = await createVerifyExecutor({ clock: simClock(sim) }).run(verifyWork(sim, { windowMs: 5 * 60_000, intervalMs: 60_000, failureLimit: 1 }), ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.message).toMatch(/more than 2 points above the blue baseline's 0(\.00)?%/);
  });

  it("tolerates failureLimit bad samples and fails on the next one", async () => {
    sim = await startSim();
    sim.faults.setImageBehavior("myapp:v2.0.0", { http5xxRate: 0.3 });
    const outputs = await greenAt(sim, 20);
    const ctx = testContext(outputs);
    const result = await createVerifyExecutor({ clock: simClock(sim) }).run(verifyWork(sim, { windowMs: 5 * 60_000, intervalMs: 30_000, failureLimit: 2 }), ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.outputs).toMatchObject({ "verify.samples": "3", "verify.failed": "3", "verify.result": "failed" });
    expect(result.message).toMatch(/sample 3; 3 bad samples, failureLimit 2/);
  });

  it("fails as inconclusive when green gets no traffic (no data) beyond inconclusiveLimit", async () => {
    sim = await startSim();
    const outputs = await greenAt(sim, 0);
    const ctx = testContext(outputs);
    const result = await createVerifyExecutor({ clock: simClock(sim) }).run(verifyWork(sim, { windowMs: 5 * 60_000, intervalMs: 30_000, inconclusiveLimit: 2 }), ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.outputs).toMatchObject({ "verify.result": "inconclusive", "verify.samples": "3", "verify.inconclusive": "3" });
    expect(result.message).toMatch(/inconclusive: 3 samples without data \(inconclusiveLimit 2\); no data for 5xx error rate of tg\/myapp-tg-green, p95 latency/);
  });

  it("fails after more than consecutiveErrorLimit query errors in a row", async () => {
    sim = await startSim();
    const outputs = await greenAt(sim, 10);
    sim.faults.failNext({ service: "cloudwatch", action: "GetMetricData", error: "InvalidParameterValue", message: "simulated bad query", count: 10 });
    const ctx = testContext(outputs);
    const result = await createVerifyExecutor({ clock: simClock(sim) }).run(verifyWork(sim, { consecutiveErrorLimit: 2 }), ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.outputs).toMatchObject({ "verify.result": "error", "verify.errors": "3" });
    expect(result.message).toMatch(/3 query errors in a row \(consecutiveErrorLimit 2\): cloudwatch:GetMetricData failed: .*simulated bad query/);
  });

  it("an extra query with ${CLUSTER}/${SERVICE} dimensions and an alarm in ALARM fail the verification, naming them", async () => {
    sim = await startSim();
    sim.faults.setImageBehavior("myapp:v2.0.0", { cpuPercent: 95 });
    const outputs = await greenAt(sim, 10);
    const cw = new CloudWatchClient({ endpoint: sim.endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIATEST", secretAccessKey: "x" } });
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: "myapp-green-cpu",
        Namespace: "AWS/ECS",
        MetricName: "CPUUtilization",
        Dimensions: [{ Name: "ClusterName", Value: "prod-cluster" }, { Name: "ServiceName", Value: "myapp-service-green" }],
        Statistic: "Average",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 80,
        ComparisonOperator: "GreaterThanThreshold",
      }),
    );
    cw.destroy();
    const work: VerifyWork = verifyWork(sim, { windowMs: 5 * 60_000, intervalMs: 60_000 }, {
      alarms: ["myapp-green-cpu"],
      queries: [{ id: "cpu", namespace: "AWS/ECS", metric: "CPUUtilization", stat: "Average", dimensions: { ClusterName: "${CLUSTER}", ServiceName: "${SERVICE}" }, max: 99, min: null }],
    });
    const ctx = testContext(outputs);
    const result = await createVerifyExecutor({ clock: simClock(sim) }).run(work, ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.message).toMatch(/alarm myapp-green-cpu is in ALARM: Threshold Crossed/);
    const gmd = sim.journal.calls({ action: "GetMetricData" })[0]!.params.MetricDataQueries as { Id: string; MetricStat?: { Metric: { Dimensions: { Name: string; Value: string }[] } } }[];
    expect(gmd.find((x) => x.Id === "q0")?.MetricStat?.Metric.Dimensions).toEqual([{ Name: "ClusterName", Value: "prod-cluster" }, { Name: "ServiceName", Value: "myapp-service-green" }]);
    expect(gmd.find((x) => x.Id === "bq0")?.MetricStat?.Metric.Dimensions).toEqual([{ Name: "ClusterName", Value: "prod-cluster" }, { Name: "ServiceName", Value: "myapp-service" }]);
    const last = ctx.progressPosts.at(-1)!;
    expect(last.kind === "ecs" && last.failingSample).toMatchObject({ metric: "alarm myapp-green-cpu", value: 1, link: expect.stringContaining("#alarmsV2:alarm/myapp-green-cpu") });
    expect(ctx.lines.some((l) => /cpu \(AWS\/ECS CPUUtilization Average\) 9\d/.test(l))).toBe(true);
  });

  it("a listed alarm that does not exist fails at once", async () => {
    sim = await startSim();
    const ctx = testContext();
    const result = await createVerifyExecutor({ clock: simClock(sim) }).run(verifyWork(sim, {}, { alarms: ["no-such-alarm"] }), ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.message).toBe('verify could not start: CloudWatch alarm "no-such-alarm" does not exist in us-east-1');
    expect(sim.journal.calls({ action: "GetMetricData" })).toHaveLength(0);
  });
});

describe("verify (HTTP probes)", () => {
  let server: Server;
  let url = "";
  let failEvery = 0;
  let delayMs = 0;
  let n = 0;
  beforeEach(async () => {
    n = 0;
    failEvery = 0;
    delayMs = 0;
    server = createServer((req, res) => {
      const k = ++n;
      setTimeout(() => {
        res.writeHead(failEvery > 0 && k % failEvery === 0 ? 503 : 200, { "content-type": "text/plain" });
        res.end("ok");
      }, delayMs);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const fastClock: Clock = { now: () => Date.now(), sleep: (ms, signal) => new Promise((r) => (signal.aborted ? r(undefined) : setTimeout(r, Math.min(ms, 5)))) };
  const work = (over: Partial<Extract<VerifyWork["source"], { kind: "http" }>> = {}, limits: Partial<VerifyWork> = {}): VerifyWork => ({
    kind: "verify",
    windowMs: 50_000,
    intervalMs: 10_000,
    failureLimit: 0,
    inconclusiveLimit: 2,
    consecutiveErrorLimit: 4,
    source: { kind: "http", url, requestsPerSample: 20, maxErrorPercent: 5, maxP95Ms: 500, ...over },
    ...limits,
  });

  it("passes when the answers are fast and 2xx", async () => {
    const ctx = testContext();
    const result = await createVerifyExecutor({ clock: fastClock }).run(work(), ctx);
    expectOutcome(result, ctx, "success");
    expect(n).toBe(100);
    expect(result.outputs["verify.score"]).toBe("100");
  });

  it("fails on the error share, naming the URL and the statuses seen", async () => {
    failEvery = 4;
    const ctx = testContext();
    const result = await createVerifyExecutor({ clock: fastClock }).run(work(), ctx);
    expectOutcome(result, ctx, "failure");
    expect(n, "requests served").toBe(20);
    expect(result.message).toMatch(/error rate of http:\/\/127\.0\.0\.1:\d+\/health 25% > 5% \(200×15 503×5\)/);
    const last = ctx.progressPosts.at(-1)!;
    expect(last.kind === "ecs" && last.failingSample).toMatchObject({ value: 25, threshold: 5, link: url });
  });

  it("fails on p95 latency", async () => {
    delayMs = 60;
    const ctx = testContext();
    const result = await createVerifyExecutor({ clock: fastClock }).run(work({ maxP95Ms: 30, requestsPerSample: 10 }), ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.message).toMatch(/p95 latency of .* \d+ ms > 30 ms/);
  });
});
