/**
 * Dashboards computed from a seeded history of a few thousand deployments (each with its execution and stage run)
 * equal the same figures computed independently here: plain SQL written for the test (percentile_cont over
 * intervals, window functions for time to restore, row_number for deployed-where) and, for time-zone buckets,
 * JavaScript's Intl — never by calling the dashboard functions a second way.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createPipeline } from "~/server/pipelines/create-pipeline";
import { useTestDatabase } from "~/test-support/db";
import { callerFor, createProject, createUser, expectTrpcError, projectWithRoles } from "~/test-support/factories";
import type { DashboardScope } from "./types";

const { db } = useTestDatabase();

// ---------------------------------------------------------------------------------------------------------------
// The seeded history (deterministic)
// ---------------------------------------------------------------------------------------------------------------

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const END = new Date(Date.UTC(2026, 2, 1)); // the main range is [END − 90 d, END)
const SERVICES = ["checkout", "payments", "search", "catalog", "auth"];
const ENVIRONMENTS = [
  { name: "dev", type: "PRE_PRODUCTION", perDay: 3.2, fail: 0.12, rollback: 0.02, abort: 0.05 },
  { name: "staging", type: "PRE_PRODUCTION", perDay: 1.6, fail: 0.08, rollback: 0.04, abort: 0.04 },
  { name: "prod-eu", type: "PRODUCTION", perDay: 1.0, fail: 0.07, rollback: 0.06, abort: 0.05 },
  { name: "prod-us", type: "PRODUCTION", perDay: 0.8, fail: 0.06, rollback: 0.05, abort: 0.04 },
] as const;

type Seeded = {
  id: string;
  executionId: string;
  service: string;
  environment: string;
  environmentType: string;
  status: "SUCCESS" | "FAILED" | "ROLLED_BACK" | "ABORTED";
  version: string;
  triggeredById: string;
  startedAt: Date;
  finishedAt: Date;
  changeAt: Date;
  execStartedAt: Date;
  changeSource: "commit" | "artifact" | "start";
  failedLaterAt: Date | null;
  failedLaterCause: string | null;
};

function generateHistory(rnd: () => number, userIds: string[]): Seeded[] {
  const out: Seeded[] = [];
  const versions = new Map<string, number>();
  const exp = (mean: number) => -Math.log(1 - rnd()) * mean;
  for (const service of SERVICES) {
    for (const env of ENVIRONMENTS) {
      let t = END.getTime() - 96 * DAY;
      for (;;) {
        t += Math.round(exp(DAY / env.perDay));
        if (t > END.getTime() + 4 * DAY) break;
        const u = rnd();
        const status = u < env.fail ? "FAILED" : u < env.fail + env.rollback ? "ROLLED_BACK" : u < env.fail + env.rollback + env.abort ? "ABORTED" : "SUCCESS";
        const n = (versions.get(service) ?? 0) + 1;
        versions.set(service, n);
        const startedAt = new Date(t);
        const finishedAt = new Date(t + 20_000 + Math.round(rnd() ** 2 * 45 * 60_000));
        const execStartedAt = new Date(t - Math.round(rnd() * 10 * 60_000));
        const s = rnd();
        const changeSource = s < 0.6 ? "commit" : s < 0.8 ? "artifact" : "start";
        const changeAt = changeSource === "start" ? execStartedAt : new Date(execStartedAt.getTime() - Math.round(exp(changeSource === "commit" ? 1.5 * DAY : 8 * HOUR)));
        const laterBad = status === "SUCCESS" && rnd() < (env.type === "PRODUCTION" ? 0.09 : 0.03);
        out.push({
          id: randomUUID(),
          executionId: randomUUID(),
          service,
          environment: env.name,
          environmentType: env.type,
          status,
          version: `${n >> 3}.${n & 7}.0`,
          triggeredById: userIds[Math.floor(rnd() * userIds.length)]!,
          startedAt,
          finishedAt,
          changeAt,
          execStartedAt,
          changeSource,
          failedLaterAt: laterBad ? new Date(finishedAt.getTime() + Math.round(rnd() * 20 * HOUR)) : null,
          failedLaterCause: laterBad ? (rnd() < 0.5 ? "alarm p99-latency fired" : "rolled back by redeploying 1.0.0") : null,
        });
      }
    }
  }
  return out;
}

let projectId = "";
let slugProject: { id: string; slug: string } = { id: "", slug: "" };
let history: Seeded[] = [];
let caller: ReturnType<typeof callerFor>;
let ctx: Awaited<ReturnType<typeof projectWithRoles>>;

async function insertHistory(pid: string, pipelineId: string, revisionId: string, rows: Seeded[], firstSeq: number) {
  const stageStatus = (s: Seeded["status"]) => s;
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await db.execution.createMany({
      data: chunk.map((d, k) => ({
        id: d.executionId,
        projectId: pid,
        pipelineId,
        revisionId,
        sequenceId: firstSeq + i + k,
        status: d.status,
        trigger: d.changeSource === "start" ? "manual" : "webhook",
        triggeredById: d.triggeredById,
        triggerInfo: d.changeSource === "commit" ? { commitSha: d.id.slice(0, 12), commitTime: d.changeAt.toISOString() } : d.changeSource === "artifact" ? { artifactTime: d.changeAt.toISOString() } : {},
        createdAt: d.execStartedAt,
        startedAt: d.execStartedAt,
        finishedAt: new Date(d.finishedAt.getTime() + 1_000),
      })),
    });
    await db.stageRun.createMany({ data: chunk.map((d) => ({ executionId: d.executionId, stageId: "deploy", status: stageStatus(d.status), startedAt: d.startedAt, finishedAt: d.finishedAt })) });
    await db.deployment.createMany({
      data: chunk.map((d) => ({
        id: d.id,
        projectId: pid,
        executionId: d.executionId,
        stageId: "deploy",
        pipelineId,
        service: d.service,
        environment: d.environment,
        environmentType: d.environmentType,
        status: d.status,
        version: d.version,
        triggeredById: d.triggeredById,
        changeAt: d.changeAt,
        startedAt: d.startedAt,
        finishedAt: d.finishedAt,
        failedLaterAt: d.failedLaterAt,
        failedLaterCause: d.failedLaterCause,
      })),
    });
  }
}

beforeAll(async () => {
  ctx = await projectWithRoles(db);
  projectId = ctx.project.id;
  slugProject = ctx.project;
  caller = ctx.as.viewer;
  const people = [ctx.users.admin, ctx.users.executor, await createUser(db, { name: "Robin Release" })];
  const rnd = mulberry32(0x5eed_2026);
  history = generateHistory(rnd, people.map((p) => p.id));

  // Boundaries of the main range: a deployment ending exactly at `from` is in, one ending exactly at `to` is out.
  const from = new Date(END.getTime() - 90 * DAY);
  const edge = (at: Date, status: Seeded["status"]): Seeded => ({ ...history[0]!, id: randomUUID(), executionId: randomUUID(), service: "checkout", environment: "prod-eu", environmentType: "PRODUCTION", status, version: "9.9.9", startedAt: new Date(at.getTime() - 60_000), finishedAt: at, changeAt: new Date(at.getTime() - HOUR), execStartedAt: new Date(at.getTime() - 120_000), changeSource: "start", failedLaterAt: null, failedLaterCause: null });
  history.push(edge(from, "FAILED"), edge(END, "SUCCESS"));
  // Unrestored failures: search in prod-us ends with two failures and nothing healthy after them.
  history = history.filter((d) => !(d.service === "search" && d.environment === "prod-us" && d.finishedAt.getTime() > END.getTime() - 2 * DAY));
  history.push(
    { ...edge(new Date(END.getTime() - DAY), "FAILED"), service: "search", environment: "prod-us" },
    { ...edge(new Date(END.getTime() - 12 * HOUR), "ROLLED_BACK"), service: "search", environment: "prod-us" },
  );

  const owner = ctx.users.admin;
  const pipeline = await createPipeline({ db, projectId, name: "deliver", userId: owner.id, actor: { type: "system", id: null, label: "test" } });
  const revision = await db.pipelineRevision.findFirstOrThrow({ where: { pipelineId: pipeline.id } });
  await db.environment.createMany({ data: [{ projectId, name: "dev" }, { projectId, name: "prod-eu", type: "PRODUCTION" }, { projectId, name: "qa" }] });
  await db.service.createMany({ data: [{ projectId, name: "checkout", type: "ECS", spec: {} }, { projectId, name: "ledger", type: "SSH", spec: {} }] });
  await insertHistory(projectId, pipeline.id, revision.id, history, 1);

  // Noise in another project: must never leak into this project's figures.
  const other = await createProject(db, [{ user: owner, role: "ADMIN" }]);
  const otherPipeline = await createPipeline({ db, projectId: other.id, name: "other", userId: owner.id, actor: { type: "system", id: null, label: "test" } });
  const otherRevision = await db.pipelineRevision.findFirstOrThrow({ where: { pipelineId: otherPipeline.id } });
  await insertHistory(other.id, otherPipeline.id, otherRevision.id, generateHistory(mulberry32(7), [owner.id]).slice(0, 400), 1);
}, 120_000);

// ---------------------------------------------------------------------------------------------------------------
// Independent figures
// ---------------------------------------------------------------------------------------------------------------

/** UTC wall time as a SQL literal (the columns are timestamp(3) holding UTC). */
const lit = (d: Date) => `TIMESTAMP '${d.toISOString().slice(0, 23).replace("T", " ")}'`;
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

