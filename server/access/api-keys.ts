/**
 * API keys for scripts and CI: one project, one role, shown once, stored as SHA-256, revocable (refused at once).
 * Creating one needs apikey.manage, and a key can never carry a role above its creator's in that project.
 */
import { randomBytes } from "node:crypto";
import type { Role } from "~/generated/prisma/enums";
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type AuditActor } from "../audit/record-audit";
import type { RequestInfo } from "../context";
import { API_KEY_PREFIX, hashApiKey } from "../auth/principal";
import { maxRole } from "../rbac";

export async function createApiKey(o: { db: Db; projectId: string; name: string; role: Role; expiresInDays?: number; creator: { id: string; role: Role }; actor: AuditActor; request?: RequestInfo }) {
  if (maxRole(o.role, o.creator.role) !== o.creator.role) throw new AppError("FORBIDDEN", `A key cannot have a higher role (${o.role}) than yours (${o.creator.role})`, { field: "role" });
  const key = `${API_KEY_PREFIX}${randomBytes(24).toString("base64url")}`;
  return o.db.$transaction(async (tx) => {
    const row = await tx.apiKey.create({
      data: { projectId: o.projectId, name: o.name, role: o.role, keyHash: hashApiKey(key), prefix: key.slice(0, 10), createdById: o.creator.id, expiresAt: o.expiresInDays ? new Date(Date.now() + o.expiresInDays * 86_400_000) : null },
      select: { id: true, name: true, role: true, prefix: true, createdAt: true, expiresAt: true },
    });
    await recordAudit(tx, { actor: o.actor, action: "apiKey.create", projectId: o.projectId, target: { type: "apiKey", id: row.id }, summary: { name: o.name, role: o.role, prefix: row.prefix }, request: o.request });
    return { ...row, key };
  });
}

export async function listApiKeys(o: { db: Db; projectId: string }) {
  return o.db.apiKey.findMany({ where: { projectId: o.projectId }, orderBy: { createdAt: "desc" }, select: { id: true, name: true, role: true, prefix: true, createdAt: true, expiresAt: true, revokedAt: true, lastUsedAt: true, createdBy: { select: { email: true } } } });
}

export async function revokeApiKey(o: { db: Db; projectId: string; keyId: string; actor: AuditActor; request?: RequestInfo }) {
  return o.db.$transaction(async (tx) => {
    const done = await tx.apiKey.updateMany({ where: { id: o.keyId, projectId: o.projectId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (!done.count) throw new AppError("NOT_FOUND", "No active API key with that id in this project", { field: "keyId" });
    await recordAudit(tx, { actor: o.actor, action: "apiKey.revoke", projectId: o.projectId, target: { type: "apiKey", id: o.keyId }, request: o.request });
    return { ok: true };
  });
}
