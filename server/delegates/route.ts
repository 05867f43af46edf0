/**
 * The shape of every delegate route handler: authenticate the delegate token (and instance), parse the body with
 * the protocol schema, call one domain function, answer JSON. Errors become the protocol's error body with the
 * matching status, so the delegate can tell "retry later" from "stop".
 */
import type { z } from "zod";
import { db } from "../db";
import { logger } from "../logger";
import { authenticateDelegate, type DelegateCaller } from "./authenticate";
import { DelegateProtocolError } from "./protocol-error";

type Ctx<B> = { caller: DelegateCaller; body: B; request: Request; params: Record<string, string> };

export function delegateRoute<S extends z.ZodType | null>(
  opts: { body: S; instance: "required" | "none" },
  handler: (ctx: Ctx<S extends z.ZodType ? z.infer<S> : undefined>) => Promise<unknown>,
) {
  return async (request: Request, context: { params: Promise<Record<string, string>> }): Promise<Response> => {
    try {
      const caller = await authenticateDelegate(db(), request.headers, { instance: opts.instance });
      let body: unknown = undefined;
      if (opts.body) {
        const raw = await request.json().catch(() => {
          throw new DelegateProtocolError("invalid", "the body is not JSON");
        });
        const parsed = opts.body.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new DelegateProtocolError("invalid", `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
        }
        body = parsed.data;
      }
      const result = await handler({ caller, body: body as never, request, params: await context.params });
      return Response.json(result ?? { ok: true });
    } catch (e) {
      if (e instanceof DelegateProtocolError) return Response.json(e.toJSON(), { status: e.status });
      logger().error({ err: e, url: request.url }, "delegate API call failed");
      return Response.json({ error: "unavailable", message: "the studio could not handle this call; retry" }, { status: 503 });
    }
  };
}