function where(scope: DashboardScope, production = false) {
  const parts = [`"projectId" = ${q(scope.projectId)}`, `"finishedAt" >= ${lit(scope.from)}`, `"finishedAt" < ${lit(scope.to)}`];
  if (scope.service) parts.push(`service = ${q(scope.service)}`);
  if (scope.environment) parts.push(`environment = ${q(scope.environment)}`);
  if (production) parts.push(`"environmentType" = 'PRODUCTION'`);
  else if (scope.environmentType) parts.push(`"environmentType" = ${q(scope.environmentType)}`);
  return parts.join(" AND ");
}

const ms = (col: string) => `(EXTRACT(EPOCH FROM ${col}) * 1000)::float8`;

async function expectedFigures(scope: DashboardScope) {
  const [totals] = await db.$queryRawUnsafe<{ total: number; success: number; failed: number; rolled_back: number; aborted: number; rate: number | null; p50: number | null; p90: number | null }[]>(`
    SELECT count(*)::int AS total,
      sum(CASE WHEN status = 'SUCCESS' THEN 1 ELSE 0 END)::int AS success,
      sum(CASE WHEN status = 'FAILED' THEN 1 ELSE 0 END)::int AS failed,
      sum(CASE WHEN status = 'ROLLED_BACK' THEN 1 ELSE 0 END)::int AS rolled_back,
      sum(CASE WHEN status = 'ABORTED' THEN 1 ELSE 0 END)::int AS aborted,
      (sum(CASE WHEN status = 'SUCCESS' THEN 1 ELSE 0 END)::float8 / nullif(sum(CASE WHEN status <> 'ABORTED' THEN 1 ELSE 0 END), 0)) AS rate,
      ${ms(`(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY "finishedAt" - "startedAt") FROM deployment WHERE ${where(scope)} AND status = 'SUCCESS')`)} AS p50,
      ${ms(`(SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY "finishedAt" - "startedAt") FROM deployment WHERE ${where(scope)} AND status = 'SUCCESS')`)} AS p90
    FROM deployment WHERE ${where(scope)}`);
  const perBucket = await db.$queryRawUnsafe<{ day: string; environment: string; service: string; n: number }[]>(`
    SELECT to_char("finishedAt", 'YYYY-MM-DD') AS day, environment, service, count(*)::int AS n
    FROM deployment WHERE ${where(scope)} GROUP BY 1, 2, 3`);
  const byService = await db.$queryRawUnsafe<{ service: string; total: number; success: number; decided: number; p50: number | null }[]>(`
    SELECT service, count(*)::int AS total, count(*) FILTER (WHERE status = 'SUCCESS')::int AS success, count(*) FILTER (WHERE status <> 'ABORTED')::int AS decided,
      ${ms(`percentile_cont(0.5) WITHIN GROUP (ORDER BY "finishedAt" - "startedAt") FILTER (WHERE status = 'SUCCESS')`)} AS p50
    FROM deployment WHERE ${where(scope)} GROUP BY service`);
  const [dora] = await db.$queryRawUnsafe<{ successes: number; lead_p50: number | null; decided: number; bad: number }[]>(`
    SELECT count(*) FILTER (WHERE status = 'SUCCESS')::int AS successes,
      ${ms(`percentile_cont(0.5) WITHIN GROUP (ORDER BY "finishedAt" - "changeAt") FILTER (WHERE status = 'SUCCESS')`)} AS lead_p50,
      count(*) FILTER (WHERE status <> 'ABORTED')::int AS decided,
      count(*) FILTER (WHERE status IN ('FAILED', 'ROLLED_BACK') OR (status = 'SUCCESS' AND "failedLaterAt" IS NOT NULL))::int AS bad
    FROM deployment WHERE ${where(scope, true)}`);
  // Time to restore with a window: for every production deployment, the first healthy one strictly after it in
  // the same service + environment, over the whole history (restores may come after the range).
  const [ttr] = await db.$queryRawUnsafe<{ failures: number; restored: number; p50: number | null }[]>(`
    WITH prod AS (
      SELECT *,
        (status = 'SUCCESS' AND "failedLaterAt" IS NULL) AS healthy,
        (status IN ('FAILED', 'ROLLED_BACK') OR (status = 'SUCCESS' AND "failedLaterAt" IS NOT NULL)) AS bad
      FROM deployment WHERE "projectId" = ${q(scope.projectId)} AND "environmentType" = 'PRODUCTION'
    ), nxt AS (
      SELECT *, min(CASE WHEN healthy THEN "finishedAt" END) OVER (
        PARTITION BY service, environment ORDER BY "finishedAt" RANGE BETWEEN INTERVAL '1 microsecond' FOLLOWING AND UNBOUNDED FOLLOWING
      ) AS restored_at
      FROM prod
    )
    SELECT count(*)::int AS failures, count(restored_at)::int AS restored,
      ${ms(`percentile_cont(0.5) WITHIN GROUP (ORDER BY restored_at - "finishedAt")`)} AS p50
    FROM nxt WHERE bad AND ${where(scope, true)}`);
  return { totals: totals!, perBucket, byService, dora: dora!, ttr: ttr! };
}

