/**
 * The bookkeeping of a verification, Argo Rollouts' analysis model: each sample (measurement) is successful,
 * failed (a metric crossed its threshold or an alarm was in ALARM), inconclusive (no data) or an error (the query
 * itself failed). The verification fails as soon as
 *   failed        > failureLimit,
 *   inconclusive  > inconclusiveLimit      (fails as inconclusive),
 *   errors in a row > consecutiveErrorLimit (fails as an error),
 * and passes when the window ends without that.
 *
 * Besides the verdict it keeps, per metric, the values seen (green and, when there is one, the baseline), to report
 * variance % against the baseline and a score: per metric 100 × samples within threshold / samples with data, overall
 * the mean of the metric scores (CV-9/CV-10 of the reference); risk low ≥ 90, medium ≥ 70, else high.
 */

export interface Check {
  /** Stable key, e.g. errorRate, latencyP95, q_cpu, alarm:name. */
  key: string;
  /** What a person reads: "5xx error rate of tg/myapp-tg-green". */
  label: string;
  unit: "%" | "ms" | "";
  value: number | null;
  baseline?: number | null;
  max?: number | null;
  min?: number | null;
  bad: boolean;
  /** Why it is bad: "38.2% > 5%". */
  reason?: string;
  link?: string | null;
  /** For error-rate checks: the numerator and denominator (to aggregate over the window). */
  parts?: { errors: number; requests: number; baseErrors?: number; baseRequests?: number };
}

export type SampleKind = "successful" | "failed" | "inconclusive" | "error";

export interface Sample {
  index: number;
  /** Epoch ms at the end of the sample's window. */
  at: number;
  kind: SampleKind;
  checks: Check[];
  error?: string;
}

export interface Limits {
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
}

export interface Verdict {
  done: boolean;
  outcome?: "passed" | "failed" | "inconclusive" | "error";
  message?: string;
  failing?: { sample: Sample; check: Check | null };
}

interface MetricTally {
  label: string;
  unit: Check["unit"];
  threshold: string;
  ok: number;
  withData: number;
  values: number[];
  baselines: number[];
  errors: number;
  requests: number;
  baseErrors: number;
  baseRequests: number;
  isRate: boolean;
}

export function fmt(v: number | null | undefined, unit: Check["unit"]): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "no data";
  if (unit === "%") return Number.isInteger(v) ? `${v}%` : `${v < 10 ? v.toFixed(2) : v.toFixed(1)}%`;
  if (unit === "ms") return `${Math.round(v)} ms`;
  return Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
}

export function thresholdText(c: Pick<Check, "max" | "min" | "unit">): string {
  const parts: string[] = [];
  if (c.max !== null && c.max !== undefined) parts.push(`≤ ${fmt(c.max, c.unit)}`);
  if (c.min !== null && c.min !== undefined) parts.push(`≥ ${fmt(c.min, c.unit)}`);
  return parts.join(" and ") || "—";
}

export function variance(value: number | null, baseline: number | null): number | null {
  if (value === null || baseline === null || !Number.isFinite(value) || !Number.isFinite(baseline)) return null;
  if (baseline === 0) return value === 0 ? 0 : null;
  return ((value - baseline) / Math.abs(baseline)) * 100;
}

export class Analysis {
  readonly samples: Sample[] = [];
  private failed = 0;
  private inconclusive = 0;
  private consecutiveErrors = 0;
  private errors = 0;
  private readonly metrics = new Map<string, MetricTally>();

  constructor(private readonly limits: Limits) {}

  get counts() {
    return { samples: this.samples.length, failed: this.failed, inconclusive: this.inconclusive, errors: this.errors };
  }

