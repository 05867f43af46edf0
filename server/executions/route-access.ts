/**
 * Route handlers about an execution (its event stream, log downloads) pass the same checks as tRPC procedures: a
 * valid session, and a role in the execution's project that grants the permission. Non-members get 404.
 */
import { getSessionUser, type SessionUser } from "../auth/session";
import type { Db } from "../db";
import { AppError } from "../errors";
import { resolveProjectAccess } from "../projects/resolve-project-access";
import { can, type Permission } from "../rbac";

export async function executionAccess(db: Db, headers: Headers, executionId: string, permission: Permission): Promise<{ user: SessionUser; projectId: string }> {
  const user = await getSessionUser(headers);
  if (!user) throw new AppError("UNAUTHORIZED", "Sign in to continue");
  const exec = await db.execution.findUnique({ where: { id: executionId }, select: { projectId: true } });
  if (!exec) throw new AppError("NOT_FOUND", "Execution not found");
  const project = await resolveProjectAccess(db, user, exec.projectId);
  if (!can(project.role, permission)) throw new AppError("FORBIDDEN", `Permission required: ${permission}`);
  return { user, projectId: exec.projectId };
}

export function errorResponse(e: unknown): Response {
  if (e instanceof AppError) return Response.json(e.toJSON(), { status: e.status });
  return Response.json({ code: "UNAVAILABLE", message: "Something went wrong on our side." }, { status: 500 });
}
