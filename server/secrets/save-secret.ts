/**
 * Project secrets: values are sealed (AES-256-GCM) on write and never returned to a browser — only names, kinds
 * and dates are listed. A step reads one as <+secrets.getValue("name")>; only a delegate that claims the step
 * receives the value, inside that task.
 */
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type AuditActor } from "../audit/record-audit";
import type { RequestInfo } from "../context";
import { seal } from "./crypto";

export const secretContext = (projectId: string, name: string) => `secret:${projectId}:${name}`;

export async function saveSecret(o: { db: Db; projectId: string; name: string; kind: "TEXT" | "FILE"; value: string; description: string; userId: string; actor: AuditActor; request?: RequestInfo }) {
  const sealed = new Uint8Array(seal(o.value, secretContext(o.projectId, o.name)));
  return o.db.$transaction(async (tx) => {
    const existing = await tx.secret.findUnique({ where: { projectId_name: { projectId: o.projectId, name: o.name } }, select: { id: true } });
    const saved = await tx.secret.upsert({
      where: { projectId_name: { projectId: o.projectId, name: o.name } },
      create: { projectId: o.projectId, name: o.name, kind: o.kind, description: o.description, sealed, createdById: o.userId },
      update: { kind: o.kind, description: o.description, sealed },
      select: { id: true, name: true, kind: true, updatedAt: true },
    });
    await recordAudit(tx, { actor: o.actor, action: existing ? "secret.update" : "secret.create", projectId: o.projectId, target: { type: "secret", id: saved.id }, summary: { name: o.name, kind: o.kind, bytes: Buffer.byteLength(o.value) }, request: o.request });
    return saved;
  });
}

export async function listSecrets(o: { db: Db; projectId: string }) {
  return o.db.secret.findMany({ where: { projectId: o.projectId }, orderBy: { name: "asc" }, select: { id: true, name: true, kind: true, description: true, createdAt: true, updatedAt: true } });
}

export async function deleteSecret(o: { db: Db; projectId: string; name: string; actor: AuditActor; request?: RequestInfo }) {
  return o.db.$transaction(async (tx) => {
    const { count } = await tx.secret.deleteMany({ where: { projectId: o.projectId, name: o.name } });
    if (!count) throw new AppError("NOT_FOUND", `No secret named "${o.name}"`, { field: "name" });
    await recordAudit(tx, { actor: o.actor, action: "secret.delete", projectId: o.projectId, target: { type: "secret", id: o.name }, summary: { name: o.name }, request: o.request });
    return { name: o.name };
  });
}
