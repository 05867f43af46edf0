/**
 * The engine against PostgreSQL with its real job runner: start → reconcile (queued jobs) → a delegate claims →
 * logs → result → the next step, approvals by the right people, secrets resolved only at claim, and expression
 * errors refusing the start with their position.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "~/test-support/db";
import { fakeDelegate } from "~/test-support/fake-delegate";
import { callerFor, createUser, expectTrpcError, projectWithRoles } from "~/test-support/factories";
import { reportResult } from "../delegates/report-result";
import type { Runner } from "graphile-worker";
import { startEngineWorker } from "./worker";

const { db, url } = useTestDatabase();
let runner: Runner;
let ctx: Awaited<ReturnType<typeof projectWithRoles>>;
beforeAll(async () => {
  runner = await startEngineWorker(url);
  ctx = await projectWithRoles(db);
});
afterAll(async () => runner?.stop());

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const yaml = (body: string) => `apiVersion: slipway/v1\nkind: Pipeline\nname: E ${Math.random()}\nvariables:\n  - name: who\n    default: world\n  - name: token\n    type: secret\n    default: <+secrets.getValue("api-token")>\nstages:\n${body}`;

async function pipeline(body: string) {
  return ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "x", yaml: yaml(body) });
}

describe("engine with a delegate", () => {
  it("runs shell steps in order through claim, logs and result, resolving expressions and secrets", async () => {
    await ctx.as.admin.secret.save({ projectId: ctx.project.id, name: "api-token", value: "s3cr3t-value" });
    const d = await fakeDelegate(db);
    const p = await pipeline(`  - id: a\n    steps:\n      - id: hello\n        type: shell\n        script: echo hello <+pipeline.variables.who> <+pipeline.sequenceId> <+pipeline.variables.token>\n      - id: second\n        type: shell\n        script: echo two\n`);
    const exec = await ctx.as.executor.execution.start({ projectId: ctx.project.id, pipelineId: p.id, inputs: { who: "slipway" } });
    const offer = await until("an offer", async () => (await d.offered())[0]);
    const { task, lease } = await d.claim(offer.taskId);
    expect(task.work).toMatchObject({ kind: "shell", script: `echo hello slipway ${exec.sequenceId} s3cr3t-value` });
    expect(task.mask).toContain("s3cr3t-value");
    const stored = await db.stepRun.findUniqueOrThrow({ where: { id: task.taskId } });
    expect(JSON.stringify(stored.work)).not.toContain("s3cr3t-value");
    await d.log(task.taskId, lease.fencingToken, 1, ["hello slipway", "done"]);
    await reportResult({ db, delegateId: d.id, delegateName: "fake", taskId: task.taskId, body: { fencingToken: lease.fencingToken, outcome: "success", exitCode: 0, message: "", lastLogSeq: 1, outputs: {} } });
    const next = await until("the second step", async () => (await d.offered()).find((t) => t.taskId !== task.taskId));
    const second = await d.claim(next.taskId);
    await reportResult({ db, delegateId: d.id, delegateName: "fake", taskId: next.taskId, body: { fencingToken: second.lease.fencingToken, outcome: "success", exitCode: 0, message: "", lastLogSeq: 0, outputs: {} } });
    await until("SUCCESS", async () => (await db.execution.findUniqueOrThrow({ where: { id: exec.id } })).status === "SUCCESS");
    const view = await ctx.as.viewer.execution.byId({ projectId: ctx.project.id, executionId: exec.id });
    expect(view.steps.map((s) => [s.stepId, s.status])).toEqual([["hello", "SUCCESS"], ["second", "SUCCESS"]]);
    expect(view.events.map((e) => e.to)).toContain("SUCCESS");
    const logs = await ctx.as.viewer.execution.logLines({ projectId: ctx.project.id, stepRunId: task.taskId, from: 1, to: 10 });
    expect(logs.lines.map((l) => l.text)).toEqual(["hello slipway", "done"]);
  });

  it("refuses a result until every log chunk is stored", async () => {
    const d = await fakeDelegate(db);
    const p = await pipeline(`  - id: a\n    steps:\n      - { id: s, type: shell, script: "true" }\n`);
    await ctx.as.admin.execution.start({ projectId: ctx.project.id, pipelineId: p.id });
    const offer = await until("an offer", async () => (await d.offered())[0]);
    const { task, lease } = await d.claim(offer.taskId);
    await expect(reportResult({ db, delegateId: d.id, delegateName: "fake", taskId: task.taskId, body: { fencingToken: lease.fencingToken, outcome: "success", exitCode: 0, message: "", lastLogSeq: 2, outputs: {} } })).rejects.toMatchObject({ code: "logs_incomplete" });
    await expect(d.log(task.taskId, lease.fencingToken, 2, ["out of order"])).rejects.toMatchObject({ code: "log_gap", expectedSeq: 1 });
  });

  it("lets only a listed approver approve, records who and why, then continues", async () => {
    const p = await pipeline(`  - id: gate\n    steps:\n      - id: ok\n        type: approval\n        approvers: { roles: [PipelineAdmin] }\n  - id: after\n    steps:\n      - { id: w, type: wait, duration: 1s }\n`);
    const exec = await ctx.as.executor.execution.start({ projectId: ctx.project.id, pipelineId: p.id });
    const step = await until("approval", async () => db.stepRun.findFirst({ where: { executionId: exec.id, stepId: "ok", status: "APPROVAL_REQUIRED" } }));
    const refused = await expectTrpcError(() => ctx.as.executor.execution.approve({ projectId: ctx.project.id, stepRunId: step.id, comment: "me?" }));
    expect(refused.code).toBe("FORBIDDEN");
    await ctx.as.pipelineAdmin.execution.approve({ projectId: ctx.project.id, stepRunId: step.id, comment: "ship it" });
    await until("SUCCESS", async () => (await db.execution.findUniqueOrThrow({ where: { id: exec.id } })).status === "SUCCESS", 20_000);
    const view = await ctx.as.viewer.execution.byId({ projectId: ctx.project.id, executionId: exec.id });
    expect(view.steps.find((s) => s.stepId === "ok")?.decisions).toEqual([expect.objectContaining({ decision: "APPROVED", comment: "ship it", by: ctx.users.pipelineAdmin.name })]);
  });

  it("refuses to start when an expression cannot be resolved, naming it and its line", async () => {
    const p = await pipeline(`  - id: a\n    steps:\n      - id: s\n        type: shell\n        script: echo <+stage.name>\n`);
    // A variable that has no value: declared without default, not given.
    await ctx.as.admin.pipeline.saveRevision({ projectId: ctx.project.id, pipelineId: p.id, baseRevision: 1, message: "x", yaml: `apiVersion: slipway/v1\nkind: Pipeline\nname: Unset ${Math.random()}\nvariables:\n  - name: region\nstages:\n  - id: a\n    steps:\n      - id: s\n        type: shell\n        script: echo <+pipeline.variables.region>\n` });
    const err = await expectTrpcError(() => ctx.as.admin.execution.start({ projectId: ctx.project.id, pipelineId: p.id }));
    expect(err.appError?.message).toMatch(/<\+pipeline\.variables\.region>.*line 11, column 22/);
    expect(await db.execution.count({ where: { pipelineId: p.id } })).toBe(0);
  });

  it("refuses an unknown variable naming the field", async () => {
    const p = await pipeline(`  - id: a\n    steps:\n      - { id: s, type: wait, duration: 1s }\n`);
    const err = await expectTrpcError(() => ctx.as.admin.execution.start({ projectId: ctx.project.id, pipelineId: p.id, inputs: { nope: "x" } }));
    expect(err.appError).toMatchObject({ code: "INVALID_INPUT", field: "variables.nope" });
  });

  it("does not let a Viewer start or abort", async () => {
    const p = await pipeline(`  - id: a\n    steps:\n      - { id: s, type: wait, duration: 1s }\n`);
    expect((await expectTrpcError(() => ctx.as.viewer.execution.start({ projectId: ctx.project.id, pipelineId: p.id }))).code).toBe("FORBIDDEN");
    const exec = await ctx.as.executor.execution.start({ projectId: ctx.project.id, pipelineId: p.id });
    expect((await expectTrpcError(() => ctx.as.viewer.execution.abort({ projectId: ctx.project.id, executionId: exec.id }))).code).toBe("FORBIDDEN");
  });

  it("aborts a waiting execution", async () => {
    const p = await pipeline(`  - id: a\n    steps:\n      - { id: s, type: wait, duration: 1h }\n`);
    const exec = await ctx.as.executor.execution.start({ projectId: ctx.project.id, pipelineId: p.id });
    await until("waiting", async () => db.stepRun.findFirst({ where: { executionId: exec.id, status: "WAITING" } }));
    await ctx.as.executor.execution.abort({ projectId: ctx.project.id, executionId: exec.id });
    await until("ABORTED", async () => (await db.execution.findUniqueOrThrow({ where: { id: exec.id } })).status === "ABORTED");
  });

  it("numbers executions of a pipeline 1, 2, 3 even when started at once", async () => {
    const p = await pipeline(`  - id: a\n    steps:\n      - { id: s, type: wait, duration: 1s }\n`);
    const started = await Promise.all([1, 2, 3].map(() => ctx.as.admin.execution.start({ projectId: ctx.project.id, pipelineId: p.id })));
    expect(started.map((s) => s.sequenceId).sort()).toEqual([1, 2, 3]);
  });

  it("keeps secret values out of the browser: the list shows names only", async () => {
    await ctx.as.admin.secret.save({ projectId: ctx.project.id, name: "db-password", value: "hunter2-hunter2" });
    const list = await ctx.as.viewer.secret.list({ projectId: ctx.project.id });
    expect(JSON.stringify(list)).not.toContain("hunter2");
    expect(list.map((s) => s.name)).toContain("db-password");
    const raw = await db.secret.findFirstOrThrow({ where: { name: "db-password" } });
    expect(Buffer.from(raw.sealed).toString("utf8")).not.toContain("hunter2");
  });

  it("a user without a session gets nothing", async () => {
    const outsider = await createUser(db);
    expect((await expectTrpcError(() => callerFor(db, outsider).execution.list({ projectId: ctx.project.id }))).code).toBe("NOT_FOUND");
  });
});
