/**
 * Deny by default, proven from the router itself: every procedure must declare its access rule through a tier in
 * server/trpc.ts, and every non-public procedure must refuse a caller without a session. A procedure added without
 * a tier fails here.
 */
import { describe, expect, it } from "vitest";
import type { ProcedureMeta } from "~/server/trpc";
import { appRouter } from "~/server/routers/_app";
import { PERMISSIONS } from "~/server/rbac";
import { useTestDatabase } from "~/test-support/db";
import { callerFor } from "~/test-support/factories";

const { db } = useTestDatabase();

type AnyProcedure = { _def: { meta?: ProcedureMeta; type: "query" | "mutation" | "subscription" } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);

describe("procedure access declarations", () => {
  it("finds the router's procedures", () => {
    expect(procedures.length).toBeGreaterThan(10);
  });

  it.each(procedures)("%s declares an access rule", (_path, proc) => {
    const access = proc._def.meta?.access;
    expect(access).toBeDefined();
    if (access?.kind === "org" || access?.kind === "project") expect(PERMISSIONS).toContain(access.permission);
  });

  const guarded = procedures.filter(([, p]) => p._def.meta?.access?.kind !== "public");
  it.each(guarded)("%s refuses a caller without a session", async (path) => {
    const caller = callerFor(db, null) as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
    const [noun, verb] = path.split(".") as [string, string];
    await expect(caller[noun]![verb]!({ projectId: "x", pipelineId: "x", name: "x", slug: "x", number: 1, yaml: "", baseRevision: 0 })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
