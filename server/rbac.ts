/**
 * Who may do what: one table, read by every tRPC procedure, route handler and stream (deny by default).
 * Roles are the reference's four (003 §6.1). A user's role in a project is their membership's role, raised to their
 * organisation-wide role when that is higher. The UI receives the permission list to hide buttons; the server never
 * trusts it.
 */
import type { Role } from "~/generated/prisma/enums";

export const PERMISSIONS = [
  "project.read",
  "project.create",
  "project.manage",
  "member.manage",
  "pipeline.read",
  "pipeline.write",
  "pipeline.execute",
  "execution.read",
  "execution.approve",
  "execution.control",
  "record.read",
  "record.write",
  "secret.read",
  "secret.write",
  "delegate.read",
  "delegate.manage",
  "audit.read",
  "dashboard.read",
  "apikey.manage",
  "mapping.manage",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ["project.read", "pipeline.read", "execution.read", "record.read", "secret.read", "delegate.read", "dashboard.read"];

/** The reference's wording for each role, kept next to what it grants. */
export const ROLE_PERMISSIONS = {
  /** Full platform access, user management, security settings. */
  ADMIN: [...PERMISSIONS],
  /** Create/edit/delete pipelines, configure services and environments, manage connectors, execute. */
  PIPELINE_ADMIN: [...READ, "pipeline.write", "pipeline.execute", "execution.approve", "execution.control", "record.write", "secret.write"],
  /** Execute existing pipelines, view results, approve/reject manual steps, view logs and metrics. */
  PIPELINE_EXECUTOR: [...READ, "pipeline.execute", "execution.approve", "execution.control"],
  /** Read-only: view pipelines, executions and dashboards. No execution or modification. */
  VIEWER: [...READ],
} as const satisfies Record<Role, readonly Permission[]>;

export const ROLES = ["ADMIN", "PIPELINE_ADMIN", "PIPELINE_EXECUTOR", "VIEWER"] as const satisfies readonly Role[];

export const ROLE_LABELS: Record<Role, string> = {
  ADMIN: "Admin",
  PIPELINE_ADMIN: "Pipeline Admin",
  PIPELINE_EXECUTOR: "Pipeline Executor",
  VIEWER: "Viewer",
};

const RANK: Record<Role, number> = { VIEWER: 0, PIPELINE_EXECUTOR: 1, PIPELINE_ADMIN: 2, ADMIN: 3 };

export function can(role: Role | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  return (ROLE_PERMISSIONS[role] as readonly Permission[]).includes(permission);
}

export function permissionsOf(role: Role | null | undefined): Permission[] {
  return role ? [...ROLE_PERMISSIONS[role]] : [];
}

/** The higher of two roles (null = none). */
export function maxRole(a: Role | null | undefined, b: Role | null | undefined): Role | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return RANK[b] > RANK[a] ? b : a;
}

/** The effective role: the highest of the project membership, the organisation-wide role and any mapped roles. */
export function effectiveRole(membershipRole: Role | null | undefined, orgRole: Role | null | undefined, ...mapped: (Role | null | undefined)[]): Role | null {
  return [membershipRole, orgRole, ...mapped].reduce<Role | null>((r, x) => maxRole(r, x), null);
}
