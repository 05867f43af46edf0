/**
 * Access beyond the role table: group mappings (evaluated per request), API keys (one project, one role, revoked
 * at once), environment rules (who may run/approve, MFA, no self-approval), and the audit chain's tamper check.
 */
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "~/test-support/db";
import { callerFor, createProject, createUser, expectTrpcError, projectWithRoles } from "~/test-support/factories";
import { apiKeyPrincipal } from "../auth/principal";
import { verifyAuditChain } from "../audit/verify-audit";

const { db, url } = useTestDatabase();
let ctx: Awaited<ReturnType<typeof projectWithRoles>>;
beforeAll(async () => {
  ctx = await projectWithRoles(db);
});

describe("group role mappings", () => {
  it("gives a project role to members of a mapped group, with no membership row", async () => {
    const group = `team-${Date.now()}`;
    await ctx.as.admin.access.saveProjectMapping({ projectId: ctx.project.id, group, role: "PIPELINE_EXECUTOR" });
    const user = await createUser(db, { ssoGroups: [group] });
    const list = await callerFor(db, user).project.list();
    expect(list.find((p) => p.id === ctx.project.id)?.role).toBe("PIPELINE_EXECUTOR");
  });

  it("applies a changed mapping on the next call", async () => {
    const group = `team-${Date.now()}-b`;
    await ctx.as.admin.access.saveProjectMapping({ projectId: ctx.project.id, group, role: "VIEWER" });
    const user = await createUser(db, { ssoGroups: [group] });
    const caller = callerFor(db, user);
    expect((await expectTrpcError(() => caller.pipeline.create({ projectId: ctx.project.id, name: "x" }))).code).toBe("FORBIDDEN");
    await ctx.as.admin.access.saveProjectMapping({ projectId: ctx.project.id, group, role: "PIPELINE_ADMIN" });
    await expect(caller.pipeline.create({ projectId: ctx.project.id, name: `mapped ${Date.now()}` })).resolves.toBeTruthy();
  });

  it("lets an organisation-wide mapping reach every project", async () => {
    const group = `platform-${Date.now()}`;
    const orgAdmin = await createUser(db, { orgRole: "ADMIN" });
    await callerFor(db, orgAdmin).access.saveOrgMapping({ group, role: "VIEWER" });
    const other = await createProject(db);
    const { effectiveOrgRole } = await import("../auth/principal");
    const user = await createUser(db, { ssoGroups: [group] });
    user.orgRole = await effectiveOrgRole(db, null, user.ssoGroups);
    expect((await callerFor(db, user).project.list()).map((p) => p.id)).toContain(other.id);
  });
});

describe("API keys", () => {
  it("acts in its own project with its own role, shown once and stored hashed", async () => {
    const created = await ctx.as.admin.access.createApiKey({ projectId: ctx.project.id, name: "ci", role: "PIPELINE_EXECUTOR" });
    expect(created.key).toMatch(/^slk_/);
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.keyHash).not.toContain(created.key);
    const principal = (await apiKeyPrincipal(db, created.key))!;
    const caller = callerFor(db, principal);
    await expect(caller.pipeline.list({ projectId: ctx.project.id })).resolves.toBeInstanceOf(Array);
    expect((await expectTrpcError(() => caller.pipeline.create({ projectId: ctx.project.id, name: "nope" }))).code).toBe("FORBIDDEN");
    const other = await projectWithRoles(db);
    expect((await expectTrpcError(() => caller.pipeline.list({ projectId: other.project.id }))).code).toBe("NOT_FOUND");
  });

  it("is refused once revoked", async () => {
    const created = await ctx.as.admin.access.createApiKey({ projectId: ctx.project.id, name: "short-lived", role: "VIEWER" });
    await ctx.as.admin.access.revokeApiKey({ projectId: ctx.project.id, keyId: created.id });
    expect(await apiKeyPrincipal(db, created.key)).toBeNull();
  });

  it("cannot be given a role above its creator's", async () => {
    const err = await expectTrpcError(() => ctx.as.pipelineAdmin.access.createApiKey({ projectId: ctx.project.id, name: "escalate", role: "ADMIN" }));
    expect(err.code).toBe("FORBIDDEN");
  });
});

