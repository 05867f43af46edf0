/**
 * Data for lab runs, made through the same domain functions the studio uses: a scratch database (migrated), the
 * bootstrap admin (prisma/seed.ts, so the browser can sign in with a password), a project, delegate tokens,
 * pipelines, secrets, executions and approvals — and read-backs of what the studio stored.
 *
 * Each lab gets its own database rather than the shared test database: real delegates claim any step they are
 * eligible for, and other test files' steps (no selectors) would be fair game for them.
 */
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "~/generated/prisma/client";
import { seedDatabase } from "~/prisma/seed";
import type { AuditActor } from "~/server/audit/record-audit";
import type { SessionUser } from "~/server/auth/session";
import { createPrismaClient } from "~/server/db";
import { migrateDatabase } from "~/server/database/migrate";
import { createScratchDatabase } from "~/server/database/scratch";
import { createDelegateToken } from "~/server/delegates/tokens";
import { startExecution } from "~/server/engine/start-execution";
import { decideApproval } from "~/server/executions/decide-approval";
import { createPipeline } from "~/server/pipelines/create-pipeline";
import { saveSecret } from "~/server/secrets/save-secret";
import { LAB_SECRETS_KEY } from "./studio";

export type LabDatabase = { url: string; name: string; db: PrismaClient; drop(): Promise<void> };

/** A fresh, migrated database on the test PostgreSQL server (TEST_ADMIN_DATABASE_URL, default 127.0.0.1:5432). */
export async function createLabDatabase(prefix = "slipway_lab"): Promise<LabDatabase> {
  LAB_SECRETS_KEY(); // sealing in this process must use the key the studio gets
  const scratch = await createScratchDatabase(prefix);
  await migrateDatabase(scratch.url);
  const db = createPrismaClient(scratch.url, 4);
  return {
    url: scratch.url,
    name: scratch.name,
    db,
    async drop() {
      await db.$disconnect().catch(() => undefined);
      if (process.env.KEEP_TEST_DATABASE) console.log(`[process-lab] kept database ${scratch.name}`);
      else await scratch.drop();
    },
  };
}

export type Lab = {
  db: PrismaClient;
  admin: { id: string; email: string; password: string };
  project: { id: string; slug: string };
  actor: AuditActor;
};

/** The bootstrap admin (email + password, as prisma/seed.ts makes it) and a project the admin is ADMIN of. */
export async function seedLab(db: PrismaClient, o: { email?: string; password?: string } = {}): Promise<Lab> {
  const email = o.email ?? "lab-admin@slipway.test";
  const password = o.password ?? `lab-${randomBytes(9).toString("base64url")}`;
  await seedDatabase(db, { SLIPWAY_ADMIN_EMAIL: email, SLIPWAY_ADMIN_PASSWORD: password });
  const user = await db.user.findUniqueOrThrow({ where: { email }, select: { id: true, email: true } });
  const slug = `lab-${randomBytes(4).toString("hex")}`;
  const project = await db.project.create({ data: { slug, name: `Lab ${slug}`, memberships: { create: { userId: user.id, role: "ADMIN" } } }, select: { id: true, slug: true } });
  return { db, admin: { ...user, password }, project, actor: { type: "user", id: user.id, label: email } };
}

export async function createLabToken(lab: Lab, name = `lab-${randomBytes(4).toString("hex")}`): Promise<string> {
  const t = await createDelegateToken({ db: lab.db, name, userId: lab.admin.id, actor: lab.actor });
  return t.token;
}

export async function createLabPipeline(lab: Lab, yaml: string): Promise<string> {
  const p = await createPipeline({ db: lab.db, projectId: lab.project.id, name: "lab", yaml, userId: lab.admin.id, actor: lab.actor });
  return p.id;
}

export async function saveLabSecret(lab: Lab, name: string, value: string): Promise<void> {
  await saveSecret({ db: lab.db, projectId: lab.project.id, name, kind: "TEXT", value, description: "process lab", userId: lab.admin.id, actor: lab.actor });
}

