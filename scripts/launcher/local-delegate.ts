/**
 * The delegate `npm start` runs beside the studio, so a new user can run the demo pipeline at once. It is a real
 * delegate process (the same bundle as the container image) with a real token, created once and kept in the data
 * folder (0600); if that token was revoked or the database was replaced, a new one is made.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PrismaClient } from "~/generated/prisma/client";
import { createDelegateToken, hashToken } from "~/server/delegates/tokens";

export async function ensureLocalDelegateToken(db: PrismaClient, dataDir: string): Promise<string> {
  const file = path.join(dataDir, "local-delegate.json");
  if (existsSync(file)) {
    const { token } = JSON.parse(readFileSync(file, "utf8")) as { token: string };
    const row = await db.delegateToken.findUnique({ where: { tokenHash: hashToken(token) }, select: { revokedAt: true } });
    if (row && !row.revokedAt) return token;
  }
  const admin = await db.user.findFirstOrThrow({ where: { orgRole: "ADMIN" }, select: { id: true } });
  const created = await createDelegateToken({ db, name: `local-${os.hostname()}-${randomBytes(2).toString("hex")}`, userId: admin.id, actor: { type: "system", id: null, label: "npm start" } });
  writeFileSync(file, JSON.stringify({ token: created.token }, null, 2), { mode: 0o600 });
  return created.token;
}

export function startLocalDelegate(root: string, o: { url: string; token: string; log: (s: string) => void }): ChildProcess {
  const built = spawnSync(process.execPath, [path.join(root, "delegate/build.mjs")], { cwd: path.join(root, "delegate"), stdio: "pipe" });
  if (built.status !== 0) throw new Error(`building the delegate failed: ${built.stderr.toString()}`);
  const child = spawn(process.execPath, [path.join(root, "delegate/dist/slipway-delegate.mjs"), "--url", o.url, "--name", `local (${os.hostname()})`, "--tags", "local,linux", "--max-tasks", "4"], {
    cwd: root,
    env: { ...process.env, SLIPWAY_DELEGATE_TOKEN: o.token },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = (data: Buffer) => data.toString().split("\n").filter(Boolean).forEach((l) => process.env.SLIPWAY_DELEGATE_LOGS === "1" && o.log(`[delegate] ${l}`));
  child.stdout?.on("data", prefix);
  child.stderr?.on("data", prefix);
  return child;
}
