/**
 * Delegate tokens: an Admin creates one (shown once), the studio keeps only its SHA-256, and revoking it refuses
 * every call and closes open streams at once. Tokens are long random strings, so a fast hash is the right hash
 * (a password hash protects low-entropy secrets; these have 190 bits).
 */
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db";
import { AppError, fromPrismaUnique } from "../errors";
import { recordAudit, type AuditActor } from "../audit/record-audit";
import type { RequestInfo } from "../context";
import { sendDelegateEvent } from "./dispatch";

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createDelegateToken(o: { db: Db; name: string; userId: string; actor: AuditActor; request?: RequestInfo }) {
  const token = `swd_${randomBytes(24).toString("base64url")}`;
  const row = await o.db.$transaction(async (tx) => {
    const created = await tx.delegateToken
      .create({ data: { name: o.name, tokenHash: hashToken(token), prefix: token.slice(0, 10), createdById: o.userId }, select: { id: true, name: true, prefix: true, createdAt: true } })
      .catch((e: unknown) => fromPrismaUnique(e, "name", `A delegate token named "${o.name}"`));
    await recordAudit(tx, { actor: o.actor, action: "delegateToken.create", target: { type: "delegateToken", id: created.id }, summary: { name: o.name, prefix: created.prefix }, request: o.request });
    return created;
  });
  return { ...row, token };
}

export async function revokeDelegateToken(o: { db: Db; tokenId: string; actor: AuditActor; request?: RequestInfo }) {
  return o.db.$transaction(async (tx) => {
    const done = await tx.delegateToken.updateMany({ where: { id: o.tokenId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (!done.count) throw new AppError("NOT_FOUND", "No active delegate token with that id", { field: "tokenId" });
    const delegates = await tx.delegate.findMany({ where: { tokenId: o.tokenId, status: { not: "STOPPED" } }, select: { id: true } });
    for (const d of delegates) await sendDelegateEvent(tx, d.id, "revoked", { reason: "the delegate token was revoked" });
    await tx.delegate.updateMany({ where: { tokenId: o.tokenId }, data: { status: "STOPPED", streamOpen: false } });
    await recordAudit(tx, { actor: o.actor, action: "delegateToken.revoke", target: { type: "delegateToken", id: o.tokenId }, summary: { delegates: delegates.length }, request: o.request });
    return { revoked: true };
  });
}