  add(sample: Sample): Verdict {
    this.samples.push(sample);
    if (sample.kind === "error") {
      this.errors++;
      this.consecutiveErrors++;
      if (this.consecutiveErrors > this.limits.consecutiveErrorLimit) {
        return { done: true, outcome: "error", message: `${this.consecutiveErrors} query errors in a row (consecutiveErrorLimit ${this.limits.consecutiveErrorLimit}): ${sample.error ?? "error"}`, failing: { sample, check: null } };
      }
      return { done: false };
    }
    this.consecutiveErrors = 0;
    for (const c of sample.checks) this.tally(c);
    if (sample.kind === "failed") {
      this.failed++;
      if (this.failed > this.limits.failureLimit) {
        const check = sample.checks.find((c) => c.bad) ?? null;
        const what = check ? `${check.label} ${check.reason ?? fmt(check.value, check.unit)}` : "a bad sample";
        return {
          done: true,
          outcome: "failed",
          message: `${what} at ${iso(sample.at)} (sample ${sample.index}; ${this.failed} bad sample${this.failed === 1 ? "" : "s"}, failureLimit ${this.limits.failureLimit})`,
          failing: { sample, check },
        };
      }
    } else if (sample.kind === "inconclusive") {
      this.inconclusive++;
      if (this.inconclusive > this.limits.inconclusiveLimit) {
        const missing = sample.checks.filter((c) => c.value === null).map((c) => c.label);
        return {
          done: true,
          outcome: "inconclusive",
          message: `inconclusive: ${this.inconclusive} samples without data (inconclusiveLimit ${this.limits.inconclusiveLimit})${missing.length ? `; no data for ${missing.join(", ")}` : ""}`,
          failing: { sample, check: null },
        };
      }
    }
    return { done: false };
  }

  private tally(c: Check): void {
    let m = this.metrics.get(c.key);
    if (!m) {
      m = { label: c.label, unit: c.unit, threshold: thresholdText(c), ok: 0, withData: 0, values: [], baselines: [], errors: 0, requests: 0, baseErrors: 0, baseRequests: 0, isRate: !!c.parts };
      this.metrics.set(c.key, m);
    }
    if (c.value === null) return;
    m.withData++;
    if (!c.bad) m.ok++;
    m.values.push(c.value);
    if (c.baseline !== null && c.baseline !== undefined) m.baselines.push(c.baseline);
    if (c.parts) {
      m.errors += c.parts.errors;
      m.requests += c.parts.requests;
      m.baseErrors += c.parts.baseErrors ?? 0;
      m.baseRequests += c.parts.baseRequests ?? 0;
    }
  }

  /** Per-metric window figures: value, baseline, variance %, score. */
  report(): { key: string; label: string; unit: Check["unit"]; value: number | null; baseline: number | null; variance: number | null; score: number | null; threshold: string; ok: number; withData: number }[] {
    return [...this.metrics.entries()].map(([key, m]) => {
      const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
      const value = m.isRate ? (m.requests > 0 ? (100 * m.errors) / m.requests : null) : mean(m.values);
      const baseline = m.isRate ? (m.baseRequests > 0 ? (100 * m.baseErrors) / m.baseRequests : null) : mean(m.baselines);
      return { key, label: m.label, unit: m.unit, value, baseline, variance: variance(value, baseline), score: m.withData ? (100 * m.ok) / m.withData : null, threshold: m.threshold, ok: m.ok, withData: m.withData };
    });
  }

  score(): number {
    const scores = this.report().map((r) => r.score).filter((s): s is number => s !== null);
    return scores.length ? Math.round(scores.reduce((a, b) => a + b, 0) / scores.length) : 0;
  }
}

export function risk(score: number): "low" | "medium" | "high" {
  return score >= 90 ? "low" : score >= 70 ? "medium" : "high";
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

/** The sample's line in the log: "sample 3/10 12:03:30Z: 5xx error rate 0.42% (≤ 5%, blue 0.38%) · … → ok". */
export function sampleLine(s: Sample, total: number): string {
  const head = `sample ${s.index}/${total} ${iso(s.at).slice(11)}`;
  if (s.kind === "error") return `${head}: query error: ${s.error ?? "?"}`;
  const parts = s.checks.map((c) => {
    const base = c.baseline !== undefined ? `, baseline ${fmt(c.baseline, c.unit)}` : "";
    return `${c.label} ${fmt(c.value, c.unit)} (${thresholdText(c)}${base})${c.bad ? ` ✗ ${c.reason ?? ""}` : ""}`;
  });
  const verdict = s.kind === "successful" ? "ok" : s.kind === "failed" ? "FAILED" : "no data (inconclusive)";
  return `${head}: ${parts.join(" · ")} → ${verdict}`;
}
