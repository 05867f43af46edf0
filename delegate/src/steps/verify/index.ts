/**
 * The `verify` step: sample metrics every `interval` for `window` and fail when they cross thresholds, with Argo
 * Rollouts' limits (analysis.ts). Sources: CloudWatch (cloudwatch.ts: the green target group with the blue one as
 * baseline, extra metric queries, alarms) or HTTP probes from the delegate (http.ts).
 *
 * Every sample is a log line; progress (EcsProgress) shows MONITORING_<green weight> while it runs and
 * ANOMALY_<green weight> with `failingSample` (metric, value, threshold, time, console link) when it fails, and the
 * result message names the failing metric. Outputs: verify.result, verify.score, verify.samples, verify.failed,
 * verify.inconclusive, verify.errors, verify.metrics (JSON per metric: value, baseline, variance %, score) and, on
 * failure, verify.failingSample (JSON).
 */
import type { VerifyWork } from "@slipway/pipeline-spec/protocol";
import { createAwsClients, type AwsClients } from "../ecs/clients";
import { ProgressReporter, stageOutputsOf, wallClock, type EcsProgress, type ExecutorOptions } from "../ecs/context";
import type { StepContext, StepExecutor, StepResult } from "../types";
import { Analysis, fmt, iso, risk, sampleLine, type Sample, type Verdict } from "./analysis";
import { createCloudWatchSampler, type CloudWatchSampler } from "./cloudwatch";
import { httpSample } from "./http";

export function createVerifyExecutor(options: ExecutorOptions = {}): StepExecutor<VerifyWork> {
  return { kind: "verify", run: (work, ctx) => runVerify(work, ctx, options) };
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return url;
  }
}

