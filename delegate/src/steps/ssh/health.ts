/**
 * The health check after start: HTTP from the delegate (fetch) or from the host itself (curl over SSH), retried
 * with exponential backoff (interval, doubling, capped at maxInterval) for `retries` attempts in all. Every
 * attempt is a line in the host's lane: status, time, and how long until the next one.
 */
import type { SshDeployWork } from "@slipway/pipeline-spec/protocol";
import { sleep } from "../../transport/backoff";
import { HostError, hostScript, type FleetHost } from "./fleet";
import { shq } from "./vars";

type HealthCheck = NonNullable<SshDeployWork["healthCheck"]>;

const REQUEST_TIMEOUT_MS = 5_000;

export async function checkHealth(h: FleetHost, hc: HealthCheck, url: string, signal: AbortSignal): Promise<string> {
  const attempts = Math.max(1, hc.retries);
  let last = "no attempt made";
  // Bounded by `attempts`.
  for (let n = 1; n <= attempts; n++) {
    if (signal.aborted) throw new HostError("cancelled");
    const started = Date.now();
    const status = hc.from === "host" ? await onHost(h, url, signal) : await fromDelegate(url, signal);
    const took = Date.now() - started;
    if (signal.aborted) throw new HostError("cancelled");
    if (status.code === hc.expectStatus) {
      h.lane.system(`health check attempt ${n}/${attempts}: GET ${url} → ${status.code} in ${took} ms: healthy`);
      return `healthy (${status.code}) after ${n} attempt${n === 1 ? "" : "s"}`;
    }
    last = status.code === null ? status.reason : `expected ${hc.expectStatus}, got ${status.code}`;
    const delay = Math.min(hc.intervalMs * 2 ** (n - 1), hc.maxIntervalMs > 0 ? hc.maxIntervalMs : Number.POSITIVE_INFINITY);
    h.lane.system(`health check attempt ${n}/${attempts}: GET ${url} → ${status.code ?? "no answer"} in ${took} ms: ${last}${n < attempts ? `; next attempt in ${delay} ms` : ""}`);
    if (n < attempts) await sleep(delay, signal);
  }
  throw new HostError(`${last} after ${attempts} attempt${attempts === 1 ? "" : "s"} (${url})`);
}

async function fromDelegate(url: string, signal: AbortSignal): Promise<{ code: number | null; reason: string }> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  try {
    const res = await fetch(url, { signal: AbortSignal.any([signal, timeout]), redirect: "manual" });
    await res.body?.cancel();
    return { code: res.status, reason: "" };
  } catch (err) {
    if (timeout.aborted) return { code: null, reason: `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` };
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { code: null, reason: `request failed: ${e.cause?.code ?? e.cause?.message ?? e.message}` };
  }
}

async function onHost(h: FleetHost, url: string, signal: AbortSignal): Promise<{ code: number | null; reason: string }> {
  const script = [
    `command -v curl >/dev/null 2>&1 || { echo "curl is not installed on the host (needed for a health check from the host)" >&2; exit 127; }`,
    `curl -s -o /dev/null -w '%{http_code}' --max-time ${REQUEST_TIMEOUT_MS / 1000} ${shq(url)} || true`,
  ].join("\n");
  const r = await hostScript(h, script, { signal, quiet: true, timeoutMs: REQUEST_TIMEOUT_MS + 10_000, what: "health check" });
  const code = Number(r.stdout.trim());
  return code > 0 ? { code, reason: "" } : { code: null, reason: "curl on the host got no answer" };
}
