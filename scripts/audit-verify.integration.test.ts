/**
 * `npx tsx scripts/audit-verify.ts` end to end, as an operator runs it: against a database whose audit trail was
 * written by the studio's own code, it exits 0; after one audit_event row is edited directly with SQL it exits 1 and
 * names that row; after a row is deleted it exits 1 and names where the chain breaks; restored, it exits 0 again.
 * Runs on a database of its own: tampering with the shared test database would break other test files' chains.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLabDatabase, createLabPipeline, seedLab, type Lab, type LabDatabase } from "~/test-support/process-lab";
import { cleanEnv } from "~/test-support/process-lab/child";

const ROOT = path.resolve(import.meta.dirname, "..");
let labDb: LabDatabase;
let lab: Lab;
let sql: pg.Client;

function verify(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile("npx", ["tsx", "scripts/audit-verify.ts"], { cwd: ROOT, env: cleanEnv({ DATABASE_URL: labDb.url }), timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

beforeAll(async () => {
  labDb = await createLabDatabase("slipway_audit_verify");
  lab = await seedLab(labDb.db); // the bootstrap admin and the demo project: audited as the studio does it
  for (let i = 0; i < 5; i++) await createLabPipeline(lab, `apiVersion: slipway/v1\nkind: Pipeline\nname: audited ${i}\nstages:\n  - id: a\n    steps:\n      - { id: s, type: wait, duration: 1s }\n`);
  sql = new pg.Client({ connectionString: labDb.url });
  await sql.connect();
}, 120_000);

afterAll(async () => {
  await sql?.end();
  await labDb?.drop();
});

type Row = { id: string; actorLabel: string; summary: unknown };

describe("npx tsx scripts/audit-verify.ts", () => {
  it("exits 0 on an untouched audit trail", async () => {
    const events = await labDb.db.auditEvent.count();
    expect(events).toBeGreaterThan(5);
    const r = await verify();
    expect(r.out).toContain(`Audit trail intact: ${events} events checked.`);
    expect(r.code).toBe(0);
  });

  it("exits 1 naming the row edited with SQL, and 0 again once it is restored", async () => {
    const { rows } = await sql.query<Row>(`SELECT id::text, "actorLabel", summary FROM audit_event WHERE action = 'pipeline.create' ORDER BY id LIMIT 1 OFFSET 2`);
    const victim = rows[0]!;
    await sql.query(`UPDATE audit_event SET summary = '{"name":"something else"}'::jsonb WHERE id = $1`, [victim.id]);
    try {
      const r = await verify();
      expect(r.code).toBe(1);
      expect(r.out).toContain(`Audit trail TAMPERED: row ${victim.id} (pipeline.create by ${victim.actorLabel}) was changed after it was written`);
    } finally {
      await sql.query(`UPDATE audit_event SET summary = $2::jsonb WHERE id = $1`, [victim.id, JSON.stringify(victim.summary)]);
    }
    const again = await verify();
    expect(again.out).toContain("Audit trail intact");
    expect(again.code).toBe(0);
  });

  it("exits 1 when a row is deleted, naming the row after the gap", async () => {
    const victim = (await sql.query<{ id: string }>(`SELECT id::text FROM audit_event ORDER BY id LIMIT 1 OFFSET 3`)).rows[0]!;
    const next = (await sql.query<{ id: string }>(`SELECT id::text FROM audit_event WHERE id > $1 ORDER BY id LIMIT 1`, [victim.id])).rows[0]!;
    // Kept byte for byte in a temporary table, to put it back exactly.
    await sql.query(`CREATE TEMP TABLE deleted_event AS SELECT * FROM audit_event WHERE id = $1`, [victim.id]);
    await sql.query(`DELETE FROM audit_event WHERE id = $1`, [victim.id]);
    try {
      const r = await verify();
      expect(r.code).toBe(1);
      expect(r.out).toContain(`Audit trail TAMPERED: row ${next.id} does not follow the previous row`);
    } finally {
      await sql.query(`INSERT INTO audit_event SELECT * FROM deleted_event`);
      await sql.query(`DROP TABLE deleted_event`);
    }
    expect((await verify()).code).toBe(0);
  });
});
