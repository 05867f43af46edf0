import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "~/test-support/db";
import { expectTrpcError, projectWithRoles } from "~/test-support/factories";

const { db } = useTestDatabase();
let ctx: Awaited<ReturnType<typeof projectWithRoles>>;
beforeAll(async () => {
  ctx = await projectWithRoles(db);
});

const sshInfra = (port: number | string = 22) =>
  ({
    type: "SSH" as const,
    hostGroups: [{ name: "web", user: "deploy", credential: "ssh-key", tags: ["web"], hosts: [{ hostname: "10.0.0.1", port: port as number, tags: [] }] }],
  });

describe("records", () => {
  it("saves an environment with variable overrides and lists it", async () => {
    await ctx.as.pipelineAdmin.record.saveEnvironment({ projectId: ctx.project.id, name: "staging", variables: [{ name: "LOG_LEVEL", value: "debug", secret: false }] });
    const list = await ctx.as.viewer.record.list({ projectId: ctx.project.id });
    expect(list.environments.find((e) => e.name === "staging")?.variables).toEqual([{ name: "LOG_LEVEL", value: "debug", secret: false }]);
  });

  it("saves an SSH infrastructure definition under its environment", async () => {
    await ctx.as.admin.record.saveEnvironment({ projectId: ctx.project.id, name: "prod", type: "PRODUCTION" });
    await ctx.as.admin.record.saveInfrastructure({ projectId: ctx.project.id, name: "prod-vms", environment: "prod", spec: sshInfra() });
    const list = await ctx.as.viewer.record.list({ projectId: ctx.project.id });
    expect(list.infrastructures.find((i) => i.name === "prod-vms")).toMatchObject({ environment: "prod", type: "SSH" });
  });

  it("names the offending field of an invalid infrastructure spec", async () => {
    await ctx.as.admin.record.saveEnvironment({ projectId: ctx.project.id, name: "qa" });
    const err = await expectTrpcError(() => ctx.as.admin.record.saveInfrastructure({ projectId: ctx.project.id, name: "bad", environment: "qa", spec: sshInfra("twenty-two") as never }));
    expect(err.code).toBe("BAD_REQUEST");
  });

  it("refuses an infrastructure definition for an unknown environment, naming the field", async () => {
    const err = await expectTrpcError(() => ctx.as.admin.record.saveInfrastructure({ projectId: ctx.project.id, name: "orphan", environment: "nowhere", spec: sshInfra() }));
    expect(err.appError).toMatchObject({ code: "INVALID_INPUT", field: "environment" });
  });

  it("refuses deleting an environment that still has infrastructure", async () => {
    await ctx.as.admin.record.saveEnvironment({ projectId: ctx.project.id, name: "busy" });
    await ctx.as.admin.record.saveInfrastructure({ projectId: ctx.project.id, name: "busy-vms", environment: "busy", spec: sshInfra() });
    const err = await expectTrpcError(() => ctx.as.admin.record.deleteEnvironment({ projectId: ctx.project.id, name: "busy" }));
    expect(err.code).toBe("PRECONDITION_FAILED");
  });

  it("refuses a Viewer's write", async () => {
    const err = await expectTrpcError(() => ctx.as.viewer.record.saveEnvironment({ projectId: ctx.project.id, name: "nope" }));
    expect(err.code).toBe("FORBIDDEN");
  });
});
