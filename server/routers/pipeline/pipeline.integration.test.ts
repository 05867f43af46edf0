import { DEMO_PIPELINE_YAML } from "@slipway/pipeline-spec";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "~/test-support/db";
import { expectTrpcError, projectWithRoles } from "~/test-support/factories";

const { db } = useTestDatabase();
let ctx: Awaited<ReturnType<typeof projectWithRoles>>;
beforeAll(async () => {
  ctx = await projectWithRoles(db);
});

const yamlNamed = (name: string) => DEMO_PIPELINE_YAML.replace(/^name: .*$/m, `name: ${name}`);

describe("pipeline procedures", () => {
  it("creates a pipeline with revision 1 from a starter document", async () => {
    const p = await ctx.as.pipelineAdmin.pipeline.create({ projectId: ctx.project.id, name: "Starter" });
    const got = await ctx.as.viewer.pipeline.byId({ projectId: ctx.project.id, pipelineId: p.id });
    expect(got.headRevision).toBe(1);
    expect(got.head.yaml).toContain("name: Starter");
  });

  it("takes the name from the YAML when a document is given", async () => {
    const p = await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "ignored", yaml: yamlNamed("From YAML") });
    expect(p.name).toBe("From YAML");
  });

  it("refuses a second active pipeline with the same name, naming the field", async () => {
    await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "Twin" });
    const err = await expectTrpcError(() => ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "twin" }));
    expect(err.code).toBe("CONFLICT");
    expect(err.appError?.field).toBe("name");
  });

  it("saves a revision with author and message, listed newest first", async () => {
    const p = await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "Saver" });
    const rev = await ctx.as.pipelineAdmin.pipeline.saveRevision({ projectId: ctx.project.id, pipelineId: p.id, yaml: yamlNamed("Saver"), message: "Use the demo", baseRevision: 1 });
    expect(rev.number).toBe(2);
    const list = await ctx.as.viewer.pipeline.revisions({ projectId: ctx.project.id, pipelineId: p.id });
    expect(list.map((r) => r.number)).toEqual([2, 1]);
    expect(list[0]).toMatchObject({ message: "Use the demo", author: { email: ctx.users.pipelineAdmin.email } });
  });

  it("opens any revision with its exact YAML", async () => {
    const p = await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "History" });
    const text = `${yamlNamed("History")}\n# a trailing comment kept byte for byte\n`;
    await ctx.as.admin.pipeline.saveRevision({ projectId: ctx.project.id, pipelineId: p.id, yaml: text, message: "two", baseRevision: 1 });
    const r2 = await ctx.as.viewer.pipeline.revision({ projectId: ctx.project.id, pipelineId: p.id, number: 2 });
    expect(r2.yaml).toBe(text);
  });

  it("refuses a save based on a stale revision as a conflict carrying the newer revision", async () => {
    const p = await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "Race" });
    await ctx.as.admin.pipeline.saveRevision({ projectId: ctx.project.id, pipelineId: p.id, yaml: yamlNamed("Race"), message: "first", baseRevision: 1 });
    const err = await expectTrpcError(() => ctx.as.pipelineAdmin.pipeline.saveRevision({ projectId: ctx.project.id, pipelineId: p.id, yaml: yamlNamed("Race"), message: "second", baseRevision: 1 }));
    expect(err.code).toBe("CONFLICT");
    expect(err.appError?.details).toMatchObject({ headRevision: 2, baseRevision: 1, theirs: { message: "first" } });
  });

  it("lets exactly one of two concurrent saves from the same base win", async () => {
    const p = await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "Concurrent" });
    const save = (message: string) => ctx.as.admin.pipeline.saveRevision({ projectId: ctx.project.id, pipelineId: p.id, yaml: yamlNamed("Concurrent"), message, baseRevision: 1 });
    const results = await Promise.allSettled([save("a"), save("b"), save("c")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.pipelineRevision.count({ where: { pipelineId: p.id } })).toBe(2);
  });

  it("renames by changing only the name scalar of the document", async () => {
    const p = await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "Old name" });
    const before = (await ctx.as.admin.pipeline.byId({ projectId: ctx.project.id, pipelineId: p.id })).head.yaml;
    await ctx.as.admin.pipeline.rename({ projectId: ctx.project.id, pipelineId: p.id, name: "New: name" });
    const after = await ctx.as.admin.pipeline.byId({ projectId: ctx.project.id, pipelineId: p.id });
    expect(after.name).toBe("New: name");
    expect(after.head.yaml).toBe(before.replace("name: Old name", 'name: "New: name"'));
  });

  it("soft-deletes: gone from the list, name free again, history kept", async () => {
    const p = await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "Doomed" });
    await ctx.as.pipelineAdmin.pipeline.delete({ projectId: ctx.project.id, pipelineId: p.id });
    const list = await ctx.as.viewer.pipeline.list({ projectId: ctx.project.id });
    expect(list.find((x) => x.id === p.id)).toBeUndefined();
    await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "Doomed" });
    expect(await db.pipelineRevision.count({ where: { pipelineId: p.id } })).toBe(1);
  });

  it("writes an audit event in the same transaction as each change", async () => {
    const p = await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "Audited" });
    const events = await db.auditEvent.findMany({ where: { targetId: p.id } });
    expect(events.map((e) => e.action)).toEqual(["pipeline.create"]);
    expect(events[0]).toMatchObject({ actorId: ctx.users.admin.id, ip: "127.0.0.1" });
  });
});

describe("pipeline access", () => {
  it("refuses a Viewer's save with FORBIDDEN and saves nothing", async () => {
    const p = await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "Viewer target" });
    const err = await expectTrpcError(() => ctx.as.viewer.pipeline.saveRevision({ projectId: ctx.project.id, pipelineId: p.id, yaml: yamlNamed("Viewer target"), message: "nope", baseRevision: 1 }));
    expect(err.code).toBe("FORBIDDEN");
    expect(await db.pipelineRevision.count({ where: { pipelineId: p.id } })).toBe(1);
  });

  it("refuses a Pipeline Executor's create", async () => {
    const err = await expectTrpcError(() => ctx.as.executor.pipeline.create({ projectId: ctx.project.id, name: "x" }));
    expect(err.code).toBe("FORBIDDEN");
  });

  it("lets a Viewer read pipelines", async () => {
    await expect(ctx.as.viewer.pipeline.list({ projectId: ctx.project.id })).resolves.toBeInstanceOf(Array);
  });

  it("reports another project's pipeline as not found, not forbidden", async () => {
    const err = await expectTrpcError(() => ctx.as.outsider.pipeline.list({ projectId: ctx.project.id }));
    expect(err.code).toBe("NOT_FOUND");
  });

  it("refuses a pipeline id from another project even to a member of both", async () => {
    const other = await projectWithRoles(db);
    const p = await other.as.admin.pipeline.create({ projectId: other.project.id, name: "Elsewhere" });
    const err = await expectTrpcError(() => ctx.as.admin.pipeline.byId({ projectId: ctx.project.id, pipelineId: p.id }));
    expect(err.code).toBe("NOT_FOUND");
  });
});
