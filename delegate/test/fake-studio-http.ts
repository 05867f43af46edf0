/** Wire helpers of the fake studio: JSON answers, request bodies, SSE framing, schema checks. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { StreamEvent } from "@slipway/pipeline-spec/protocol";
import type { z } from "zod";

/** Multi-line `data:` on purpose (pretty JSON), so the delegate's parser joins lines for real. */
export function formatEvent(id: number | null, event: StreamEvent): string {
  const data = JSON.stringify(event, null, 1).split("\n").map((l) => `data: ${l}`).join("\n");
  return `${id === null ? "" : `id: ${id}\n`}event: ${event.type}\n${data}\n\n`;
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

/** Parses a request body with a protocol schema; on failure records a violation and answers 400 invalid. */
export function parseOr400<S extends z.ZodType>(schema: S, body: string, res: ServerResponse, route: string, violations: string[]): z.infer<S> | null {
  let json: unknown;
  try {
    json = body ? JSON.parse(body) : {};
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  violations.push(`${route}: ${parsed.error.message}`);
  send(res, 400, { error: "invalid", message: parsed.error.message });
  return null;
}
