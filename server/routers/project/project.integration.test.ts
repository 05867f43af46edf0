import { describe, expect, it } from "vitest";
import { useTestDatabase } from "~/test-support/db";
import { callerFor, createProject, createUser, expectTrpcError } from "~/test-support/factories";

const { db } = useTestDatabase();

describe("projects", () => {
  it("lists only projects the user is a member of, with their role", async () => {
    const user = await createUser(db);
    const mine = await createProject(db, [{ user, role: "PIPELINE_EXECUTOR" }]);
    await createProject(db);
    const list = await callerFor(db, user).project.list();
    expect(list.map((p) => [p.id, p.role])).toEqual([[mine.id, "PIPELINE_EXECUTOR"]]);
  });

  it("lets an organisation Admin see every project", async () => {
    const admin = await createUser(db, { orgRole: "ADMIN" });
    const other = await createProject(db);
    const list = await callerFor(db, admin).project.list();
    expect(list.map((p) => p.id)).toContain(other.id);
  });

  it("creates a project whose creator becomes its Admin", async () => {
    const admin = await createUser(db, { orgRole: "ADMIN" });
    const p = await callerFor(db, admin).project.create({ slug: `new-${Date.now()}`, name: "New" });
    const m = await db.membership.findFirst({ where: { projectId: p.id, userId: admin.id } });
    expect(m?.role).toBe("ADMIN");
  });

  it("refuses project creation without the organisation permission", async () => {
    const user = await createUser(db);
    const err = await expectTrpcError(() => callerFor(db, user).project.create({ slug: "nope-nope", name: "Nope" }));
    expect(err.code).toBe("FORBIDDEN");
  });

  it("refuses a malformed slug naming the field", async () => {
    const admin = await createUser(db, { orgRole: "ADMIN" });
    const err = await expectTrpcError(() => callerFor(db, admin).project.create({ slug: "Bad Slug", name: "x" }));
    expect(err.code).toBe("BAD_REQUEST");
  });
});
