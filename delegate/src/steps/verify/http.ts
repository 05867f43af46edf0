/**
 * The HTTP source of a verification: each sample sends `requestsPerSample` GETs to the URL from the delegate (at
 * most 5 at a time, each given at most the interval or 10 s), and measures the share of answers that are not 2xx/3xx
 * (network errors and timeouts included) and the p95 of the response times. No baseline: the score alone.
 */
import type { VerifyWork } from "@slipway/pipeline-spec/protocol";
import { fmt, type Check, type Sample } from "./analysis";

export type HttpSource = Extract<VerifyWork["source"], { kind: "http" }>;

const CONCURRENCY = 5;

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function probe(url: string, timeoutMs: number, signal: AbortSignal): Promise<{ ok: boolean; ms: number; status: number | null; error?: string }> {
  const started = performance.now();
  const combined = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  try {
    const res = await fetch(url, { signal: combined, redirect: "manual" });
    await res.arrayBuffer().catch(() => undefined);
    return { ok: res.status >= 200 && res.status < 400, ms: performance.now() - started, status: res.status };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, ms: performance.now() - started, status: null, error: e.cause?.code ?? e.name ?? e.message };
  }
}

export async function httpSample(src: HttpSource, index: number, intervalMs: number, signal: AbortSignal, at: () => number): Promise<Sample & { statuses: Record<string, number> }> {
  const timeout = Math.max(1_000, Math.min(intervalMs, 10_000));
  const results: Awaited<ReturnType<typeof probe>>[] = [];
  let next = 0;
  const worker = async () => {
    // Bounded by requestsPerSample.
    while (next < src.requestsPerSample && !signal.aborted) {
      next++;
      results.push(await probe(src.url, timeout, signal));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, src.requestsPerSample) }, worker));
  const statuses: Record<string, number> = {};
  for (const r of results) {
    const key = r.status === null ? (r.error ?? "error") : String(r.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  const failed = results.filter((r) => !r.ok).length;
  const rate = results.length ? (100 * failed) / results.length : null;
  const p95 = percentile(results.map((r) => r.ms), 95);
  const checks: Check[] = [
    {
      key: "errorRate",
      label: `error rate of ${src.url}`,
      unit: "%",
      value: rate,
      max: src.maxErrorPercent,
      bad: rate !== null && rate > src.maxErrorPercent,
      ...(rate !== null && rate > src.maxErrorPercent ? { reason: `${fmt(rate, "%")} > ${fmt(src.maxErrorPercent, "%")} (${Object.entries(statuses).map(([k, n]) => `${k}×${n}`).join(" ")})` } : {}),
      link: src.url,
      parts: { errors: failed, requests: results.length },
    },
    {
      key: "latencyP95",
      label: `p95 latency of ${src.url}`,
      unit: "ms",
      value: p95,
      max: src.maxP95Ms,
      bad: p95 !== null && p95 > src.maxP95Ms,
      ...(p95 !== null && p95 > src.maxP95Ms ? { reason: `${fmt(p95, "ms")} > ${fmt(src.maxP95Ms, "ms")}` } : {}),
      link: src.url,
    },
  ];
  const bad = checks.some((c) => c.bad);
  return { index, at: at(), kind: bad ? "failed" : rate === null ? "inconclusive" : "successful", checks, statuses };
}
