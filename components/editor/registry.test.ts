import { STEP_TYPES, StepSchema, type Step } from "@slipway/pipeline-spec";
import { describe, expect, it } from "vitest";
import { CATEGORIES, keySetting, newStep, paletteSections, slug, STEP_KINDS, stepKind, uniqueId } from "./registry";

describe("step registry", () => {
  it("has an entry for every step type of the schema, and nothing else", () => {
    expect(Object.keys(STEP_KINDS).sort()).toEqual([...STEP_TYPES].sort());
  });

  it.each(STEP_TYPES.map((t) => [t]))("%s: its default step validates and has a face", (type) => {
    const step = newStep(type, new Set());
    const parsed = StepSchema.safeParse(step);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(step.id).toBe(slug(type));
    const kind = stepKind(type);
    expect(kind.label.length).toBeGreaterThan(0);
    expect(kind.icon.length).toBeGreaterThan(0);
    expect(CATEGORIES).toContain(kind.category);
    expect(keySetting(parsed.data as Step).length).toBeGreaterThan(0);
  });

  it("puts every step kind in the palette once, after the stage kind", () => {
    const sections = paletteSections();
    expect(sections[0]!.items).toEqual([expect.objectContaining({ kind: "stage" })]);
    const types = sections.flatMap((s) => s.items).flatMap((i) => (i.kind === "step" ? [i.type] : []));
    expect(types.sort()).toEqual([...STEP_TYPES].sort());
  });

  it("shows the key setting of a step: command, target, strategy", () => {
    expect(keySetting(StepSchema.parse({ id: "a", type: "shell", script: "# build\nmake all\nmake test" }))).toBe("make all");
    expect(keySetting(StepSchema.parse({ id: "a", type: "http", url: "https://x.test/health", method: "POST" }))).toBe("POST https://x.test/health");
    expect(keySetting(StepSchema.parse({ id: "a", type: "ecsTrafficShift", greenWeight: 25 }))).toBe("green 25% · blue 75%");
    expect(keySetting(StepSchema.parse({ id: "a", type: "sshDeploy", hosts: { group: "blue" }, batch: { size: "25%" }, serviceControl: { kind: "systemd", unit: "a" } }))).toBe("group blue · batch 25%");
  });
});

describe("uniqueId", () => {
  it("adds the first free number", () => {
    expect(uniqueId("shell", new Set())).toBe("shell");
    expect(uniqueId("shell", new Set(["shell"]))).toBe("shell-2");
    expect(uniqueId("shell", new Set(["shell", "shell-2"]))).toBe("shell-3");
  });

  it("stays a valid id: lowercase, starts with a letter, at most 63 characters", () => {
    expect(slug("sshDeploy")).toBe("ssh-deploy");
    expect(slug("42 Deploy Now!")).toBe("deploy-now");
    const long = "a".repeat(63);
    const id = uniqueId(long, new Set([long]));
    expect(id).toHaveLength(63);
    expect(id.endsWith("-2")).toBe(true);
  });
});
