/**
 * The audit trail's tamper evidence: each event carries the hash of the previous event and a hash over its own
 * content chained to it. Editing, deleting or reordering rows directly in the database breaks the chain from that
 * row on; `npm run audit:verify` walks it and names the first broken row.
 */
import { createHash } from "node:crypto";

export type AuditContent = {
  at: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  projectId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  summary: unknown;
  ip: string | null;
  userAgent: string | null;
};

/** JSON with object keys sorted at every level: PostgreSQL's jsonb reorders keys, so the hash must not depend on order. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj).filter((k) => obj[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(",")}}`;
}

export function auditHash(prevHash: string, c: AuditContent): string {
  const body = canonical({ ...c, at: c.at.toISOString() });
  return createHash("sha256").update(`${prevHash}\n${body}`).digest("hex");
}
