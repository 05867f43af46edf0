/**
 * Appends one audit event, chained to the previous one (chain.ts). Called inside the same transaction as the
 * change it describes, so a change without its audit row cannot exist. Appends are serialised by a transaction-
 * scoped advisory lock: the chain has one order. Summaries hold names and ids, never secret values.
 */
import type { Prisma } from "~/generated/prisma/client";
import type { RequestInfo } from "../context";
import type { Tx } from "../db";
import { auditHash } from "./chain";

export type AuditActor = { type: "user" | "delegate" | "system" | "apikey"; id: string | null; label: string };

export type RecordAuditOptions = {
  actor: AuditActor;
  action: string;
  projectId?: string | null;
  target?: { type: string; id: string };
  summary?: Prisma.InputJsonValue;
  request?: Pick<RequestInfo, "ip" | "userAgent"> | null;
};

const AUDIT_LOCK = 72_707_002;

export async function recordAudit(tx: Tx, o: RecordAuditOptions): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`;
  const last = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  const prevHash = last?.hash ?? "";
  const content = {
    // Milliseconds only: PostgreSQL keeps microseconds, JavaScript dates milliseconds; the hash must survive a round trip.
    at: new Date(Math.floor(Date.now())),
    actorType: o.actor.type,
    actorId: o.actor.id,
    actorLabel: o.actor.label,
    projectId: o.projectId ?? null,
    action: o.action,
    targetType: o.target?.type ?? "",
    targetId: o.target?.id ?? "",
    summary: (o.summary ?? {}) as unknown,
    ip: o.request?.ip ?? null,
    userAgent: o.request?.userAgent ?? null,
  };
  await tx.auditEvent.create({ data: { ...content, summary: content.summary as Prisma.InputJsonValue, prevHash, hash: auditHash(prevHash, content) } });
}

export function userActor(user: { id: string; email: string; kind?: "user" | "apikey"; apiKey?: { id: string; name: string } | null }): AuditActor {
  if (user.kind === "apikey" && user.apiKey) return { type: "apikey", id: user.apiKey.id, label: `API key "${user.apiKey.name}" (created by ${user.email})` };
  return { type: "user", id: user.id, label: user.email };
}

/** For callers outside a transaction (sign-in hooks): the append still gets its own transaction and the lock. */
export async function recordAuditNow(db: { $transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> }, o: RecordAuditOptions): Promise<void> {
  await db.$transaction((tx) => recordAudit(tx, o));
}
