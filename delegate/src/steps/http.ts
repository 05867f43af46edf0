/**
 * The `http` step: call a URL from inside the customer network and check the answer (a health check after a
 * deploy, a webhook). Success when the status is in `expectStatus` and, if set, the body contains `bodyContains`.
 * Otherwise it retries `retries` times, waiting retryIntervalMs, then twice that, … capped at maxRetryIntervalMs.
 * Every attempt is a system log line with status and timing, so a failed check explains itself.
 *
 * Zero means "no limit" for requestTimeoutMs and maxRetryIntervalMs, as it does for a task's timeoutMs.
 */
import type { HttpWork } from "@slipway/pipeline-spec/protocol";
import { sleep } from "../transport/backoff";
import { stepResult, type StepContext, type StepExecutor, type StepResult } from "./types";

/** How much of a response body is read to look for `bodyContains`. */
const MAX_BODY_BYTES = 1024 * 1024;

export function createHttpExecutor(): StepExecutor<HttpWork> {
  return { kind: "http", run: runHttp };
}

type Attempt = { ok: true; status: number } | { ok: false; reason: string; status: number | null; excerpt?: string };

async function runHttp(work: HttpWork, ctx: StepContext): Promise<StepResult> {
  const attempts = work.retries + 1;
  let last: Attempt | null = null;
  // Bounded by `attempts`.
  for (let n = 1; n <= attempts; n++) {
    if (ctx.signal.aborted) break;
    const startedAt = Date.now();
    last = await attempt(work, ctx.signal);
    const took = `${Date.now() - startedAt} ms`;
    if (ctx.signal.aborted) break;
    if (last.ok) {
      ctx.log.system(`attempt ${n}/${attempts}: ${work.method} ${work.url} → ${last.status} in ${took}: ok`);
      return { ...stepResult("success", `status ${last.status} after ${n} attempt${n === 1 ? "" : "s"}`), outputs: { status: String(last.status) } };
    }
    ctx.log.system(`attempt ${n}/${attempts}: ${work.method} ${work.url} → ${last.status ?? "no answer"} in ${took}: ${last.reason}`);
    if (last.excerpt) ctx.log.system(`  response body: ${last.excerpt}`);
    if (n < attempts) {
      const cap = work.maxRetryIntervalMs > 0 ? work.maxRetryIntervalMs : Number.POSITIVE_INFINITY;
      const delay = Math.min(work.retryIntervalMs * 2 ** (n - 1), cap);
      ctx.log.system(`retrying in ${delay} ms`);
      await sleep(delay, ctx.signal);
    }
  }
  if (ctx.signal.aborted) return stepResult("cancelled", "stopped while checking " + work.url);
  const reason = last && !last.ok ? last.reason : "no attempt made";
  return stepResult("failure", `${reason} after ${attempts} attempt${attempts === 1 ? "" : "s"}`);
}

async function attempt(work: HttpWork, signal: AbortSignal): Promise<Attempt> {
  const timeout = work.requestTimeoutMs > 0 ? AbortSignal.timeout(work.requestTimeoutMs) : null;
  const combined = timeout ? AbortSignal.any([signal, timeout]) : signal;
  try {
    const res = await fetch(work.url, {
      method: work.method,
      headers: work.headers,
      body: work.method === "GET" || work.method === "HEAD" ? undefined : work.body,
      signal: combined,
      redirect: "follow",
    });
    const body = await readBody(res);
    if (!work.expectStatus.includes(res.status)) {
      return { ok: false, status: res.status, reason: `expected status ${work.expectStatus.join(" or ")}, got ${res.status}`, excerpt: excerpt(body) };
    }
    if (work.bodyContains !== undefined && !body.includes(work.bodyContains)) {
      return { ok: false, status: res.status, reason: `status ${res.status} but the body does not contain ${JSON.stringify(work.bodyContains)}`, excerpt: excerpt(body) };
    }
    return { ok: true, status: res.status };
  } catch (err) {
    if (timeout?.aborted && !signal.aborted) return { ok: false, status: null, reason: `no answer within ${work.requestTimeoutMs} ms` };
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { ok: false, status: null, reason: `request failed: ${e.cause?.code ?? e.cause?.message ?? e.message}` };
  }
}

/** The body as text, at most MAX_BODY_BYTES of it (a health check does not need a 2 GB download). */
async function readBody(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  // Bounded by the body's end or MAX_BODY_BYTES.
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
    if (bytes >= MAX_BODY_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return text + decoder.decode();
}

function excerpt(body: string): string | undefined {
  const flat = body.replace(/\s+/g, " ").trim();
  if (!flat) return undefined;
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
