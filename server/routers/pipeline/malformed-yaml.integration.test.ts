/**
 * Bad YAML never produces a 500 or a half-saved pipeline: every malformed document fed to the save procedure is
 * refused as INVALID_SPEC (HTTP 422) with at least one problem carrying a real line:column inside the document.
 */
import { randomBytes } from "node:crypto";
import { DEMO_PIPELINE_YAML } from "@slipway/pipeline-spec";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "~/test-support/db";
import { expectTrpcError, projectWithRoles } from "~/test-support/factories";

const { db } = useTestDatabase();
let ctx: Awaited<ReturnType<typeof projectWithRoles>>;
let pipelineId: string;
beforeAll(async () => {
  ctx = await projectWithRoles(db);
  pipelineId = (await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "Target" })).id;
});

function garbage(bytes: number): string {
  // Printable noise with YAML-significant characters sprinkled in, so the parser has plenty to choke on.
  const alphabet = "abcXYZ019 :-[]{}#&*!|>'\"%@`,?\t\n";
  const raw = randomBytes(bytes);
  let out = "";
  for (let i = 0; i < bytes; i++) out += alphabet[raw[i]! % alphabet.length];
  return out;
}

const cases: [string, string, number | null][] = [
  ["a YAML syntax error (unclosed quote)", `apiVersion: slipway/v1\nkind: Pipeline\nname: "unclosed\nstages: []\n`, 3],
  ["a YAML syntax error (bad indentation)", `apiVersion: slipway/v1\nkind: Pipeline\nname: x\nstages:\n  - id: a\n   steps: []\n`, null],
  ["tabs used for indentation", `apiVersion: slipway/v1\nkind: Pipeline\nname: x\nstages:\n\t- id: a\n`, 5],
  ["a wrong type (retries as text)", DEMO_PIPELINE_YAML.replace(/retries: \d+/, 'retries: "three"'), null],
  ["a missing required field (no stages)", `apiVersion: slipway/v1\nkind: Pipeline\nname: x\n`, null],
  ["an unknown step type", `apiVersion: slipway/v1\nkind: Pipeline\nname: x\nstages:\n  - id: a\n    steps:\n      - id: s\n        type: teleport\n`, 8],
  ["a cycle between stages", `apiVersion: slipway/v1\nkind: Pipeline\nname: x\nstages:\n  - id: a\n    needs: [b]\n    steps: [{ id: s1, type: wait, duration: 1s }]\n  - id: b\n    needs: [a]\n    steps: [{ id: s2, type: wait, duration: 1s }]\n`, null],
  ["an unknown need", `apiVersion: slipway/v1\nkind: Pipeline\nname: x\nstages:\n  - id: a\n    needs: [ghost]\n    steps: [{ id: s1, type: wait, duration: 1s }]\n`, 6],
  ["a duplicate step id", `apiVersion: slipway/v1\nkind: Pipeline\nname: x\nstages:\n  - id: a\n    steps:\n      - { id: s, type: wait, duration: 1s }\n      - { id: s, type: wait, duration: 2s }\n`, 8],
  ["not a mapping at all", "- just\n- a list\n", 1],
  ["binary noise", "\u0000\u0001\u0002\u00ff\ufffe", null],
  ["1 MB of garbage", garbage(1024 * 1024), null],
];

describe("saving malformed YAML", () => {
  it.each(cases)("refuses %s with a positioned problem and saves nothing", async (_label, yaml, line) => {
    const before = await db.pipelineRevision.count({ where: { pipelineId } });
    const err = await expectTrpcError(() => ctx.as.admin.pipeline.saveRevision({ projectId: ctx.project.id, pipelineId, yaml, message: "bad", baseRevision: 1 }));
    expect(err.code).toBe("UNPROCESSABLE_CONTENT");
    const problems = err.appError?.problems ?? [];
    expect(problems.length).toBeGreaterThan(0);
    const lines = yaml.split("\n").length;
    for (const p of problems) {
      expect(p.range.start.line).toBeGreaterThanOrEqual(1);
      expect(p.range.start.line).toBeLessThanOrEqual(lines);
      expect(p.range.start.column).toBeGreaterThanOrEqual(1);
      expect(p.message.length).toBeGreaterThan(5);
    }
    if (line !== null) expect(problems.map((p) => p.range.start.line)).toContain(line);
    expect(await db.pipelineRevision.count({ where: { pipelineId } })).toBe(before);
  });

  it("refuses a document over the size limit with a single positioned problem", async () => {
    const err = await expectTrpcError(() => ctx.as.admin.pipeline.saveRevision({ projectId: ctx.project.id, pipelineId, yaml: "#".repeat(3 * 1024 * 1024), message: "huge", baseRevision: 1 }));
    expect(err.code).toBe("UNPROCESSABLE_CONTENT");
    expect(err.appError?.problems?.[0]).toMatchObject({ code: "too-large", range: { start: { line: 1, column: 1 } } });
  });
});
