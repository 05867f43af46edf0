/** Small helpers shared by the benchmarks: percentiles and a uniform one-line-per-figure report. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summary(values: number[]) {
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), max: Math.max(...values) };
}

export function report(name: string, figures: Record<string, unknown>) {
  console.log(JSON.stringify({ bench: name, at: new Date().toISOString(), ...figures }));
}

export const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
