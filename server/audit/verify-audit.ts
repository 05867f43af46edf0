import type { Db } from "../db";
import { auditHash } from "./chain";

export type VerifyResult = { ok: true; checked: number } | { ok: false; checked: number; id: string; reason: string };

/** Walks the whole chain in order (in pages, any size) and reports the first row that does not fit. */
export async function verifyAuditChain(db: Db): Promise<VerifyResult> {
  let prev = "";
  let after = 0n;
  let checked = 0;
  for (;;) {
    const rows = await db.auditEvent.findMany({ where: { id: { gt: after } }, orderBy: { id: "asc" }, take: 2_000 });
    if (!rows.length) return { ok: true, checked };
    for (const r of rows) {
      if (r.prevHash !== prev) return { ok: false, checked, id: r.id.toString(), reason: `row ${r.id} does not follow the previous row (a row before it was edited, deleted or inserted)` };
      const expected = auditHash(prev, { at: r.at, actorType: r.actorType, actorId: r.actorId, actorLabel: r.actorLabel, projectId: r.projectId, action: r.action, targetType: r.targetType, targetId: r.targetId, summary: r.summary, ip: r.ip, userAgent: r.userAgent });
      if (r.hash !== expected) return { ok: false, checked, id: r.id.toString(), reason: `row ${r.id} (${r.action} by ${r.actorLabel}) was changed after it was written` };
      prev = r.hash;
      after = r.id;
      checked++;
    }
  }
}
