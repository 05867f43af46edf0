/**
 * `npm start`: the studio on the embedded default, one command on a fresh clone.
 *   1. database: DATABASE_URL if set, else the embedded PostgreSQL in .data/postgres (started or reused)
 *   2. migrations, then the seed (bootstrap admin + demo project)
 *   3. `next build` when the sources changed, then `next start` (or `next dev` with --dev) on PORT (default 3000)
 *   4. waits for GET /api/health, starts one local delegate (a real delegate process with its own token), then
 *      prints the URL and how to sign in
 * Ctrl+C stops the studio and the embedded PostgreSQL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createPrismaClient } from "../server/db";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../server/database/embedded-postgres";
import { migrateDatabase } from "../server/database/migrate";
import { seedDatabase } from "../prisma/seed";
import { loadOrCreateLocalSecrets } from "./launcher/local-secrets";
import { ensureLocalDelegateToken, startLocalDelegate } from "./launcher/local-delegate";
import { ensureNextBuild } from "./launcher/next-build";

const root = path.resolve(import.meta.dirname, "..");
const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const dataDir = path.resolve(process.env.SLIPWAY_DATA_DIR ?? path.join(root, ".data"));
const withDelegate = process.env.SLIPWAY_LOCAL_DELEGATE !== "0";
const log = (s: string) => console.log(`[slipway] ${s}`);
const children: ChildProcess[] = [];
let embedded: EmbeddedPostgres | null = null;
let stopping = false;

async function main() {
  const t0 = Date.now();
  process.chdir(root);
  const secrets = loadOrCreateLocalSecrets(dataDir);
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ rootDir: path.join(dataDir, "postgres"), log });
    databaseUrl = embedded.url;
  } else log("Using the PostgreSQL server in DATABASE_URL");

  const migrated = await migrateDatabase(databaseUrl);
  log(migrated.applied.length ? `Applied migrations: ${migrated.applied.join(", ")}` : "Database schema is up to date");
  const prisma = createPrismaClient(databaseUrl, 2);
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET ?? secrets.betterAuthSecret,
    SLIPWAY_SECRETS_KEY: process.env.SLIPWAY_SECRETS_KEY ?? secrets.secretsKey,
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
  };
  process.env.SLIPWAY_SECRETS_KEY = env.SLIPWAY_SECRETS_KEY;
  const { seeded, delegateToken } = await (async () => {
    const seeded = await seedDatabase(prisma, process.env, { studioPort: port });
    const delegateToken = withDelegate ? await ensureLocalDelegateToken(prisma, dataDir) : null;
    return { seeded, delegateToken };
  })().finally(() => prisma.$disconnect());

  if (!dev) ensureNextBuild(root, log);
  const url = process.env.SLIPWAY_URL ?? `http://localhost:${port}`;
  const next = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), dev ? "dev" : "start", "-p", String(port)], { cwd: root, env: { ...env, SLIPWAY_URL: url }, stdio: "inherit" });
  children.push(next);
  next.on("exit", (code) => {
    if (!stopping) {
      log(`The studio process exited (${code}); stopping.`);
      void shutdown(code ?? 1);
    }
  });
  await waitForHealth(`http://127.0.0.1:${port}/api/health`);
  if (delegateToken) {
    const delegate = startLocalDelegate(root, { url: `http://127.0.0.1:${port}`, token: delegateToken, log });
    children.push(delegate);
    delegate.on("exit", (code) => !stopping && log(`The local delegate exited (${code}); the studio keeps running. Restart npm start to bring it back.`));
  }

  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  const password = seeded.generatedPassword
    ? `${seeded.generatedPassword}   (generated now and shown only this once; set SLIPWAY_ADMIN_PASSWORD to choose your own)`
    : seeded.passwordFromEnv
      ? "(the value of SLIPWAY_ADMIN_PASSWORD)"
      : "(the password printed at first start; set SLIPWAY_ADMIN_PASSWORD and restart to reset it)";
  console.log(
    [
      "",
      `  Slipway is ready in ${seconds} s`,
      `  Open      ${url}`,
      `  Sign in   ${seeded.adminEmail}`,
      `  Password  ${password}`,
      `  Delegate  ${delegateToken ? "one local delegate (tags: local, linux) — run the demo pipeline right away" : "none started (SLIPWAY_LOCAL_DELEGATE=0)"}`,
      `  Database  ${embedded ? `embedded PostgreSQL on 127.0.0.1:${embedded.port} (data in ${path.relative(root, dataDir) || dataDir})` : "DATABASE_URL"}`,
      "",
    ].join("\n"),
  );
}

async function waitForHealth(url: string) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`The studio did not become healthy at ${url} within 120 s`);
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
  if (embedded) await embedded.stop();
  process.exit(code);
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
main().catch(async (e) => {
  console.error(`[slipway] ${e instanceof Error ? e.message : String(e)}`);
  await shutdown(1);
});
