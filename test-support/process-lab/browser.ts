/**
 * What a browser does, over plain HTTP: sign in with email and password (Better Auth sets the session cookie),
 * read an execution's live event stream (SSE) the way the execution page does, and download a step's log.
 */
import type { Studio } from "./studio";

export type BrowserSession = { cookie: string };

export async function signIn(studio: Pick<Studio, "url" | "baseUrl">, email: string, password: string): Promise<BrowserSession> {
  const res = await fetch(`${studio.baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: studio.url },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]!);
  if (!cookies.some((c) => c.includes("session_token"))) throw new Error(`sign-in set no session cookie: ${JSON.stringify(cookies)}`);
  return { cookie: cookies.join("; ") };
}

export type SseMessage = { id: string | null; event: string; data: string; receivedAt: number };

export type StreamRead = {
  /** Every byte received, decoded: what to search for leaked values. */
  raw: string;
  messages: SseMessage[];
  /** Why reading stopped. */
  ended: "done" | "timeout" | "closed";
};

const TERMINAL = ["SUCCESS", "FAILED", "ABORTED", "ROLLED_BACK"];

/** True for the transition that ends the execution. */
export function isExecutionEnd(m: SseMessage): boolean {
  if (m.event !== "transition") return false;
  const d = JSON.parse(m.data) as { scope?: string; to?: string };
  return d.scope === "execution" && TERMINAL.includes(d.to ?? "");
}

/**
 * Reads GET /api/executions/:id/events as the signed-in browser until `stop` says so (default: the execution
 * ended), the stream closes, or `timeoutMs` passes. `onMessage` sees each message as it arrives.
 */
export async function readExecutionStream(
  studio: Pick<Studio, "url" | "baseUrl">,
  session: BrowserSession,
  executionId: string,
  o: { timeoutMs?: number; after?: string; stop?: (m: SseMessage) => boolean; onMessage?: (m: SseMessage) => void } = {},
): Promise<StreamRead> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), o.timeoutMs ?? 60_000);
  const stop = o.stop ?? isExecutionEnd;
  const messages: SseMessage[] = [];
  let raw = "";
  let ended: StreamRead["ended"] = "closed";
  try {
    const res = await fetch(`${studio.baseUrl}/api/executions/${encodeURIComponent(executionId)}/events${o.after ? `?after=${o.after}` : ""}`, {
      headers: { cookie: session.cookie, accept: "text/event-stream", origin: studio.url },
      signal: ctrl.signal,
    });
    if (!res.ok || !res.body) throw new Error(`event stream refused: ${res.status} ${await res.text()}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    // Bounded by the timer (abort), the stop condition, or the server closing the stream.
    outer: for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      raw += text;
      buf += text;
      const receivedAt = Date.now();
      for (let at = buf.indexOf("\n\n"); at !== -1; at = buf.indexOf("\n\n")) {
        const frame = buf.slice(0, at);
        buf = buf.slice(at + 2);
        const m: SseMessage = { id: null, event: "message", data: "", receivedAt };
        const data: string[] = [];
        for (const line of frame.split("\n")) {
          if (line.startsWith(":")) continue;
          const i = line.indexOf(":");
          const field = i === -1 ? line : line.slice(0, i);
          const value = i === -1 ? "" : line.slice(i + 1).replace(/^ /, "");
          if (field === "id") m.id = value;
          else if (field === "event") m.event = value;
          else if (field === "data") data.push(value);
        }
        if (!data.length) continue;
        m.data = data.join("\n");
        messages.push(m);
        o.onMessage?.(m);
        if (stop(m)) {
          ended = "done";
          ctrl.abort();
          break outer;
        }
      }
    }
  } catch (e) {
    if (!ctrl.signal.aborted) throw e;
    if (ended !== "done") ended = "timeout";
  } finally {
    clearTimeout(timer);
  }
  return { raw, messages, ended };
}

/** GET the whole log of one step attempt as the download button does. */
export async function downloadLog(studio: Pick<Studio, "url" | "baseUrl">, session: BrowserSession, executionId: string, stepRunId: string): Promise<string> {
  const res = await fetch(`${studio.baseUrl}/api/executions/${encodeURIComponent(executionId)}/steps/${encodeURIComponent(stepRunId)}/log`, {
    headers: { cookie: session.cookie },
    signal: AbortSignal.timeout(60_000),
  });
  if (!res.ok) throw new Error(`log download refused: ${res.status} ${await res.text()}`);
  return res.text();
}
