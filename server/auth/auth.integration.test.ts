/**
 * Sign-in through the real Better Auth handler against PostgreSQL: database sessions, the bootstrap admin's
 * password (stored as a scrypt hash), disabled users, and a session that stops working the moment the user is
 * disabled.
 */
import { describe, expect, it } from "vitest";
import { PrismaClient } from "~/generated/prisma/client";
import { seedDatabase } from "~/prisma/seed";
import { useTestDatabase } from "~/test-support/db";
import { auth } from "./auth";
import { getSessionUser } from "./session";

const { db } = useTestDatabase();
const base = "http://localhost:3000";

async function signIn(email: string, password: string) {
  const res = await auth().handler(
    new Request(`${base}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify({ email, password }) }),
  );
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return { status: res.status, cookie };
}

describe("sign-in", () => {
  const email = `admin-${Date.now()}@example.test`;
  const password = "a-long-enough-password";

  it("stores the bootstrap admin's password only as a scrypt hash", async () => {
    await seedDatabase(db as PrismaClient, { SLIPWAY_ADMIN_EMAIL: email, SLIPWAY_ADMIN_PASSWORD: password });
    const account = await db.account.findFirst({ where: { user: { email }, providerId: "credential" } });
    expect(account?.password).toBeTruthy();
    expect(account?.password).not.toContain(password);
  });

  it("signs the bootstrap admin in and creates a database session", async () => {
    const { status, cookie } = await signIn(email, password);
    expect(status).toBe(200);
    const user = await getSessionUser(new Headers({ cookie }));
    expect(user).toMatchObject({ email, orgRole: "ADMIN" });
    expect(await db.session.count({ where: { user: { email } } })).toBeGreaterThan(0);
  });

  it("refuses a wrong password", async () => {
    expect((await signIn(email, "not-the-password-at-all")).status).toBe(401);
  });

  it("ends an open session on the next request once the user is disabled, and refuses new sign-ins", async () => {
    const { cookie } = await signIn(email, password);
    await db.user.update({ where: { email }, data: { disabled: true } });
    expect(await getSessionUser(new Headers({ cookie }))).toBeNull();
    expect((await signIn(email, password)).status).not.toBe(200);
    await db.user.update({ where: { email }, data: { disabled: false } });
  });

  it("does not allow public sign-up", async () => {
    const res = await auth().handler(
      new Request(`${base}/api/auth/sign-up/email`, { method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify({ email: "new@example.test", password: "another-long-password", name: "New" }) }),
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await db.user.findUnique({ where: { email: "new@example.test" } })).toBeNull();
  });
});

describe("seed", () => {
  it("generates and reports the admin password only when it creates the admin", async () => {
    const email = `gen-${Date.now()}@example.test`;
    const first = await seedDatabase(db as PrismaClient, { SLIPWAY_ADMIN_EMAIL: email });
    const second = await seedDatabase(db as PrismaClient, { SLIPWAY_ADMIN_EMAIL: email });
    expect(first.generatedPassword).toMatch(/^.{12,}$/);
    expect(second.generatedPassword).toBeNull();
    expect((await signIn(email, first.generatedPassword!)).status).toBe(200);
  });

  it("re-applies SLIPWAY_ADMIN_PASSWORD at every start", async () => {
    const email = `env-${Date.now()}@example.test`;
    await seedDatabase(db as PrismaClient, { SLIPWAY_ADMIN_EMAIL: email, SLIPWAY_ADMIN_PASSWORD: "first-password-123" });
    await seedDatabase(db as PrismaClient, { SLIPWAY_ADMIN_EMAIL: email, SLIPWAY_ADMIN_PASSWORD: "second-password-456" });
    expect((await signIn(email, "second-password-456")).status).toBe(200);
    expect((await signIn(email, "first-password-123")).status).toBe(401);
  });

  it("creates the demo project once, with a pipeline that parses and its records", async () => {
    const demo = await db.project.findUnique({ where: { slug: "demo" }, include: { pipelines: true, environments: true, services: true, infrastructures: true } });
    expect(demo?.pipelines).toHaveLength(1);
    expect(demo?.environments.map((e) => e.name).sort()).toEqual(["production", "staging"]);
    expect(demo?.infrastructures).toHaveLength(2);
  });
});
