import type { Tx } from "../db";
import type { SessionUser } from "../auth/session";
import { permissionsOf } from "../rbac";
import { resolveProjectAccess } from "./resolve-project-access";

type Caller = Pick<SessionUser, "id" | "orgRole" | "ssoGroups" | "apiKey">;

/** The projects a caller can see, each with their effective role and permissions there (for the UI to hide buttons). */
export async function listProjects(o: { db: Tx; user: Caller }) {
  const u = o.user;
  const where = u.apiKey
    ? { id: u.apiKey.projectId }
    : u.orgRole
      ? {}
      : { OR: [{ memberships: { some: { userId: u.id } } }, ...(u.ssoGroups.length ? [{ roleMappings: { some: { group: { in: u.ssoGroups } } } }] : [])] };
  const rows = await o.db.project.findMany({ where, orderBy: { name: "asc" }, select: { id: true, slug: true, name: true, description: true, _count: { select: { pipelines: { where: { deletedAt: null } } } } } });
  const out = [];
  for (const { _count, ...p } of rows) {
    const access = await resolveProjectAccess(o.db, u, p.id).catch(() => null);
    if (access) out.push({ ...p, role: access.role, permissions: permissionsOf(access.role), pipelineCount: _count.pipelines });
  }
  return out;
}

/** One project by slug with the caller's role, or null when it does not exist or the caller has no role in it. */
export async function getProjectBySlug(o: { db: Tx; user: Caller; slug: string }) {
  const p = await o.db.project.findUnique({ where: { slug: o.slug }, select: { id: true, slug: true, name: true, description: true } });
  if (!p) return null;
  const access = await resolveProjectAccess(o.db, o.user, p.id).catch(() => null);
  return access ? { ...p, role: access.role, permissions: permissionsOf(access.role) } : null;
}
