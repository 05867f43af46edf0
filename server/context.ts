/**
 * What every tRPC procedure receives: the database, the signed-in user (or null), a logger bound to the request,
 * and the request's origin details for the audit trail. Built once per request by the route handler, and by tests
 * through `createCaller(contextFor(user))` with the same shape.
 */
import { randomUUID } from "node:crypto";
import type pino from "pino";
import { getSessionUser, type SessionUser } from "./auth/session";
import { db, type Db } from "./db";
import { logger } from "./logger";

export type RequestInfo = { ip: string | null; userAgent: string | null; requestId: string };

export type Context = {
  db: Db;
  user: SessionUser | null;
  logger: pino.Logger;
  request: RequestInfo;
};

export function requestInfo(headers: Headers): RequestInfo {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return { ip: forwarded || headers.get("x-real-ip") || null, userAgent: headers.get("user-agent"), requestId: randomUUID() };
}

export async function createContext(opts: { headers: Headers }): Promise<Context> {
  const request = requestInfo(opts.headers);
  const user = await getSessionUser(opts.headers);
  return { db: db(), user, request, logger: logger().child({ requestId: request.requestId, userId: user?.id }) };
}