async function runVerify(work: VerifyWork, ctx: StepContext, options: ExecutorOptions): Promise<StepResult> {
  const clock = options.clock ?? wallClock;
  const { log, signal } = ctx;
  const progress = new ProgressReporter(ctx, clock);
  const outputs: Record<string, string> = {};
  const intervalMs = Math.max(1_000, work.intervalMs);
  const total = Math.max(1, Math.floor(work.windowMs / intervalMs));
  const analysis = new Analysis(work);
  if (signal.aborted) return { outcome: "cancelled", exitCode: null, message: "verify: stopped before it started", outputs };

  let clients: AwsClients | undefined;
  let sampler: CloudWatchSampler | undefined;
  let weight: number | null = null;
  try {
    if (work.source.kind === "cloudwatch") {
      const src = work.source;
      clients = createAwsClients(src.aws, log, signal);
      sampler = await createCloudWatchSampler(src, clients, stageOutputsOf(ctx), log, intervalMs);
      weight = sampler.greenWeight;
      log.system(`verify: ${total} sample${total === 1 ? "" : "s"} every ${intervalMs / 1000} s over ${work.windowMs / 1000} s; thresholds: 5xx error rate ≤ ${src.errorRateMaxPercent}%, p95 ≤ ${src.latencyP95MaxMs} ms${src.baseline ? `, and ≤ blue's error rate + 2 points` : ""}; limits: failure ${work.failureLimit}, inconclusive ${work.inconclusiveLimit}, consecutive errors ${work.consecutiveErrorLimit}`);
      log.system(`verify: ${sampler.describe()}${weight !== null ? `; green receives ${weight}% of the traffic` : ""}`);
    } else {
      log.system(`verify: ${total} sample${total === 1 ? "" : "s"} of ${work.source.requestsPerSample} requests to ${safeUrl(work.source.url)} every ${intervalMs / 1000} s; fail above ${work.source.maxErrorPercent}% errors or p95 ${work.source.maxP95Ms} ms; limits: failure ${work.failureLimit}, inconclusive ${work.inconclusiveLimit}`);
    }
  } catch (err) {
    clients?.destroy();
    if (signal.aborted) return { outcome: "cancelled", exitCode: null, message: "verify: stopped", outputs };
    const message = `verify could not start: ${err instanceof Error ? err.message : String(err)}`;
    log.system(message);
    return { outcome: "failure", exitCode: null, message, outputs: { ...outputs, "verify.result": "error" } };
  }

  const suffix = weight !== null ? `_${weight}` : "";
  const post = (phase: string, failingSample: EcsProgress["failingSample"] = null, force = false) =>
    progress.post({ kind: "ecs", phase: `${phase}${suffix}`, weights: weight !== null ? { blue: 100 - weight, green: weight } : null, services: [], failingSample }, force);
  post("MONITORING", null, true);

  let verdict: Verdict = { done: false };
  // Samples at a fixed rate from here (start + i × interval), whatever the queries cost.
  const t0 = clock.now();
  const until = (i: number) => Math.max(0, t0 + i * intervalMs - clock.now());
  try {
    // Bounded by `total` samples.
    for (let i = 1; i <= total && !verdict.done; i++) {
      let sample: Sample;
      if (sampler) {
        await clock.sleep(until(i), signal);
        if (signal.aborted) break;
        const end = Math.floor(clock.now() / (sampler.periodSeconds * 1000)) * sampler.periodSeconds * 1000;
        sample = await sampler.sample(i, end, intervalMs);
      } else {
        const src = work.source as Extract<VerifyWork["source"], { kind: "http" }>;
        sample = await httpSample(src, i, intervalMs, signal, () => clock.now());
        for (const c of sample.checks) if (c.link) c.link = safeUrl(c.link);
      }
      if (signal.aborted) break;
      log.system(sampleLine(sample, total));
      verdict = analysis.add(sample);
      post("MONITORING");
      if (!sampler && !verdict.done && i < total) await clock.sleep(until(i), signal);
    }
  } finally {
    clients?.destroy();
  }
  if (signal.aborted) {
    progress.flush();
    return { outcome: "cancelled", exitCode: null, message: `verify: stopped after ${analysis.samples.length} of ${total} samples`, outputs: summaryOutputs(analysis, "cancelled") };
  }

  // ------------------------------------------------------------------------------------------- report
  const report = analysis.report();
  const score = analysis.score();
  log.system("verify: metric | green | baseline | variance | threshold | samples within");
  for (const r of report) {
    const v = r.variance === null ? "—" : `${r.variance >= 0 ? "+" : "−"}${Math.abs(r.variance).toFixed(1)}%${r.variance < 0 && r.unit !== "" ? " (improvement)" : ""}`;
    log.system(`verify:   ${r.label} | ${fmt(r.value, r.unit)} | ${r.baseline === null ? "—" : fmt(r.baseline, r.unit)} | ${v} | ${r.threshold} | ${r.ok}/${r.withData}`);
  }
  log.system(`verify: score ${score}/100 (risk ${risk(score)}); ${analysis.counts.samples} samples: ${analysis.counts.failed} failed, ${analysis.counts.inconclusive} inconclusive, ${analysis.counts.errors} errors`);

  if (verdict.done && verdict.outcome !== "passed") {
    const check = verdict.failing?.check ?? null;
    const at = verdict.failing?.sample.at ?? clock.now();
    const failingSample: EcsProgress["failingSample"] = {
      metric: check?.label ?? (verdict.outcome === "inconclusive" ? "no data" : "query error"),
      value: check?.value ?? 0,
      threshold: check ? (check.max ?? check.min ?? 0) : verdict.outcome === "inconclusive" ? work.inconclusiveLimit : work.consecutiveErrorLimit,
      at: iso(at),
      link: check?.link ?? null,
    };
    post("ANOMALY", failingSample, true);
    progress.flush();
    const message = `verification ${verdict.outcome}: ${verdict.message ?? ""}; score ${score}/100${check?.link ? `; see ${check.link}` : ""}`;
    log.system(message);
    return {
      outcome: "failure",
      exitCode: null,
      message: message.length > 1900 ? `${message.slice(0, 1900)}…` : message,
      outputs: { ...summaryOutputs(analysis, verdict.outcome ?? "failed"), "verify.failingSample": JSON.stringify({ ...failingSample, reason: check?.reason ?? verdict.message ?? "" }) },
    };
  }
  post("MONITORING", null, true);
  progress.flush();
  const main = report.filter((r) => r.key === "errorRate" || r.key === "latencyP95").map((r) => `${r.key === "errorRate" ? "error rate" : "p95"} ${fmt(r.value, r.unit)}${r.baseline !== null ? ` (baseline ${fmt(r.baseline, r.unit)})` : ""}`);
  const message = `verification passed: ${analysis.counts.samples} samples, score ${score}/100 (risk ${risk(score)})${main.length ? `; ${main.join(", ")}` : ""}`;
  return { outcome: "success", exitCode: null, message, outputs: summaryOutputs(analysis, "passed") };
}

function summaryOutputs(analysis: Analysis, result: string): Record<string, string> {
  const c = analysis.counts;
  const metrics = Object.fromEntries(
    analysis.report().map((r) => [r.key, { label: r.label, value: r.value, baseline: r.baseline, variancePercent: r.variance === null ? null : Math.round(r.variance * 10) / 10, score: r.score === null ? null : Math.round(r.score), threshold: r.threshold }]),
  );
  return {
    "verify.result": result,
    "verify.score": String(analysis.score()),
    "verify.samples": String(c.samples),
    "verify.failed": String(c.failed),
    "verify.inconclusive": String(c.inconclusive),
    "verify.errors": String(c.errors),
    "verify.metrics": JSON.stringify(metrics),
  };
}
