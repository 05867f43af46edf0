/**
 * Runs at every start (idempotent): makes sure the bootstrap admin and the demo project exist.
 *
 * The bootstrap admin is for the embedded default: SLIPWAY_ADMIN_EMAIL / SLIPWAY_ADMIN_PASSWORD when set (the
 * password is then re-applied at each start, so the environment stays the source of truth), otherwise
 * admin@slipway.local with a password generated at first start and printed once. Only its scrypt hash is stored.
 * The demo project is seeded once, when it is created; a user who deletes demo pipelines does not get them back.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { DEMO_PIPELINE_YAML } from "@slipway/pipeline-spec";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import type { PrismaClient } from "~/generated/prisma/client";
import { recordAudit } from "~/server/audit/record-audit";
import { createPipeline } from "~/server/pipelines/create-pipeline";
import { seal } from "~/server/secrets/crypto";
import { secretContext } from "~/server/secrets/save-secret";
import { DEMO_RECORDS } from "./seed-records";

export type SeedResult = { adminEmail: string; generatedPassword: string | null; passwordFromEnv: boolean; demoProjectCreated: boolean };

export type SeedOptions = { /** The studio's port: the demo's health check calls the studio's own /api/health. */ studioPort?: number };

export async function seedDatabase(db: PrismaClient, env: Record<string, string | undefined> = process.env, opts: SeedOptions = {}): Promise<SeedResult> {
  const admin = await ensureAdmin(db, env);
  const demoProjectCreated = await ensureDemoProject(db, admin.id, admin.email, opts.studioPort ?? 3000);
  return { adminEmail: admin.email, generatedPassword: admin.generatedPassword, passwordFromEnv: admin.passwordFromEnv, demoProjectCreated };
}

async function ensureAdmin(db: PrismaClient, env: Record<string, string | undefined>) {
  const email = (env.SLIPWAY_ADMIN_EMAIL ?? "admin@slipway.local").toLowerCase();
  const envPassword = env.SLIPWAY_ADMIN_PASSWORD || null;
  if (envPassword !== null && envPassword.length < 12) throw new Error("SLIPWAY_ADMIN_PASSWORD must be at least 12 characters");
  const existing = await db.user.findUnique({ where: { email }, include: { accounts: { where: { providerId: "credential" } } } });
  if (existing) {
    const account = existing.accounts[0];
    if (envPassword && (!account?.password || !(await verifyPassword({ hash: account.password, password: envPassword })))) {
      await setPassword(db, existing.id, envPassword, account?.id);
    }
    // SLIPWAY_ADMIN_DISABLED=1 turns the bootstrap admin off once SSO admins exist (its sessions end at once).
    const disabled = env.SLIPWAY_ADMIN_DISABLED === "1";
    if (existing.orgRole !== "ADMIN" || existing.disabled !== disabled) await db.user.update({ where: { id: existing.id }, data: { orgRole: "ADMIN", disabled } });
    return { id: existing.id, email, generatedPassword: null, passwordFromEnv: Boolean(envPassword) };
  }
  const password = envPassword ?? randomBytes(12).toString("base64url");
  const id = randomUUID();
  await db.user.create({ data: { id, email, name: "Admin", emailVerified: true, orgRole: "ADMIN" } });
  await setPassword(db, id, password);
  return { id, email, generatedPassword: envPassword ? null : password, passwordFromEnv: Boolean(envPassword) };
}

async function setPassword(db: PrismaClient, userId: string, password: string, accountId?: string) {
  const hash = await hashPassword(password);
  if (accountId) await db.account.update({ where: { id: accountId }, data: { password: hash } });
  else await db.account.create({ data: { id: randomUUID(), userId, accountId: userId, providerId: "credential", password: hash } });
}

async function ensureDemoProject(db: PrismaClient, adminId: string, adminEmail: string, studioPort: number): Promise<boolean> {
  const existing = await db.project.findUnique({ where: { slug: "demo" }, select: { id: true } });
  if (existing) return false;
  const project = await db.project.create({
    data: { slug: "demo", name: "Demo", description: "A sample project: a pipeline you can run right away, with services, environments and infrastructure", memberships: { create: { userId: adminId, role: "ADMIN" } } },
  });
  const actor = { type: "system" as const, id: null, label: "seed" };
  const yaml = DEMO_PIPELINE_YAML.replace(/(- name: healthPort\n(?: {4}.*\n)*? {4}default: )3000/, `$1${studioPort}`);
  await createPipeline({ db, projectId: project.id, name: "demo", yaml, userId: adminId, actor });
  // The demo's deploy step reads this secret; its value shows up masked in the log.
  await db.secret.create({ data: { projectId: project.id, name: "deploy-token", kind: "TEXT", description: "Token for the (pretend) deployment API", sealed: new Uint8Array(seal(`demo-${randomBytes(9).toString("base64url")}`, secretContext(project.id, "deploy-token"))) } });
  for (const env of DEMO_RECORDS.environments) await db.environment.create({ data: { projectId: project.id, ...env } });
  for (const svc of DEMO_RECORDS.services) await db.service.create({ data: { projectId: project.id, ...svc } });
  for (const infra of DEMO_RECORDS.infrastructures) {
    const { environment, ...rest } = infra;
    const env = await db.environment.findUniqueOrThrow({ where: { projectId_name: { projectId: project.id, name: environment } } });
    await db.infrastructure.create({ data: { projectId: project.id, environmentId: env.id, ...rest } });
  }
  await recordAudit(db, { actor, action: "project.create", projectId: project.id, target: { type: "project", id: project.id }, summary: { slug: "demo", admin: adminEmail } });
  return true;
}
