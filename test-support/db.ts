/**
 * The test database for this run (see global-setup.ts). Also sets DATABASE_URL and the auth settings so code that
 * uses the process-wide `db()` and `auth()` singletons talks to the same database.
 */
import { inject } from "vitest";
import { createPrismaClient, db } from "../server/db";

export function useTestDatabase() {
  const url = inject("databaseUrl");
  process.env.DATABASE_URL = url;
  process.env.BETTER_AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";
  process.env.SLIPWAY_URL ??= "http://localhost:3000";
  process.env.SLIPWAY_SECRETS_KEY ??= Buffer.alloc(32, 7).toString("base64");
  process.env.LOG_LEVEL ??= "warn";
  return { url, db: db(), createClient: (max = 2) => createPrismaClient(url, max) };
}
