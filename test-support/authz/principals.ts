/**
 * The callers of the authorization matrix: one of each kind of principal the studio knows, made for real — users
 * with password accounts signed in through Better Auth (so their credential is a real session cookie), API keys,
 * SSO group mappings, a delegate token — and, next to each, what the permission table says it is: its
 * organisation-wide role and its effective role in the "own" and the "other" project. Those expectations are
 * written here by hand from the rules in server/rbac.ts (membership raised to the organisation role, group
 * mappings, an API key = exactly its role in its project), not computed by the code under test.
 */
import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import type { Role } from "~/generated/prisma/enums";
import type { Db } from "~/server/db";
import { createApiKey } from "~/server/access/api-keys";
import type { AuditActor } from "~/server/audit/record-audit";
import { createDelegateToken } from "~/server/delegates/tokens";
import { uniqueToken } from "./inputs";

export type ProjectKey = "own" | "other";
export type Expectation = { authenticated: boolean; orgRole: Role | null; roles: Record<ProjectKey, Role | null> };

type UserSpec = { membership?: Role; orgRole?: Role; group?: "project-executors" | "org-admins"; after?: "disable" | "sign-out" };
export type PrincipalSpec =
  | { key: string; kind: "anonymous"; expect: Expectation }
  | { key: string; kind: "user"; user: UserSpec; expect: Expectation }
  | { key: string; kind: "apikey"; apiKey: { role: Role; state: "active" | "revoked" | "expired" }; expect: Expectation }
  | { key: string; kind: "delegate"; expect: Expectation };

const ROLES = ["ADMIN", "PIPELINE_ADMIN", "PIPELINE_EXECUTOR", "VIEWER"] as const satisfies readonly Role[];
const nobody: Expectation = { authenticated: false, orgRole: null, roles: { own: null, other: null } };
const SHORT: Record<Role, string> = { ADMIN: "admin", PIPELINE_ADMIN: "pipeline-admin", PIPELINE_EXECUTOR: "executor", VIEWER: "viewer" };

/** Every principal of the matrix, with what the permission table says about it. */
export const PRINCIPALS: PrincipalSpec[] = [
  { key: "anonymous", kind: "anonymous", expect: nobody },
  ...ROLES.map((r): PrincipalSpec => ({ key: `member:${SHORT[r]}`, kind: "user", user: { membership: r }, expect: { authenticated: true, orgRole: null, roles: { own: r, other: null } } })),
  ...ROLES.map((r): PrincipalSpec => ({ key: `org:${SHORT[r]}`, kind: "user", user: { orgRole: r }, expect: { authenticated: true, orgRole: r, roles: { own: r, other: r } } })),
  // The higher of membership and organisation role wins, in each project.
  { key: "member:viewer+org:executor", kind: "user", user: { membership: "VIEWER", orgRole: "PIPELINE_EXECUTOR" }, expect: { authenticated: true, orgRole: "PIPELINE_EXECUTOR", roles: { own: "PIPELINE_EXECUTOR", other: "PIPELINE_EXECUTOR" } } },
  { key: "member:admin+org:viewer", kind: "user", user: { membership: "ADMIN", orgRole: "VIEWER" }, expect: { authenticated: true, orgRole: "VIEWER", roles: { own: "ADMIN", other: "VIEWER" } } },
  // Identity-provider groups, mapped per request: to Pipeline Executor in the own project; to Admin everywhere.
  { key: "sso:project-executor", kind: "user", user: { group: "project-executors" }, expect: { authenticated: true, orgRole: null, roles: { own: "PIPELINE_EXECUTOR", other: null } } },
  { key: "sso:org-admin", kind: "user", user: { group: "org-admins" }, expect: { authenticated: true, orgRole: "ADMIN", roles: { own: "ADMIN", other: "ADMIN" } } },
  { key: "signed-in outsider", kind: "user", user: {}, expect: { authenticated: true, orgRole: null, roles: { own: null, other: null } } },
  // A valid-looking cookie that no longer stands for anyone.
  { key: "disabled member:admin", kind: "user", user: { membership: "ADMIN", after: "disable" }, expect: nobody },
  { key: "signed-out member:admin", kind: "user", user: { membership: "ADMIN", after: "sign-out" }, expect: nobody },
  ...ROLES.map((r): PrincipalSpec => ({ key: `apikey:${SHORT[r]}`, kind: "apikey", apiKey: { role: r, state: "active" }, expect: { authenticated: true, orgRole: null, roles: { own: r, other: null } } })),
  { key: "apikey:revoked", kind: "apikey", apiKey: { role: "ADMIN", state: "revoked" }, expect: nobody },
  { key: "apikey:expired", kind: "apikey", apiKey: { role: "ADMIN", state: "expired" }, expect: nobody },
  // Delegates have their own endpoints; on user endpoints their token is nobody.
  { key: "delegate token", kind: "delegate", expect: nobody },
];

