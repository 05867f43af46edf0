import { describe, expect, it } from "vitest";
import { can, effectiveRole, PERMISSIONS, permissionsOf, ROLE_PERMISSIONS, ROLES } from "./rbac";

describe("permission table", () => {
  it("gives Admin every permission", () => {
    expect(permissionsOf("ADMIN").sort()).toEqual([...PERMISSIONS].sort());
  });
  it("lets a Viewer read pipelines", () => {
    expect(can("VIEWER", "pipeline.read")).toBe(true);
  });
  it("does not let a Viewer save pipelines", () => {
    expect(can("VIEWER", "pipeline.write")).toBe(false);
  });
  it("does not let a Viewer execute", () => {
    expect(can("VIEWER", "pipeline.execute")).toBe(false);
  });
  it("lets a Pipeline Executor execute and approve but not edit", () => {
    expect([can("PIPELINE_EXECUTOR", "pipeline.execute"), can("PIPELINE_EXECUTOR", "execution.approve"), can("PIPELINE_EXECUTOR", "pipeline.write")]).toEqual([true, true, false]);
  });
  it("lets a Pipeline Admin configure services and environments but not manage members", () => {
    expect([can("PIPELINE_ADMIN", "record.write"), can("PIPELINE_ADMIN", "member.manage")]).toEqual([true, false]);
  });
  it("denies everything to no role", () => {
    expect(PERMISSIONS.some((p) => can(null, p))).toBe(false);
  });
  it("gives every non-admin role a strict subset of the next role up", () => {
    const sets = ROLES.map((r) => new Set<string>(ROLE_PERMISSIONS[r]));
    for (let i = 1; i < sets.length; i++) for (const p of sets[i]!) expect(sets[i - 1]!.has(p)).toBe(true);
  });
  it("takes the higher of membership and organisation role", () => {
    expect([effectiveRole("VIEWER", "PIPELINE_ADMIN"), effectiveRole("ADMIN", "VIEWER"), effectiveRole(null, "VIEWER"), effectiveRole(null, null)]).toEqual(["PIPELINE_ADMIN", "ADMIN", "VIEWER", null]);
  });
});
