/**
 * Starts the embedded PostgreSQL in the folder given as argv[2], migrates, seeds, reads back, stops, and prints one
 * JSON line. Run by server/database/embedded-postgres.integration.test.ts in a child process, so the same path can
 * be exercised both as root and as an ordinary user.
 */
import { createPrismaClient } from "../server/db";
import { startEmbeddedPostgres } from "../server/database/embedded-postgres";
import { migrateDatabase } from "../server/database/migrate";
import { seedDatabase } from "../prisma/seed";

const dir = process.argv[2]!;
process.env.SLIPWAY_SECRETS_KEY ??= Buffer.alloc(32, 3).toString("base64");
const started = Date.now();
const pg = await startEmbeddedPostgres({ rootDir: dir });
const migrated = await migrateDatabase(pg.url);
const prisma = createPrismaClient(pg.url, 2);
const seeded = await seedDatabase(prisma, { SLIPWAY_ADMIN_PASSWORD: "probe-password-123" });
const projects = await prisma.project.count();
const pipelines = await prisma.pipeline.count();
await prisma.$disconnect();
await pg.stop();
console.log(JSON.stringify({ uid: process.getuid?.(), reused: pg.reused, applied: migrated.applied.length, projects, pipelines, demoProjectCreated: seeded.demoProjectCreated, ms: Date.now() - started }));
