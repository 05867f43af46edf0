/**
 * The schema and the migration history never drift apart: the database the migrations build must be the database
 * prisma/schema.prisma describes (compared as pg_dump --schema-only output), and the newest migration's snapshot
 * must be the current schema (so `npm run db:diff` starts from the right place). Column order inside a table is not
 * compared: a column added by a later migration lands at the end of the table while the schema file may list it
 * anywhere, and nothing in Slipway reads columns by position.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "./migrate";
import { diffSchemas } from "./schema-engine";
import { createScratchDatabase, type ScratchDatabase } from "./scratch";

const root = path.resolve(import.meta.dirname, "../..");
const scratch: ScratchDatabase[] = [];
afterAll(async () => Promise.all(scratch.map((d) => d.drop())));

function dumpSchema(url: string): string {
  const out = execFileSync("pg_dump", ["--schema-only", "--schema=public", "--no-owner", "--no-privileges", "--exclude-table=_prisma_migrations", url], { encoding: "utf8" });
  return out
    .split("\n")
    .filter((l) => !l.startsWith("--") && !l.startsWith("SET ") && !l.startsWith("SELECT pg_catalog") && !l.startsWith("\\"))
    .join("\n")
    .replace(/\n{2,}/g, "\n")
    .replace(/(CREATE TABLE [^\n]+ \(\n)([\s\S]*?)(\n\);)/g, (_m, head: string, body: string, tail: string) =>
      head + body.split("\n").map((l) => l.replace(/,$/, "")).sort().join("\n") + tail,
    );
}

describe("schema drift", () => {
  it("migrations produce exactly the schema in prisma/schema.prisma", async () => {
    const [viaMigrations, viaSchema] = await Promise.all([createScratchDatabase("slipway_drift_m"), createScratchDatabase("slipway_drift_s")]);
    scratch.push(viaMigrations, viaSchema);
    await migrateDatabase(viaMigrations.url, path.join(root, "prisma/migrations"));
    const sql = await diffSchemas(null, readFileSync(path.join(root, "prisma/schema.prisma"), "utf8"));
    const client = new pg.Client({ connectionString: viaSchema.url });
    await client.connect();
    await client.query(sql);
    await client.end();
    expect(dumpSchema(viaMigrations.url)).toBe(dumpSchema(viaSchema.url));
  });

  it("the newest migration's snapshot is the current schema", () => {
    const dir = path.join(root, "prisma/migrations");
    const newest = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort().at(-1)!;
    expect(readFileSync(path.join(dir, newest, "schema.snapshot.prisma"), "utf8")).toBe(readFileSync(path.join(root, "prisma/schema.prisma"), "utf8"));
  });
});
