/**
 * Project members: invite by email (a local account with a one-time password when there is no SSO; with SSO the
 * person signs in there and their account is linked by email), change role, remove. Removing a member or
 * lowering a role takes effect on their next request (roles are read per request) and closes their streams.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import type { Role } from "~/generated/prisma/enums";
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type AuditActor } from "../audit/record-audit";
import type { RequestInfo } from "../context";

export async function listMembers(o: { db: Db; projectId: string }) {
  const [members, mappings] = await Promise.all([
    o.db.membership.findMany({ where: { projectId: o.projectId }, orderBy: { createdAt: "asc" }, select: { id: true, role: true, createdAt: true, user: { select: { id: true, email: true, name: true, disabled: true, ssoGroups: true, twoFactorEnabled: true, accounts: { select: { providerId: true } } } } } }),
    o.db.roleMapping.findMany({ where: { OR: [{ projectId: o.projectId }, { projectId: null }] }, orderBy: { group: "asc" }, select: { id: true, group: true, role: true, projectId: true } }),
  ]);
  return {
    members: members.map((m) => ({ id: m.id, role: m.role, since: m.createdAt, user: { ...m.user, accounts: undefined, signIn: m.user.accounts.map((a) => (a.providerId === "credential" ? "password" : "sso")) } })),
    mappings,
  };
}

export async function inviteMember(o: { db: Db; projectId: string; email: string; name?: string; role: Role; ssoConfigured: boolean; actor: AuditActor; request?: RequestInfo }) {
  const email = o.email.toLowerCase();
  return o.db.$transaction(async (tx) => {
    let user = await tx.user.findUnique({ where: { email }, select: { id: true } });
    let oneTimePassword: string | null = null;
    if (!user) {
      user = await tx.user.create({ data: { id: randomUUID(), email, name: o.name ?? email.split("@")[0]!, emailVerified: true }, select: { id: true } });
      if (!o.ssoConfigured) {
        // No SSO: the invitee needs a way in. Shown once to the Admin, who passes it on; only its hash is kept.
        oneTimePassword = randomBytes(12).toString("base64url");
        await tx.account.create({ data: { id: randomUUID(), userId: user.id, accountId: user.id, providerId: "credential", password: await hashPassword(oneTimePassword) } });
      }
    }
    const existing = await tx.membership.findUnique({ where: { projectId_userId: { projectId: o.projectId, userId: user.id } } });
    if (existing) throw new AppError("ALREADY_EXISTS", `${email} is already a member (${existing.role})`, { field: "email" });
    await tx.membership.create({ data: { projectId: o.projectId, userId: user.id, role: o.role } });
    await recordAudit(tx, { actor: o.actor, action: "member.invite", projectId: o.projectId, target: { type: "user", id: user.id }, summary: { email, role: o.role }, request: o.request });
    return { userId: user.id, oneTimePassword };
  });
}

export async function changeMemberRole(o: { db: Db; projectId: string; membershipId: string; role: Role; actor: AuditActor; request?: RequestInfo }) {
  return o.db.$transaction(async (tx) => {
    const m = await tx.membership.findFirst({ where: { id: o.membershipId, projectId: o.projectId }, select: { id: true, role: true, userId: true } });
    if (!m) throw new AppError("NOT_FOUND", "Member not found", { field: "membershipId" });
    await tx.membership.update({ where: { id: m.id }, data: { role: o.role } });
    await recordAudit(tx, { actor: o.actor, action: "member.changeRole", projectId: o.projectId, target: { type: "user", id: m.userId }, summary: { before: m.role, after: o.role }, request: o.request });
    return { ok: true };
  });
}

export async function removeMember(o: { db: Db; projectId: string; membershipId: string; actor: AuditActor; request?: RequestInfo }) {
  return o.db.$transaction(async (tx) => {
    const m = await tx.membership.findFirst({ where: { id: o.membershipId, projectId: o.projectId }, select: { id: true, role: true, userId: true } });
    if (!m) throw new AppError("NOT_FOUND", "Member not found", { field: "membershipId" });
    await tx.membership.delete({ where: { id: m.id } });
    await recordAudit(tx, { actor: o.actor, action: "member.remove", projectId: o.projectId, target: { type: "user", id: m.userId }, summary: { role: m.role }, request: o.request });
    return { ok: true };
  });
}

/** Group → role rules. projectId null = organisation-wide (needs an organisation Admin). */
export async function saveRoleMapping(o: { db: Db; group: string; projectId: string | null; role: Role; actor: AuditActor; request?: RequestInfo; userId: string }) {
  return o.db.$transaction(async (tx) => {
    const before = await tx.roleMapping.findFirst({ where: { group: o.group, projectId: o.projectId } });
    const saved = before ? await tx.roleMapping.update({ where: { id: before.id }, data: { role: o.role } }) : await tx.roleMapping.create({ data: { group: o.group, projectId: o.projectId, role: o.role, createdById: o.userId } });
    await recordAudit(tx, { actor: o.actor, action: "roleMapping.save", projectId: o.projectId, target: { type: "roleMapping", id: saved.id }, summary: { group: o.group, scope: o.projectId ? "project" : "organisation", before: before?.role ?? null, after: o.role }, request: o.request });
    return saved;
  });
}

export async function deleteRoleMapping(o: { db: Db; mappingId: string; projectId: string | null; actor: AuditActor; request?: RequestInfo }) {
  return o.db.$transaction(async (tx) => {
    const m = await tx.roleMapping.findFirst({ where: { id: o.mappingId, projectId: o.projectId } });
    if (!m) throw new AppError("NOT_FOUND", "Mapping not found", { field: "mappingId" });
    await tx.roleMapping.delete({ where: { id: m.id } });
    await recordAudit(tx, { actor: o.actor, action: "roleMapping.delete", projectId: o.projectId, target: { type: "roleMapping", id: m.id }, summary: { group: m.group, role: m.role }, request: o.request });
    return { ok: true };
  });
}