const days = (from: Date, to: Date) => (to.getTime() - from.getTime()) / DAY;

// ---------------------------------------------------------------------------------------------------------------

describe("dashboard figures match independent SQL", () => {
  const full = () => ({ projectId, from: new Date(END.getTime() - 90 * DAY), to: END });
  const scopes: [string, () => DashboardScope][] = [
    ["90 days", full],
    ["30 days, one service", () => ({ projectId, from: new Date(END.getTime() - 30 * DAY), to: END, service: "payments" })],
    ["7 days, one environment", () => ({ projectId, from: new Date(END.getTime() - 7 * DAY), to: END, environment: "prod-eu" })],
    ["60 days, production only, ending mid-day", () => ({ projectId, from: new Date(END.getTime() - 60 * DAY - 5 * HOUR), to: new Date(END.getTime() - 5 * HOUR), environmentType: "PRODUCTION" })],
  ];

  it("seeded a few thousand deployments with every kind of outcome", async () => {
    const counts = await db.$queryRawUnsafe<{ status: string; later: boolean; n: number }[]>(`SELECT status, "failedLaterAt" IS NOT NULL AS later, count(*)::int AS n FROM deployment WHERE "projectId" = ${q(projectId)} GROUP BY 1, 2`);
    const total = counts.reduce((s, c) => s + c.n, 0);
    expect(total).toBe(history.length);
    expect(total).toBeGreaterThan(2500);
    expect(await db.execution.count({ where: { projectId } })).toBe(history.length);
    for (const s of ["SUCCESS", "FAILED", "ROLLED_BACK", "ABORTED"]) expect(counts.find((c) => c.status === s)?.n ?? 0).toBeGreaterThan(20);
    expect(counts.find((c) => c.status === "SUCCESS" && c.later)?.n ?? 0).toBeGreaterThan(20);
  });

  it.each(scopes)("%s: counts per day, success rate, p50/p90 duration, by service", async (_name, make) => {
    const scope = make();
    const got = await caller.dashboard.summary({ ...scope, timeZone: "UTC" });
    const want = await expectedFigures(scope);

    expect(got.stats.overall).toMatchObject({ total: want.totals.total, success: want.totals.success, failed: want.totals.failed, rolledBack: want.totals.rolled_back, aborted: want.totals.aborted });
    expect(got.stats.overall.total).toBeGreaterThan(0);
    expect(got.stats.overall.successRate).toBeCloseTo(want.totals.rate!, 12);
    expect(got.stats.overall.p50).toBeCloseTo(want.totals.p50!, 2);
    expect(got.stats.overall.p90).toBeCloseTo(want.totals.p90!, 2);

    expect(got.stats.byService.map((s) => s.service).sort()).toEqual(want.byService.map((s) => s.service).sort());
    for (const w of want.byService) {
      const g = got.stats.byService.find((s) => s.service === w.service)!;
      expect(g.total).toBe(w.total);
      expect(g.successRate).toBeCloseTo(w.success / w.decided, 12);
      if (w.p50 === null) expect(g.p50).toBeNull();
      else expect(g.p50).toBeCloseTo(w.p50, 2);
    }

    // Per-day (or per-hour) buckets: every expected day is there with its count by environment and by service;
    // empty days are present with zero.
    expect(got.activity.unit).toBe("day");
    const expectedDays = new Map<string, { total: number; env: Record<string, number>; svc: Record<string, number> }>();
    for (const r of want.perBucket) {
      const e = expectedDays.get(r.day) ?? { total: 0, env: {}, svc: {} };
      e.total += r.n;
      e.env[r.environment] = (e.env[r.environment] ?? 0) + r.n;
      e.svc[r.service] = (e.svc[r.service] ?? 0) + r.n;
      expectedDays.set(r.day, e);
    }
    const firstDay = new Date(Date.UTC(scope.from.getUTCFullYear(), scope.from.getUTCMonth(), scope.from.getUTCDate()));
    expect(got.activity.buckets).toHaveLength(Math.ceil(days(firstDay, scope.to)));
    for (const b of got.activity.buckets) {
      const e = expectedDays.get(b.at.toISOString().slice(0, 10)) ?? { total: 0, env: {}, svc: {} };
      expect({ day: b.at.toISOString().slice(0, 10), total: b.total, env: b.byEnvironment, svc: b.byService }).toEqual({ day: b.at.toISOString().slice(0, 10), total: e.total, env: e.env, svc: e.svc });
    }
    expect(got.activity.buckets.reduce((s, b) => s + b.total, 0)).toBe(want.totals.total);
  });

  it.each(scopes)("%s: the four DORA keys for production", async (_name, make) => {
    const scope = make();
    const { dora } = await caller.dashboard.summary({ ...scope, timeZone: "UTC" });
    const want = await expectedFigures(scope);

    expect(dora.deploymentFrequency.deployments).toBe(want.dora.successes);
    expect(dora.deploymentFrequency.perDay).toBeCloseTo(want.dora.successes / days(scope.from, scope.to), 12);
    expect(dora.leadTime.medianMs).toBeCloseTo(want.dora.lead_p50!, 2);
    expect(dora.changeFailureRate.deployments).toBe(want.dora.decided);
    expect(dora.changeFailureRate.failures).toBe(want.dora.bad);
    expect(dora.changeFailureRate.rate).toBeCloseTo(want.dora.bad / want.dora.decided, 12);
    expect(dora.timeToRestore.failures).toBe(want.ttr.failures);
    expect(dora.timeToRestore.restored).toBe(want.ttr.restored);
    expect(dora.timeToRestore.unrestored).toBe(want.ttr.failures - want.ttr.restored);
    expect(dora.timeToRestore.medianMs).toBeCloseTo(want.ttr.p50!, 2);

    // Where lead time started, counted from the seed itself.
    const inScope = history.filter((d) => d.environmentType === "PRODUCTION" && d.status === "SUCCESS" && d.finishedAt >= scope.from && d.finishedAt < scope.to && (!scope.service || d.service === scope.service) && (!scope.environment || d.environment === scope.environment));
    expect(dora.leadTime.source).toEqual({
      commit: inScope.filter((d) => d.changeSource === "commit").length,
      artifact: inScope.filter((d) => d.changeSource === "artifact").length,
      executionStart: inScope.filter((d) => d.changeSource === "start").length,
    });
  });

  it("counts the unrestored failures at the end of the history and the range's half-open edges", async () => {
    const scope = { projectId, from: new Date(END.getTime() - 40 * HOUR), to: END, service: "search", environment: "prod-us" };
    const { dora } = await caller.dashboard.summary(scope);
    expect(dora.timeToRestore).toMatchObject({ failures: 2, restored: 0, unrestored: 2, medianMs: null });
    const edges = await caller.dashboard.deployments({ projectId, scope: { ...full(), service: "checkout", environment: "prod-eu" }, kind: "all", take: 200 });
    const versions = edges.rows.map((r) => r.version);
    expect(versions.filter((v) => v === "9.9.9")).toHaveLength(1); // the one ending at `from`; not the one at `to`
    expect(edges.rows.at(-1)?.finishedAt.getTime()).toBe(full().from.getTime());
  });

  it("cuts hourly buckets for a 24 h range, and day buckets in the viewer's time zone", async () => {
    const from = new Date(END.getTime() - DAY - 7 * HOUR);
    const hourly = await caller.dashboard.summary({ projectId, from, to: new Date(from.getTime() + DAY) });
    expect(hourly.activity.unit).toBe("hour");
    expect(hourly.activity.buckets).toHaveLength(24);
    const inRange = history.filter((d) => d.finishedAt >= from && d.finishedAt.getTime() < from.getTime() + DAY);
    for (const b of hourly.activity.buckets) expect(b.total).toBe(inRange.filter((d) => Math.floor(d.finishedAt.getTime() / HOUR) * HOUR === b.at.getTime()).length);

    const tz = "America/New_York";
    const scope = { projectId, from: new Date(END.getTime() - 30 * DAY), to: END, timeZone: tz };
    const local = await caller.dashboard.summary(scope);
    const dayOf = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
    const expected = new Map<string, number>();
    for (const d of history) if (d.finishedAt >= scope.from && d.finishedAt < scope.to) expected.set(dayOf(d.finishedAt), (expected.get(dayOf(d.finishedAt)) ?? 0) + 1);
    // Each bucket starts at local midnight.
    for (const b of local.activity.buckets) {
      expect(new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(b.at)).toBe("00:00");
      expect(b.total).toBe(expected.get(dayOf(b.at)) ?? 0);
    }
    expect(local.activity.buckets.reduce((s, b) => s + b.total, 0)).toBe([...expected.values()].reduce((s, n) => s + n, 0));
  });

  it("lists the runs behind the change failure rate, each with the deployment that restored it", async () => {
    const scope = { projectId, from: new Date(END.getTime() - 30 * DAY), to: END };
    const want = await expectedFigures(scope);
    const page = await caller.dashboard.deployments({ projectId, scope, kind: "production-failures", take: 200 });
    expect(page.total).toBe(want.dora.bad);
    const restores = await db.$queryRawUnsafe<{ id: string; restored_at: Date | null }[]>(`
      SELECT id, restored_at FROM (
        SELECT id, "finishedAt", "projectId", service, environment, "environmentType", status, "failedLaterAt",
          min(CASE WHEN status = 'SUCCESS' AND "failedLaterAt" IS NULL THEN "finishedAt" END) OVER (
            PARTITION BY service, environment ORDER BY "finishedAt" RANGE BETWEEN INTERVAL '1 microsecond' FOLLOWING AND UNBOUNDED FOLLOWING) AS restored_at
        FROM deployment WHERE "projectId" = ${q(projectId)} AND "environmentType" = 'PRODUCTION'
      ) x WHERE ${where(scope, true)} AND (status IN ('FAILED', 'ROLLED_BACK') OR "failedLaterAt" IS NOT NULL)`);
    const byId = new Map(restores.map((r) => [r.id, r.restored_at?.getTime() ?? null]));
    expect(page.rows.length).toBe(Math.min(200, want.dora.bad));
    for (const r of page.rows) {
      expect(byId.has(r.id)).toBe(true);
      expect(r.restoredAt?.getTime() ?? null).toBe(byId.get(r.id));
      expect(r.environmentType).toBe("PRODUCTION");
    }
    const successes = await caller.dashboard.deployments({ projectId, scope, kind: "production-success", take: 1 });
    expect(successes.total).toBe(want.dora.successes);
    const second = await caller.dashboard.deployments({ projectId, scope, kind: "all", skip: 10, take: 5 });
    expect(second.total).toBe(want.totals.total);
  });

  it("shows what is deployed where: the latest success per service × environment", async () => {
    const got = await caller.dashboard.deployedWhere({ projectId });
    const want = await db.$queryRawUnsafe<{ service: string; environment: string; version: string; execution_id: string; finished_at: Date; failed_later: boolean; by: string }[]>(`
      SELECT service, environment, version, "executionId" AS execution_id, "finishedAt" AS finished_at, "failedLaterAt" IS NOT NULL AS failed_later, u.name AS by
      FROM (
        SELECT *, row_number() OVER (PARTITION BY service, environment ORDER BY "finishedAt" DESC, id DESC) AS rn
        FROM deployment WHERE "projectId" = ${q(projectId)} AND status = 'SUCCESS'
      ) d JOIN "user" u ON u.id = d."triggeredById"
      WHERE rn = 1`);
    expect(got.cells).toHaveLength(want.length);
    expect(want.length).toBe(SERVICES.length * ENVIRONMENTS.length);
    for (const w of want) {
      const c = got.cells.find((x) => x.service === w.service && x.environment === w.environment)!;
      expect({ version: c.version, executionId: c.executionId, finishedAt: c.finishedAt.getTime(), failedLater: c.failedLater !== null, by: c.by }).toEqual({
        version: w.version,
        executionId: w.execution_id,
        finishedAt: w.finished_at.getTime(),
        failedLater: w.failed_later,
        by: w.by,
      });
    }
    // search in prod-us: the last success is what runs, and the two failed attempts after it are shown.
    expect(got.cells.find((c) => c.service === "search" && c.environment === "prod-us")?.lastAttempt?.status).toBe("ROLLED_BACK");
    // Rows and columns: records (ledger, qa: never deployed) and deployed names; pre-production before production.
    expect(got.services).toEqual([...SERVICES, "ledger"].sort());
    expect(got.environments.map((e) => e.name)).toEqual(["dev", "qa", "staging", "prod-eu", "prod-us"]);
    const filtered = await caller.dashboard.deployedWhere({ projectId, environment: "prod-eu" });
    expect(filtered.cells.every((c) => c.environment === "prod-eu")).toBe(true);
    expect(filtered.cells).toHaveLength(SERVICES.length);
  });
});

