/**
 * Which hosts an SSH step works on, in which groups, and how many at once:
 *
 *   batch size      a count (2) or a share of the selected hosts ("25%", rounded up, at least 1)
 *   maxConcurrency  hosts worked on at once inside a batch (default: the batch size)
 *   tolerance       failed hosts allowed; one more stops the step: nothing new starts, running hosts finish
 *   canary percent  deploy until ⌈percent × hosts⌉ run the release; hosts already on it count, the rest are
 *                   taken in the work's (stable) order
 */
export function batchSize(size: number | string, selected: number): number {
  if (typeof size === "number") {
    if (!Number.isInteger(size) || size < 1) throw new Error(`batch size ${size} must be a whole number of hosts, at least 1`);
    return size;
  }
  const pct = /^(\d{1,3})%$/.exec(size.trim());
  if (pct) {
    const p = Number(pct[1]);
    if (p < 1 || p > 100) throw new Error(`batch size ${size} must be between 1% and 100%`);
    return Math.max(1, Math.ceil((p * selected) / 100));
  }
  if (/^\d+$/.test(size.trim()) && Number(size) >= 1) return Number(size);
  throw new Error(`batch size ${JSON.stringify(size)} is neither a count (2) nor a share ("25%")`);
}

export function toBatches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface CanaryPlan {
  /** ⌈percent × hosts / 100⌉ */
  target: number;
  alreadyOn: number[];
  /** Indexes of hosts to deploy now, in work order. */
  selected: number[];
}

export function canaryPlan(onRelease: readonly boolean[], percent: number): CanaryPlan {
  const target = Math.min(onRelease.length, Math.ceil((percent * onRelease.length) / 100));
  const alreadyOn = onRelease.flatMap((on, i) => (on ? [i] : []));
  const need = Math.max(0, target - alreadyOn.length);
  const selected = onRelease.flatMap((on, i) => (on ? [] : [i])).slice(0, need);
  return { target, alreadyOn, selected };
}

export interface BatchRun<T> {
  failed: T[];
  succeeded: T[];
  /** Not started because the tolerance was used up (or the step was cancelled). */
  notStarted: T[];
}

/**
 * Runs `work` over the batches: a batch starts once the previous one ended within tolerance; inside a batch at
 * most `maxConcurrency` at once. `work` resolves true for success and must not throw.
 */
export async function runBatches<T>(
  batches: readonly T[][],
  o: { maxConcurrency: number; tolerateFailures: number; signal: AbortSignal; onBatch?(index: number, total: number): void; work(item: T): Promise<boolean> },
): Promise<BatchRun<T>> {
  const run: BatchRun<T> = { failed: [], succeeded: [], notStarted: [] };
  const exceeded = () => run.failed.length > o.tolerateFailures || o.signal.aborted;
  for (const [index, batch] of batches.entries()) {
    if (exceeded()) {
      run.notStarted.push(...batch);
      continue;
    }
    o.onBatch?.(index, batches.length);
    await mapLimit(batch, Math.max(1, o.maxConcurrency), async (item) => {
      if (exceeded()) return void run.notStarted.push(item);
      (await o.work(item)) ? run.succeeded.push(item) : run.failed.push(item);
    });
  }
  return run;
}

/** `fn` over `items`, at most `limit` at once, in order of start. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    // Bounded by the items.
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}