export async function startLabRun(lab: Lab, pipelineId: string, inputs: Record<string, string> = {}) {
  return startExecution({ db: lab.db, projectId: lab.project.id, pipelineId, inputs, userId: lab.admin.id, actor: lab.actor, trigger: "manual" });
}

/** Approves as the lab's admin (a signed-in user with the ADMIN role in the project), through the domain function. */
export async function approveLab(lab: Lab, stepRunId: string, comment = "approved by the process lab") {
  const user: SessionUser = { kind: "user", id: lab.admin.id, email: lab.admin.email, name: "Lab admin", orgRole: "ADMIN", ssoGroups: [], mfa: false, sessionId: "process-lab", apiKey: null };
  return decideApproval({ db: lab.db, projectId: lab.project.id, stepRunId, decision: "APPROVED", comment, user, role: "ADMIN", actor: lab.actor });
}

// ------------------------------------------------------------------------------------------- read-backs

export const TERMINAL = ["SUCCESS", "FAILED", "ABORTED", "ROLLED_BACK"];

export async function readRun(db: PrismaClient, executionId: string) {
  return db.execution.findUniqueOrThrow({
    where: { id: executionId },
    include: { steps: { orderBy: [{ createdAt: "asc" }, { attempt: "asc" }], include: { delegate: { select: { id: true, name: true } } } } },
  });
}

export type StoredChunk = { seq: number; firstLine: number; lineCount: number; stream: string; lines: string[]; cursor: bigint; ts: Date; createdAt: Date };

/** Every log chunk of one step attempt, in seq order. */
export async function readChunks(db: PrismaClient, stepRunId: string): Promise<StoredChunk[]> {
  return db.logChunk.findMany({ where: { stepRunId }, orderBy: { seq: "asc" }, select: { seq: true, firstLine: true, lineCount: true, stream: true, lines: true, cursor: true, ts: true, createdAt: true } });
}

/**
 * What must hold for one attempt's stored log: chunk seq contiguous from 1, line numbers contiguous from 1, the
 * step's logLines equal to the stored total, and its stdout exactly `${prefix} 1` … `${prefix} ${count}` in order
 * (so no gap, no duplicate, no reordering). Returns the problems found (empty = all good) and the figures.
 */
export function checkNumberedLog(chunks: StoredChunk[], o: { prefix: string; count: number; logLines?: number }) {
  const problems: string[] = [];
  chunks.forEach((c, i) => {
    if (c.seq !== i + 1) problems.push(`chunk #${i} has seq ${c.seq}, expected ${i + 1}`);
    if (c.lineCount !== c.lines.length) problems.push(`chunk seq ${c.seq}: lineCount ${c.lineCount} but ${c.lines.length} lines`);
  });
  let line = 1;
  for (const c of chunks) {
    if (c.firstLine !== line) problems.push(`chunk seq ${c.seq} starts at line ${c.firstLine}, expected ${line}`);
    line = c.firstLine + c.lineCount;
  }
  const total = chunks.reduce((n, c) => n + c.lineCount, 0);
  if (o.logLines !== undefined && o.logLines !== total) problems.push(`step logLines ${o.logLines} but ${total} lines stored`);
  const stdout = chunks.filter((c) => c.stream === "stdout").flatMap((c) => c.lines);
  const numbered = stdout.filter((l) => l.startsWith(`${o.prefix} `));
  if (numbered.length !== o.count) problems.push(`${numbered.length} "${o.prefix} n" lines stored, ${o.count} printed`);
  let firstBad = -1;
  for (let i = 0; i < Math.max(numbered.length, o.count); i++) {
    if (numbered[i] !== `${o.prefix} ${i + 1}`) {
      firstBad = i;
      break;
    }
  }
  if (firstBad >= 0) problems.push(`line ${firstBad + 1} of the numbered output is ${JSON.stringify(numbered[firstBad])}, expected "${o.prefix} ${firstBad + 1}" (around: ${JSON.stringify(numbered.slice(Math.max(0, firstBad - 2), firstBad + 3))})`);
  return { problems, chunks: chunks.length, totalLines: total, stdoutLines: stdout.length, numberedLines: numbered.length };
}