export type SeededPrincipal = {
  spec: PrincipalSpec;
  /** The request headers that carry this principal's credential (cookie or bearer). */
  headers: Record<string, string>;
  user: { id: string; email: string; password: string } | null;
};

export type AuthzWorld = {
  db: Db;
  projects: Record<ProjectKey, { id: string; slug: string; name: string }>;
  groups: { projectExecutors: string; orgAdmins: string };
  principals: SeededPrincipal[];
  /** A user (ADMIN member of both projects, not a principal of the matrix) who creates keys and fixtures. */
  owner: { id: string; email: string; actor: AuditActor };
  /** The delegate token of the "delegate token" principal. */
  delegateToken: { id: string; token: string };
};

export type SignIn = (email: string, password: string) => Promise<{ cookie: string; sessionToken?: string }>;
/** Ends the session behind `cookie` the way the user would (Better Auth sign-out). */
export type SignOut = (cookie: string) => Promise<void>;

const PASSWORD = "authz-matrix-password-0123";
let passwordHash: Promise<string> | null = null;

async function createUserRow(db: Db, o: { email: string; name: string; orgRole?: Role | null; ssoGroups?: string[] }) {
  passwordHash ??= hashPassword(PASSWORD);
  const id = randomUUID();
  await db.user.create({ data: { id, email: o.email, name: o.name, emailVerified: true, orgRole: o.orgRole ?? null, ssoGroups: o.ssoGroups ?? [] } });
  await db.account.create({ data: { id: randomUUID(), userId: id, accountId: id, providerId: "credential", password: await passwordHash } });
  return { id, email: o.email, password: PASSWORD };
}

/**
 * Seeds the two projects, the group mappings and one real credential per principal. `signIn` obtains a session
 * cookie (in-process through Better Auth's handler, or over HTTP from a studio process).
 */
