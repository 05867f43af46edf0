/**
 * The delegate's HTTP client for the studio's delegate API: one method per endpoint of protocol v1, every body
 * parsed with the shared zod schemas, every failure turned into an `ApiError` of one of three kinds that callers
 * switch on (actions/runner and buildkite split errors the same way):
 *
 *   unrecoverable  401/403, or an error body saying `revoked`: the token is no good; stop and exit non-zero
 *   retryable      network errors, timeouts, 5xx, 429: the studio is away; back off and try again
 *   protocol       any other answer (409 lease_lost / log_gap / logs_incomplete / conflict, 404 not_found…)
 *
 * Edit when the protocol gains an endpoint. Do not add retries here: each caller knows what a retry means for it.
 * @see pipeline-spec/src/protocol.ts  src/transport/backoff.ts
 */
import {
  AppendLogsResponseSchema,
  ClaimResponseSchema,
  DELEGATE_API_PREFIX,
  DELEGATE_INSTANCE_HEADER,
  DelegateErrorSchema,
  DelegateHeartbeatResponseSchema,
  OfferedTasksResponseSchema,
  RegisterResponseSchema,
  TaskHeartbeatResponseSchema,
  type DelegateError,
  type Progress,
  type RegisterRequest,
  type ResultRequest,
} from "@slipway/pipeline-spec/protocol";
import type { z } from "zod";

export type ApiErrorKind = "unrecoverable" | "retryable" | "protocol";

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    /** HTTP status, or null when no answer arrived. */
    readonly status: number | null = null,
    /** The protocol error code from the body, when there was one. */
    readonly code: DelegateError["error"] | null = null,
    /** For log_gap / logs_incomplete: the seq the studio expects next. */
    readonly expectedSeq?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Whether `err` is an ApiError (of `kind`, if given). Narrows to that kind without erasing ApiError elsewhere. */
export const isApiError = <K extends ApiErrorKind>(err: unknown, kind?: K): err is ApiError & { readonly kind: K } =>
  err instanceof ApiError && (kind === undefined || err.kind === kind);

/**
 * Worth retrying: the studio is away, or it answered `unknown_instance` ("register again") — the worker's
 * heartbeat re-registers (adopting running tasks) and the retry then goes out with the new instance id.
 */
export const isTransient = (err: unknown): boolean => isApiError(err, "retryable") || (isApiError(err) && err.code === "unknown_instance");

/** Turns a non-2xx answer into an ApiError. Exported for tests. */
export function classifyResponse(status: number, bodyText: string, what: string): ApiError {
  let body: DelegateError | null = null;
  try {
    const parsed = DelegateErrorSchema.safeParse(JSON.parse(bodyText));
    if (parsed.success) body = parsed.data;
  } catch {
    // Not JSON (a proxy's HTML error page, say): classify by status alone.
  }
  const detail = body ? `${body.error}: ${body.message}` : bodyText.slice(0, 200).trim() || "(no body)";
  const message = `${what} → ${status} ${detail}`;
  if (status === 401 || status === 403 || body?.error === "revoked" || body?.error === "unauthorized") {
    return new ApiError("unrecoverable", message, status, body?.error ?? "unauthorized");
  }
  if (status >= 500 || status === 429 || status === 408) return new ApiError("retryable", message, status, body?.error ?? null);
  return new ApiError("protocol", message, status, body?.error ?? null, body?.expectedSeq);
}

export interface ApiClientOptions {
  /** Studio origin without a trailing slash. */
  url: string;
  token: string;
  userAgent: string;
  /** Per-request timeout (default 30 s). The stream has its own watchdog instead. */
  requestTimeoutMs?: number;
}

export class ApiClient {
  private delegateId: string | null = null;
  private readonly timeoutMs: number;

