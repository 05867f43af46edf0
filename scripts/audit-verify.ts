/**
 * `npm run audit:verify`: checks the audit trail's hash chain in the studio's database (DATABASE_URL, or the
 * embedded database in SLIPWAY_DATA_DIR/.data when it is running). Exit 0 = intact, 1 = tampering found.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createPrismaClient } from "../server/db";
import { verifyAuditChain } from "../server/audit/verify-audit";

function databaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const creds = path.join(process.env.SLIPWAY_DATA_DIR ?? ".data", "postgres", "credentials.json");
  if (!existsSync(creds)) throw new Error("Set DATABASE_URL, or start the studio once (npm start) so the embedded database exists.");
  const c = JSON.parse(readFileSync(creds, "utf8")) as { user: string; password: string; port: number };
  return `postgresql://${c.user}:${encodeURIComponent(c.password)}@127.0.0.1:${c.port}/slipway`;
}

const db = createPrismaClient(databaseUrl(), 2);
try {
  const r = await verifyAuditChain(db);
  if (r.ok) console.log(`Audit trail intact: ${r.checked} events checked.`);
  else {
    console.error(`Audit trail TAMPERED: ${r.reason} (${r.checked} events before it are intact).`);
    process.exitCode = 1;
  }
} finally {
  await db.$disconnect();
}
