/** Bounded polling for the process lab: every wait has a deadline and says what it was waiting for. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type Falsy = null | undefined | false;

/**
 * Polls `probe` until it returns a truthy value (returned), or throws after `timeoutMs` with `what` and the
 * optional diagnostics. Errors thrown by the probe are retried until the deadline (a studio mid-restart, say).
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | Falsy> | T | Falsy,
  o: { timeoutMs?: number; intervalMs?: number; diagnostics?: () => string | Promise<string> } = {},
): Promise<T> {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  // Bounded by the deadline.
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      lastError = null;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const extra = o.diagnostics ? await Promise.resolve(o.diagnostics()).catch((e: unknown) => `(diagnostics failed: ${String(e)})`) : "";
      const why = lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}${extra ? `\n${extra}` : ""}`);
    }
    await sleep(o.intervalMs ?? 100);
  }
}
