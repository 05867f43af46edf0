/**
 * Integration tests run against a real PostgreSQL: one fresh database per run, created here on the server in
 * TEST_ADMIN_DATABASE_URL (default: the local server on 127.0.0.1:5432, trust auth), migrated with the same runner
 * the studio uses, and dropped at the end. Tests read its URL with `inject("databaseUrl")` (see test-support/db.ts).
 */
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../server/database/migrate";
import { createScratchDatabase } from "../server/database/scratch";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const db = await createScratchDatabase("slipway_test");
  await migrateDatabase(db.url);
  project.provide("databaseUrl", db.url);
  return async () => {
    if (process.env.KEEP_TEST_DATABASE) console.log(`kept test database ${db.name}`);
    else await db.drop();
  };
}
