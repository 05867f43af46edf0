import type { Db } from "../db";
import { auditWhere, type AuditFilter } from "./list-audit";

const COLUMNS = ["id", "at", "actorType", "actorId", "actorLabel", "projectId", "action", "targetType", "targetId", "summary", "ip", "userAgent", "prevHash", "hash"] as const;

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? "" : v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Streams the whole (filtered) trail oldest first, with hashes, in pages — any size. */
export function exportAudit(db: Db, filter: AuditFilter, format: "csv" | "json"): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let after = 0n;
  let first = true;
  return new ReadableStream({
    async pull(controller) {
      const rows = await db.auditEvent.findMany({ where: { ...auditWhere(filter), id: { gt: after } }, orderBy: { id: "asc" }, take: 1000 });
      let out = "";
      if (first) out += format === "csv" ? `${COLUMNS.join(",")}\n` : "[";
      for (const r of rows) {
        const rec = { ...r, id: r.id.toString() };
        out += format === "csv" ? `${COLUMNS.map((c) => csvCell(rec[c])).join(",")}\n` : `${first ? "" : ","}\n${JSON.stringify(rec)}`;
        first = false;
        after = r.id;
      }
      if (rows.length < 1000) {
        if (format === "json") out += first ? "]\n" : "\n]\n";
        controller.enqueue(enc.encode(out));
        controller.close();
      } else controller.enqueue(enc.encode(out));
    },
  });
}