describe("dashboard access", () => {
  it("is the project's: an outsider gets NOT_FOUND, every project role may read", async () => {
    const range = { projectId: slugProject.id, from: new Date(END.getTime() - DAY), to: END };
    expect((await expectTrpcError(() => ctx.as.outsider.dashboard.summary(range))).code).toBe("NOT_FOUND");
    expect((await expectTrpcError(() => ctx.as.outsider.dashboard.deployedWhere({ projectId }))).code).toBe("NOT_FOUND");
    for (const who of ["admin", "pipelineAdmin", "executor", "viewer"] as const) await expect(ctx.as[who].dashboard.summary(range)).resolves.toBeTruthy();
  });

  it("validates the range, naming the field", async () => {
    const bad = await expectTrpcError(() => caller.dashboard.summary({ projectId, from: END, to: new Date(END.getTime() - DAY) }));
    expect(bad.code).toBe("BAD_REQUEST");
    const tz = await expectTrpcError(() => caller.dashboard.summary({ projectId, from: new Date(END.getTime() - DAY), to: END, timeZone: "Mars/Olympus" }));
    expect(tz.code).toBe("BAD_REQUEST");
  });

  it("shows delegate health to organisation roles only (delegates are organisation-wide)", async () => {
    const tokenId = (await db.delegateToken.create({ data: { name: `dash-${randomUUID().slice(0, 8)}`, tokenHash: randomUUID(), prefix: "sld_x" } })).id;
    await db.delegate.createMany({
      data: [
        { tokenId, name: `healthy-${tokenId}`, version: "1.2.3", status: "CONNECTED", lastHeartbeatAt: new Date() },
        { tokenId, name: `silent-${tokenId}`, version: "1.2.2", status: "CONNECTED", lastHeartbeatAt: new Date(Date.now() - 10 * 60_000) },
      ],
    });
    const orgViewer = callerFor(db, await createUser(db, { orgRole: "VIEWER" }));
    const health = await orgViewer.dashboard.delegates();
    expect(health.delegates.find((d) => d.name === `healthy-${tokenId}`)).toMatchObject({ status: "CONNECTED", version: "1.2.3", running: 0 });
    expect(health.delegates.find((d) => d.name === `silent-${tokenId}`)?.status).toBe("LOST");
    expect(health).not.toHaveProperty("tokens");
    // A project Viewer with no organisation role: refused, as on the delegates page.
    expect((await expectTrpcError(() => ctx.as.viewer.dashboard.delegates())).code).toBe("FORBIDDEN");
  });
});