  constructor(private readonly options: ApiClientOptions) {
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** The instance id from registration, sent on every later call. */
  setDelegateId(id: string): void {
    this.delegateId = id;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { authorization: `Bearer ${this.options.token}`, "user-agent": this.options.userAgent, ...extra };
    if (this.delegateId) h[DELEGATE_INSTANCE_HEADER] = this.delegateId;
    return h;
  }

  url(path: string): string {
    return `${this.options.url}${DELEGATE_API_PREFIX}${path}`;
  }

  register(body: RegisterRequest, signal?: AbortSignal) {
    return this.call("POST", "/register", body, RegisterResponseSchema, signal);
  }
  heartbeat(body: { runningTaskIds: string[]; load: number }, signal?: AbortSignal) {
    return this.call("POST", "/heartbeat", body, DelegateHeartbeatResponseSchema, signal);
  }
  offeredTasks(signal?: AbortSignal) {
    return this.call("GET", "/tasks/offered", undefined, OfferedTasksResponseSchema, signal);
  }
  claim(taskId: string, claimId: string, signal?: AbortSignal) {
    return this.call("POST", `/tasks/${encodeURIComponent(taskId)}/claim`, { claimId }, ClaimResponseSchema, signal);
  }
  taskHeartbeat(taskId: string, fencingToken: number, signal?: AbortSignal) {
    return this.call("POST", `/tasks/${encodeURIComponent(taskId)}/heartbeat`, { fencingToken }, TaskHeartbeatResponseSchema, signal);
  }
  appendLogs(taskId: string, body: string, signal?: AbortSignal) {
    // The body comes pre-serialised: the shipper sizes its batches by their JSON length.
    return this.call("POST", `/tasks/${encodeURIComponent(taskId)}/logs`, new RawJson(body), AppendLogsResponseSchema, signal);
  }
  /** Where a multi-host step stands (the answer carries nothing the delegate needs). */
  progress(taskId: string, body: { fencingToken: number; progress: Progress }, signal?: AbortSignal) {
    return this.call("POST", `/tasks/${encodeURIComponent(taskId)}/progress`, body, null, signal);
  }
  result(taskId: string, body: ResultRequest, signal?: AbortSignal) {
    return this.call("POST", `/tasks/${encodeURIComponent(taskId)}/result`, body, null, signal);
  }

  /** Opens GET /stream; resolves once the headers are in (the body is the caller's to read). */
  async openStream(lastEventId: string, signal: AbortSignal): Promise<Response> {
    const headers = this.headers({ accept: "text/event-stream", "cache-control": "no-cache" });
    if (lastEventId) headers["last-event-id"] = lastEventId;
    const what = "GET /stream";
    let res: Response;
    try {
      res = await fetch(this.url("/stream"), { headers, signal });
    } catch (err) {
      throw networkError(what, err);
    }
    if (!res.ok) throw classifyResponse(res.status, await res.text().catch(() => ""), what);
    if (!res.body) throw new ApiError("retryable", `${what} → ${res.status} without a body`, res.status);
    return res;
  }

  private async call<S extends z.ZodType>(
    method: "GET" | "POST",
    path: string,
    body: unknown,
    schema: S | null,
    signal?: AbortSignal,
  ): Promise<z.infer<S>> {
    const what = `${method} ${path}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.url(path), {
        method,
        headers: this.headers(body === undefined ? {} : { "content-type": "application/json" }),
        body: body === undefined ? undefined : body instanceof RawJson ? body.text : JSON.stringify(body),
        signal: combined,
      });
      text = await res.text();
    } catch (err) {
      throw networkError(what, err, timeout.aborted ? this.timeoutMs : undefined);
    }
    if (!res.ok) throw classifyResponse(res.status, text, what);
    if (!schema) return undefined as z.infer<S>;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError("protocol", `${what} → ${res.status} with a body that is not JSON`, res.status, "invalid");
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ApiError("protocol", `${what} → ${res.status} with an unexpected body: ${parsed.error.issues[0]?.message}`, res.status, "invalid");
    }
    return parsed.data;
  }
}

class RawJson {
  constructor(readonly text: string) {}
}

function networkError(what: string, err: unknown, timedOutAfterMs?: number): ApiError {
  if (timedOutAfterMs !== undefined) return new ApiError("retryable", `${what} timed out after ${timedOutAfterMs} ms`);
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === "AbortError") return new ApiError("retryable", `${what} aborted`);
  const cause = e?.cause?.code ?? e?.cause?.message;
  return new ApiError("retryable", `${what} failed: ${e?.message ?? String(err)}${cause ? ` (${cause})` : ""}`);
}