export async function seedAuthzWorld(db: Db, o: { signIn: SignIn; signOut: SignOut; label?: string }): Promise<AuthzWorld> {
  const run = `${o.label ?? "authz"}-${uniqueToken()}`;
  const owner = await createUserRow(db, { email: `${run}-owner@example.test`, name: "Matrix owner" });
  const ownerActor: AuditActor = { type: "user", id: owner.id, label: owner.email };
  const mk = (k: ProjectKey) =>
    db.project.create({ data: { slug: `${run}-${k}`, name: `Matrix ${k} ${run}`, memberships: { create: { userId: owner.id, role: "ADMIN" } } }, select: { id: true, slug: true, name: true } });
  const projects = { own: await mk("own"), other: await mk("other") };
  const groups = { projectExecutors: `${run}-project-executors`, orgAdmins: `${run}-org-admins` };
  await db.roleMapping.create({ data: { group: groups.projectExecutors, projectId: projects.own.id, role: "PIPELINE_EXECUTOR" } });
  await db.roleMapping.create({ data: { group: groups.orgAdmins, projectId: null, role: "ADMIN" } });

  const principals: SeededPrincipal[] = [];
  let n = 0;
  for (const spec of PRINCIPALS) {
    n += 1;
    if (spec.kind === "anonymous") principals.push({ spec, headers: {}, user: null });
    else if (spec.kind === "delegate") principals.push({ spec, headers: {}, user: null }); // filled below
    else if (spec.kind === "apikey") {
      const key = await createApiKey({ db, projectId: projects.own.id, name: `${run}-${spec.key}`, role: spec.apiKey.role, creator: { id: owner.id, role: "ADMIN" }, actor: ownerActor });
      if (spec.apiKey.state === "revoked") await db.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
      if (spec.apiKey.state === "expired") await db.apiKey.update({ where: { id: key.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
      principals.push({ spec, headers: { authorization: `Bearer ${key.key}` }, user: null });
    } else {
      const u = spec.user;
      const ssoGroups = u.group === "project-executors" ? [groups.projectExecutors] : u.group === "org-admins" ? [groups.orgAdmins] : [];
      const user = await createUserRow(db, { email: `${run}-p${n}@example.test`, name: spec.key, orgRole: u.orgRole ?? null, ssoGroups });
      if (u.membership) await db.membership.create({ data: { projectId: projects.own.id, userId: user.id, role: u.membership } });
      const { cookie } = await o.signIn(user.email, user.password);
      if (!cookie) throw new Error(`signing in ${spec.key} (${user.email}) gave no session cookie`);
      if (u.after === "disable") await db.user.update({ where: { id: user.id }, data: { disabled: true } });
      if (u.after === "sign-out") await o.signOut(cookie);
      principals.push({ spec, headers: { cookie }, user });
    }
  }
  const dt = await createDelegateToken({ db, name: `${run}-delegate`, userId: owner.id, actor: ownerActor });
  for (const p of principals) if (p.spec.kind === "delegate") p.headers = { authorization: `Bearer ${dt.token}` };
  return { db, projects, groups, principals, owner: { id: owner.id, email: owner.email, actor: ownerActor }, delegateToken: { id: dt.id, token: dt.token } };
}

export const principal = (world: AuthzWorld, key: string): SeededPrincipal => {
  const p = world.principals.find((x) => x.spec.key === key);
  if (!p) throw new Error(`no principal ${key}`);
  return p;
};

let clientAddress = 0;
/** A distinct documentation-range address (198.18.0.0/15, for benchmarks) per call. */
export function nextClientAddress(): string {
  clientAddress += 1;
  return `198.18.${(clientAddress >> 8) & 255}.${clientAddress & 255}`;
}

/** Sign-in and sign-out over HTTP against a studio process (Origin must be the studio's public origin). */
export function httpSessions(o: { baseUrl: string; origin: string }): { signIn: SignIn; signOut: SignOut } {
  return {
    async signIn(email, password) {
      // Better Auth rate-limits sign-ins per client address (3 per 10 s in production). The matrix signs in a score
      // of users from one address, so each sign-in says it comes from its own (X-Forwarded-For), and a 429 is
      // waited out in case the studio stops trusting that header.
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${o.baseUrl}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: o.origin, "x-forwarded-for": nextClientAddress() },
          body: JSON.stringify({ email, password }),
        });
        if (res.status === 429 && attempt < 8) {
          await new Promise((r) => setTimeout(r, 1_000 * Math.max(1, Number(res.headers.get("x-retry-after") ?? res.headers.get("retry-after") ?? 2))));
          continue;
        }
        if (res.status !== 200) throw new Error(`sign-in of ${email} answered ${res.status}: ${await res.text()}`);
        return { cookie: res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") };
      }
    },
    async signOut(cookie) {
      const res = await fetch(`${o.baseUrl}/api/auth/sign-out`, { method: "POST", headers: { "content-type": "application/json", origin: o.origin, cookie }, body: "{}" });
      if (res.status !== 200) throw new Error(`sign-out answered ${res.status}: ${await res.text()}`);
    },
  };
}
