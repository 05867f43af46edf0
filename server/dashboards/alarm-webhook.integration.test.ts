/**
 * POST /api/v1/alarms through the real route handler: API-key authentication and the project check, body
 * validation naming the field, the deployment it blames, idempotence, the audit row, and the effect on the change
 * failure rate.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { POST } from "~/app/api/v1/alarms/route";
import { createApiKey } from "~/server/access/api-keys";
import { CHANGE_FAILURE_WINDOW_MS } from "~/server/engine/record-deployment";
import { useTestDatabase } from "~/test-support/db";
import { callerFor, createProject, createUser } from "~/test-support/factories";
import { doraMetrics } from "./dora-metrics";

const { db } = useTestDatabase();
const HOUR = 3_600_000;
const firedAt = new Date(Date.now() - 2 * HOUR);
const at = (offsetMs: number) => new Date(firedAt.getTime() + offsetMs);

let project: { id: string; slug: string };
let other: { id: string; slug: string };
let keys: { executor: string; viewer: string; otherProject: string };
const ids: Record<string, string> = {};

async function deployment(name: string, o: { service?: string; environment?: string; environmentType?: string; status?: string; finishedAt: Date; projectId?: string }) {
  const id = randomUUID();
  ids[name] = id;
  const finishedAt = o.finishedAt;
  await db.deployment.create({
    data: {
      id,
      projectId: o.projectId ?? project.id,
      executionId: randomUUID(),
      stageId: "deploy",
      pipelineId: "p",
      service: o.service ?? "checkout",
      environment: o.environment ?? "prod",
      environmentType: o.environmentType ?? "PRODUCTION",
      status: o.status ?? "SUCCESS",
      version: name,
      changeAt: new Date(finishedAt.getTime() - HOUR),
      startedAt: new Date(finishedAt.getTime() - 60_000),
      finishedAt,
    },
  });
}

function post(body: unknown, key?: string, raw?: string) {
  return POST(
    new Request("http://localhost/api/v1/alarms", {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": "alarm-test", ...(key ? { Authorization: `Bearer ${key}` } : {}) },
      body: raw ?? JSON.stringify(body),
    }),
  );
}

beforeAll(async () => {
  const admin = await createUser(db);
  project = await createProject(db, [{ user: admin, role: "ADMIN" }]);
  other = await createProject(db, [{ user: admin, role: "ADMIN" }]);
  const actor = { type: "user" as const, id: admin.id, label: admin.email };
  const key = async (projectId: string, role: "PIPELINE_EXECUTOR" | "VIEWER") => (await createApiKey({ db, projectId, name: `k-${randomUUID().slice(0, 6)}`, role, creator: { id: admin.id, role: "ADMIN" }, actor })).key;
  keys = { executor: await key(project.id, "PIPELINE_EXECUTOR"), viewer: await key(project.id, "VIEWER"), otherProject: await key(other.id, "PIPELINE_EXECUTOR") };

  await deployment("1.0.0-too-old", { finishedAt: at(-CHANGE_FAILURE_WINDOW_MS - HOUR) });
  await deployment("1.1.0-target", { finishedAt: at(-HOUR) });
  await deployment("1.2.0-failed", { status: "FAILED", finishedAt: at(-30 * 60_000) });
  await deployment("1.3.0-after-alarm", { finishedAt: at(30 * 60_000) });
  await deployment("1.1.0-staging", { environment: "staging", environmentType: "PRE_PRODUCTION", finishedAt: at(-10 * 60_000) });
  await deployment("2.0.0-other-service", { service: "search", finishedAt: at(-20 * 60_000) });
  await deployment("1.1.0-other-project", { projectId: other.id, finishedAt: at(-HOUR) });
  await deployment("0.9.0-stale", { service: "ledger", finishedAt: at(-CHANGE_FAILURE_WINDOW_MS - 1) });
});

const alarm = { service: "checkout", environment: "prod", alarm: "p99-latency", firedAt: firedAt.toISOString() };
const marked = () => db.deployment.findMany({ where: { failedLaterAt: { not: null }, projectId: { in: [project.id, other.id] } }, select: { id: true } });

describe("POST /api/v1/alarms", () => {
  it("refuses a call without an API key", async () => {
    const res = await post(alarm);
    expect(res.status).toBe(401);
  });

  it("refuses a key from another project (404, the project is not visible to it) and touches nothing", async () => {
    const res = await post({ ...alarm, project: project.slug }, keys.otherProject);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "NOT_FOUND", field: "projectId" });
    // Without naming a project it acts in its own project only: this project's deployment stays untouched.
    const own = await post({ ...alarm, service: "nothing-here" }, keys.otherProject);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ outcome: "no-deployment" });
    expect(await marked()).toEqual([]);
  });

  it("refuses a key whose role cannot control executions (403)", async () => {
    const res = await post(alarm, keys.viewer);
    expect(res.status).toBe(403);
    expect(await marked()).toEqual([]);
  });

  it.each([
    ["service", { ...alarm, service: undefined }],
    ["environment", { ...alarm, environment: "" }],
    ["alarm", { ...alarm, alarm: 42 }],
    ["firedAt", { ...alarm, firedAt: "yesterday" }],
    ["firedAt", { ...alarm, firedAt: new Date(Date.now() + 3 * HOUR).toISOString() }],
  ])("names the field of a bad body (%s)", async (field, body) => {
    const res = await post(body, keys.executor);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { code: string; field: string; message: string };
    expect(json).toMatchObject({ code: "INVALID_INPUT", field });
    expect(json.message).toContain(field);
  });

  it("names the body when it is not JSON", async () => {
    const res = await post(null, keys.executor, "{not json");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "body" });
  });

  it("marks the latest successful production deployment that finished within the window before the alarm, audited", async () => {
    const before = await dora();
    const audits = await db.auditEvent.count({ where: { projectId: project.id, action: "deployment.failedLater" } });
    const res = await post(alarm, keys.executor);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: "marked", deployment: { id: ids["1.1.0-target"], version: "1.1.0-target" } });
    const row = await db.deployment.findUniqueOrThrow({ where: { id: ids["1.1.0-target"] } });
    expect(row.failedLaterAt?.getTime()).toBe(firedAt.getTime());
    expect(row.failedLaterCause).toBe("alarm p99-latency fired");
    expect((await marked()).map((m) => m.id)).toEqual([ids["1.1.0-target"]]);

    const audit = await db.auditEvent.findMany({ where: { projectId: project.id, action: "deployment.failedLater" }, orderBy: { id: "desc" } });
    expect(audit).toHaveLength(audits + 1);
    expect(audit[0]).toMatchObject({ actorType: "apikey", targetType: "deployment", targetId: ids["1.1.0-target"], userAgent: "alarm-test" });
    expect(audit[0]!.summary).toMatchObject({ alarm: "p99-latency", service: "checkout", environment: "prod", version: "1.1.0-target" });

    // It reaches the change failure rate with no tagging.
    const after = await dora();
    expect(after.changeFailureRate.failures).toBe(before.changeFailureRate.failures + 1);
    expect(after.changeFailureRate.deployments).toBe(before.changeFailureRate.deployments);
  });

  it("changes nothing on a second identical call", async () => {
    const snapshot = await db.deployment.findMany({ where: { projectId: project.id }, orderBy: { id: "asc" } });
    const audits = await db.auditEvent.count();
    const res = await post(alarm, keys.executor);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: "already-marked", deployment: { id: ids["1.1.0-target"] } });
    expect(await db.deployment.findMany({ where: { projectId: project.id }, orderBy: { id: "asc" } })).toEqual(snapshot);
    expect(await db.auditEvent.count()).toBe(audits);
  });

  it("marks nothing when no successful production deployment finished within the window before the alarm", async () => {
    const res = await post({ ...alarm, service: "ledger" }, keys.executor);
    expect(await res.json()).toMatchObject({ outcome: "no-deployment", deployment: null });
    const staging = await post({ ...alarm, environment: "staging" }, keys.executor);
    expect(await staging.json()).toMatchObject({ outcome: "no-deployment" });
    expect((await marked()).map((m) => m.id)).toEqual([ids["1.1.0-target"]]);
  });

  it("is visible on the dashboards as a failed-later deployment", async () => {
    const viewer = await createUser(db);
    await db.membership.create({ data: { projectId: project.id, userId: viewer.id, role: "VIEWER" } });
    const where = await callerFor(db, viewer).dashboard.deployedWhere({ projectId: project.id, service: "checkout", environment: "prod" });
    // The latest success is 1.3.0 (after the alarm), not the marked one.
    expect(where.cells[0]).toMatchObject({ version: "1.3.0-after-alarm", failedLater: null });
  });
});

function dora() {
  return doraMetrics(db, { projectId: project.id, from: new Date(firedAt.getTime() - 3 * CHANGE_FAILURE_WINDOW_MS), to: new Date(firedAt.getTime() + 2 * HOUR) });
}