describe("environment rules", () => {
  const yaml = (env: string, name: string) => `apiVersion: slipway/v1\nkind: Pipeline\nname: ${name}\nstages:\n  - id: deploy\n    environment: ${env}\n    steps:\n      - id: gate\n        type: approval\n        approvers: { roles: [Admin, PipelineAdmin, PipelineExecutor] }\n`;

  it("refuses a production run from a session without MFA, and allows it with MFA", async () => {
    await ctx.as.admin.record.saveEnvironment({ projectId: ctx.project.id, name: "prod-mfa", type: "PRODUCTION" });
    const p = await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "x", yaml: yaml("prod-mfa", `MFA ${Date.now()}`) });
    const err = await expectTrpcError(() => ctx.as.executor.execution.start({ projectId: ctx.project.id, pipelineId: p.id }));
    expect(err.appError?.message).toMatch(/multi-factor/);
    const withMfa = callerFor(db, { ...ctx.users.executor, mfa: true });
    await expect(withMfa.execution.start({ projectId: ctx.project.id, pipelineId: p.id })).resolves.toMatchObject({ sequenceId: 1 });
  });

  it("refuses an approval from the person who started a production run", async () => {
    await ctx.as.admin.record.saveEnvironment({ projectId: ctx.project.id, name: "prod-self", type: "PRODUCTION", policy: { requireMfa: false } });
    const p = await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "x", yaml: yaml("prod-self", `Self ${Date.now()}`) });
    const exec = await ctx.as.executor.execution.start({ projectId: ctx.project.id, pipelineId: p.id });
    const { reconcileExecution } = await import("../engine/reconcile");
    await reconcileExecution(db, exec.id);
    const step = await db.stepRun.findFirstOrThrow({ where: { executionId: exec.id, stepId: "gate" } });
    const err = await expectTrpcError(() => ctx.as.executor.execution.approve({ projectId: ctx.project.id, stepRunId: step.id }));
    expect(err.appError?.message).toMatch(/started this run/);
    await expect(ctx.as.pipelineAdmin.execution.approve({ projectId: ctx.project.id, stepRunId: step.id })).resolves.toMatchObject({ ok: true });
  });

  it("limits who may run into an environment to the named roles", async () => {
    await ctx.as.admin.record.saveEnvironment({ projectId: ctx.project.id, name: "locked", type: "PRE_PRODUCTION", policy: { runRoles: ["Admin"] } });
    const p = await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "x", yaml: yaml("locked", `Locked ${Date.now()}`) });
    expect((await expectTrpcError(() => ctx.as.executor.execution.start({ projectId: ctx.project.id, pipelineId: p.id }))).appError?.message).toMatch(/Only Admin may run/);
    await expect(ctx.as.admin.execution.start({ projectId: ctx.project.id, pipelineId: p.id })).resolves.toBeTruthy();
  });
});

describe("audit trail", () => {
  it("chains every event and detects a row edited directly in the database", async () => {
    await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: `audited ${Date.now()}` });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    const victim = await db.auditEvent.findFirstOrThrow({ where: { action: "pipeline.create" }, orderBy: { id: "asc" } });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`UPDATE audit_event SET "actorLabel" = 'someone-else@example.test' WHERE id = $1`, [victim.id.toString()]);
    const result = await verifyAuditChain(db);
    await client.query(`UPDATE audit_event SET "actorLabel" = $2 WHERE id = $1`, [victim.id.toString(), victim.actorLabel]);
    await client.end();
    expect(result).toMatchObject({ ok: false, id: victim.id.toString() });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});
