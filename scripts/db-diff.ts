/**
 * `npm run db:diff -- <migration_name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that
 * takes the schema of the newest migration (its `schema.snapshot.prisma`) to prisma/schema.prisma, plus the new
 * snapshot. The drift test (server/database/schema-drift.integration.test.ts) proves the migrations really produce
 * this schema on PostgreSQL.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { diffSchemas } from "../server/database/schema-engine";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:diff -- <migration_name in snake_case>");
  process.exit(2);
}
const migrationsDir = path.resolve("prisma/migrations");
const dirs = (await readdir(migrationsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const last = dirs.at(-1);
let previous: string | null = null;
if (last) {
  const snapshot = path.join(migrationsDir, last, "schema.snapshot.prisma");
  if (!existsSync(snapshot)) throw new Error(`${last} has no schema.snapshot.prisma; cannot diff from it`);
  previous = await readFile(snapshot, "utf8");
}
const current = await readFile(path.resolve("prisma/schema.prisma"), "utf8");
const sql = await diffSchemas(previous, current);
if (!sql) {
  console.log("No changes: prisma/schema.prisma matches the newest migration.");
} else {
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(migrationsDir, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "migration.sql"), `${sql}\n`);
  await writeFile(path.join(dir, "schema.snapshot.prisma"), current);
  console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
}
