/**
 * Who is calling, resolved fresh on every request: a signed-in user (Better Auth database session), or an API
 * key (scripts and CI: one project, one role). Delegate tokens are not principals here — delegates have their
 * own endpoints — so a delegate token on a user endpoint is simply "not signed in".
 */
import { createHash } from "node:crypto";
import type { Role } from "~/generated/prisma/enums";
import type { Db } from "../db";
import { maxRole } from "../rbac";

export type Principal = {
  kind: "user" | "apikey";
  /** The user (for an API key: the user who created it, so authored rows have a real author). */
  id: string;
  email: string;
  name: string;
  /** Organisation-wide role: the user's own, raised by organisation-wide group mappings. */
  orgRole: Role | null;
  ssoGroups: string[];
  /** The session passed a second factor (local TOTP, or MFA at the IdP). API keys never have. */
  mfa: boolean;
  sessionId: string;
  apiKey: { id: string; name: string; projectId: string; role: Role } | null;
};

export const API_KEY_PREFIX = "slk_";
export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

export async function apiKeyPrincipal(db: Db, key: string): Promise<Principal | null> {
  const row = await db.apiKey.findUnique({ where: { keyHash: hashApiKey(key) }, include: { createdBy: { select: { id: true, email: true, disabled: true } } } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt < new Date()) || row.createdBy.disabled) return null;
  // Last use is for the keys page; an hourly write is enough and keeps hot paths read-only.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 3_600_000) await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  return {
    kind: "apikey",
    id: row.createdBy.id,
    email: row.createdBy.email,
    name: `API key ${row.name}`,
    orgRole: null,
    ssoGroups: [],
    mfa: false,
    sessionId: `apikey:${row.id}`,
    apiKey: { id: row.id, name: row.name, projectId: row.projectId, role: row.role },
  };
}

/** The organisation-wide role after group mappings (the higher of the user's own and every matching mapping). */
export async function effectiveOrgRole(db: Db, own: Role | null, groups: string[]): Promise<Role | null> {
  if (!groups.length) return own;
  const mapped = await db.roleMapping.findMany({ where: { projectId: null, group: { in: groups } }, select: { role: true } });
  return mapped.reduce<Role | null>((r, m) => maxRole(r, m.role), own);
}
