import type { Tx } from "../db";
import { AppError } from "../errors";
import { effectiveRole } from "../rbac";
import type { SessionUser } from "../auth/session";
import type { Role } from "~/generated/prisma/enums";

type Caller = Pick<SessionUser, "id" | "orgRole" | "ssoGroups" | "apiKey">;

/**
 * The caller's effective role in a project: membership, organisation-wide role and group mappings, the highest
 * wins; an API key has exactly its own role, in its own project only. A project the caller has no role in is
 * reported as NOT_FOUND, not FORBIDDEN, so project ids cannot be probed.
 */
export async function resolveProjectAccess(db: Tx, user: Caller, projectId: string) {
  const project = await db.project.findUnique({
    where: { id: projectId },
    select: {
      id: true,
      slug: true,
      name: true,
      memberships: { where: { userId: user.id }, select: { role: true } },
      roleMappings: user.ssoGroups?.length ? { where: { group: { in: user.ssoGroups } }, select: { role: true } } : false,
    },
  });
  let role: Role | null = null;
  if (project && user.apiKey) role = user.apiKey.projectId === project.id ? user.apiKey.role : null;
  else if (project) role = effectiveRole(project.memberships[0]?.role, user.orgRole, ...((project.roleMappings as { role: Role }[] | undefined) ?? []).map((m) => m.role));
  if (!project || !role) throw new AppError("NOT_FOUND", "Project not found", { field: "projectId" });
  return { id: project.id, slug: project.slug, name: project.name, role };
}
