/**
 * Seed factories for tests: users with roles, projects with memberships, and a tRPC caller acting as a user
 * through the real router, middleware and context shape (no mocked builders).
 */
import { randomUUID } from "node:crypto";
import pino from "pino";
import type { Role } from "../generated/prisma/enums";
import type { SessionUser } from "../server/auth/session";
import type { Context } from "../server/context";
import type { Db } from "../server/db";
import { createCaller } from "../server/routers/_app";

const silent = pino({ level: "silent" });
const unique = () => randomUUID().slice(0, 8);

export async function createUser(db: Db, o: { orgRole?: Role | null; name?: string; ssoGroups?: string[]; mfa?: boolean } = {}): Promise<SessionUser> {
  const id = randomUUID();
  const email = `user-${unique()}@example.test`;
  const user = await db.user.create({ data: { id, email, name: o.name ?? `User ${email.slice(5, 13)}`, emailVerified: true, orgRole: o.orgRole ?? null, ssoGroups: o.ssoGroups ?? [] } });
  return { kind: "user", id: user.id, email: user.email, name: user.name, orgRole: user.orgRole, ssoGroups: user.ssoGroups, mfa: o.mfa ?? false, sessionId: `test-${id}`, apiKey: null };
}

export async function createProject(db: Db, members: { user: SessionUser; role: Role }[] = []) {
  const slug = `p-${unique()}`;
  return db.project.create({
    data: { slug, name: `Project ${slug}`, memberships: { create: members.map((m) => ({ userId: m.user.id, role: m.role })) } },
    select: { id: true, slug: true, name: true },
  });
}

export function contextFor(db: Db, user: SessionUser | null): Context {
  return { db, user, logger: silent, request: { ip: "127.0.0.1", userAgent: "vitest", requestId: randomUUID() } };
}

export function callerFor(db: Db, user: SessionUser | null) {
  return createCaller(contextFor(db, user));
}

/** A project with one member per role, plus callers for each. */
export async function projectWithRoles(db: Db) {
  const [admin, pipelineAdmin, executor, viewer, outsider] = await Promise.all([createUser(db), createUser(db), createUser(db), createUser(db), createUser(db)]);
  const project = await createProject(db, [
    { user: admin, role: "ADMIN" },
    { user: pipelineAdmin, role: "PIPELINE_ADMIN" },
    { user: executor, role: "PIPELINE_EXECUTOR" },
    { user: viewer, role: "VIEWER" },
  ]);
  const users = { admin, pipelineAdmin, executor, viewer, outsider };
  const as = Object.fromEntries(Object.entries(users).map(([k, u]) => [k, callerFor(db, u)])) as Record<keyof typeof users, ReturnType<typeof callerFor>>;
  return { project, users, as };
}

/** Runs `fn` expecting a tRPC error; returns its code and the AppError payload the client would receive. */
export async function expectTrpcError(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    const err = e as { code?: string; cause?: { toJSON?: () => Record<string, unknown> } & Record<string, unknown> };
    return { code: err.code, appError: err.cause?.toJSON?.() as { code: string; message: string; field?: string; problems?: import("@slipway/pipeline-spec").Problem[]; details?: Record<string, unknown> } | undefined };
  }
  throw new Error("expected the call to fail, but it succeeded");
}
