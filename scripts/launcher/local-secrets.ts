/**
 * Secrets the embedded default generates once and keeps in the data folder (mode 0600), so sessions and encrypted
 * secrets survive restarts. Operators running replicas set the environment variables instead.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export type LocalSecrets = { betterAuthSecret: string; secretsKey: string };

export function loadOrCreateLocalSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  const existing: Partial<LocalSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const secrets: LocalSecrets = {
    betterAuthSecret: existing.betterAuthSecret ?? randomBytes(32).toString("base64url"),
    // AES-256-GCM key for project secrets: 32 random bytes, base64.
    secretsKey: existing.secretsKey ?? randomBytes(32).toString("base64"),
  };
  if (existing.betterAuthSecret !== secrets.betterAuthSecret || existing.secretsKey !== secrets.secretsKey) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
