/**
 * [DASH] The demo project's dashboards in the browser: tiles, chart, deployed-where matrix and delegate health render
 * with their empty states on a fresh database; deployments written straight into the studio's database (the way
 * the engine writes them, no tRPC) then fill the DORA tiles and the matrix; an alarm posted to /api/v1/alarms with
 * an API key marks the live production deployment as failed later, which the matrix and the change failure rate show.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { signIn } from "../../fixtures/studio";
import { E2E_DATA_DIR } from "../../playwright.config";

const MINUTE = 60_000;

function studioDatabase() {
  // The e2e studio runs on the embedded PostgreSQL in E2E_DATA_DIR (playwright.config.ts).
  const creds = JSON.parse(readFileSync(path.resolve(process.cwd(), E2E_DATA_DIR, "postgres/credentials.json"), "utf8")) as { user: string; password: string; port: number };
  return new pg.Client({ connectionString: `postgresql://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${creds.port}/slipway` });
}

/** UTC wall time for the timestamp(3) columns, whatever this machine's time zone. */
const utc = (ms: number) => new Date(ms).toISOString();

test("[DASH] dashboards: empty states, then seeded deployments fill the DORA tiles and the deployed-where matrix", async ({ page }) => {
  test.setTimeout(120_000);
  const db = studioDatabase();
  await db.connect();
  try {
    await signIn(page);
    await page.locator("header").getByRole("link", { name: "Dashboards" }).click();
    await expect(page).toHaveURL(/\/p\/demo\/dashboards/);
    for (const tile of ["frequency", "lead-time", "cfr", "ttr"]) await expect(page.getByTestId(`dora-${tile}`)).toBeVisible();
    await expect(page.getByTestId("deployed-where-matrix")).toBeVisible();

    const { rows: [demo] } = await db.query<{ id: string; pipelineId: string; revisionId: string; adminId: string }>(`
      SELECT p.id, pl.id AS "pipelineId", r.id AS "revisionId", (SELECT id FROM "user" WHERE email = 'admin@slipway.local') AS "adminId"
      FROM project p JOIN pipeline pl ON pl."projectId" = p.id JOIN pipeline_revision r ON r."pipelineId" = pl.id
      WHERE p.slug = 'demo' ORDER BY pl."createdAt", r.number DESC LIMIT 1`);
    if (!demo) throw new Error("the demo project was not seeded");
    const existing = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deployment WHERE "projectId" = $1`, [demo.id])).rows[0]?.n ?? 0;
    if (existing === 0) {
      // Nothing deployed yet: every section says what would fill it.
      await expect(page.getByTestId("dora-empty")).toBeVisible();
      await expect(page.getByTestId("activity-empty")).toBeVisible();
      await expect(page.getByTestId("deployed-where-none")).toBeVisible();
      await expect(page.getByTestId("dora-cfr")).toContainText("no data");
    }
    // The matrix's rows and columns come from the demo's records even before anything is deployed.
    await expect(page.getByTestId("deployed-where-matrix").getByRole("columnheader", { name: /production/ })).toBeVisible();
    await expect(page.getByTestId("deployed-where-matrix").getByRole("cell", { name: "checkout", exact: true })).toBeVisible();
    // Delegate health: the launcher's local delegate.
    await expect(page.getByTestId("delegate-health-row").first()).toBeVisible();
    await expect(page.getByTestId("delegate-health")).toContainText("connected");

    // Three deployments of checkout as the engine records them: staging ok, production failed, production fixed.
    const now = Date.now();
    const seq = (await db.query<{ seq: number }>(`SELECT coalesce(max("sequenceId"), 0)::int AS seq FROM execution WHERE "pipelineId" = $1`, [demo.pipelineId])).rows[0]?.seq ?? 0;
    const runs = [
      { env: "staging", type: "PRE_PRODUCTION", status: "SUCCESS", version: "2.4.0", end: now - 50 * MINUTE },
      { env: "production", type: "PRODUCTION", status: "FAILED", version: "2.4.1", end: now - 40 * MINUTE },
      { env: "production", type: "PRODUCTION", status: "SUCCESS", version: "2.4.2", end: now - 20 * MINUTE },
    ].map((r, i) => ({ ...r, executionId: `e2e-dash-${randomUUID()}`, seq: seq + 1000 + i, start: r.end - 4 * MINUTE, commit: r.end - 3 * 60 * MINUTE }));
    for (const r of runs) {
      await db.query(
        `INSERT INTO execution (id, "projectId", "pipelineId", "revisionId", "sequenceId", status, trigger, "triggeredById", "triggerInfo", "createdAt", "startedAt", "finishedAt")
         VALUES ($1, $2, $3, $4, $5, $6::"ExecutionStatus", 'webhook', $7, $8::jsonb, ($9::timestamptz AT TIME ZONE 'UTC'), ($9::timestamptz AT TIME ZONE 'UTC'), ($10::timestamptz AT TIME ZONE 'UTC'))`,
        [r.executionId, demo.id, demo.pipelineId, demo.revisionId, r.seq, r.status, demo.adminId, JSON.stringify({ commitTime: utc(r.commit) }), utc(r.start), utc(r.end)],
      );
      await db.query(
        `INSERT INTO deployment (id, "projectId", "executionId", "stageId", "pipelineId", service, environment, "environmentType", status, version, "triggeredById", "changeAt", "startedAt", "finishedAt")
         VALUES ($1, $2, $3, 'deploy', $4, 'checkout', $5, $6, $7, $8, $9, ($10::timestamptz AT TIME ZONE 'UTC'), ($11::timestamptz AT TIME ZONE 'UTC'), ($12::timestamptz AT TIME ZONE 'UTC'))`,
        [randomUUID(), demo.id, r.executionId, demo.pipelineId, r.env, r.type, r.status, r.version, demo.adminId, utc(r.commit), utc(r.start), utc(r.end)],
      );
    }

    await page.goto("/p/demo/dashboards?range=24h");
    await expect(page.getByTestId("dora-frequency")).toContainText("1 deployment");
    await expect(page.getByTestId("dora-cfr")).toContainText("50.0 %");
    await expect(page.getByTestId("dora-ttr")).toContainText("20 m 00 s");
    await expect(page.getByTestId("dora-lead-time")).toContainText("3 h 00 m");
    await expect(page.getByTestId("dora-lead-time")).toContainText("from commit or artifact time");
    await expect(page.getByTestId("activity-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();
    const prodCell = page.locator('[data-testid=deployed-cell][data-service=checkout][data-environment=production]');
    await expect(prodCell.getByRole("link", { name: "2.4.2" })).toHaveAttribute("href", `/p/demo/executions/${runs[2]!.executionId}`);
    await expect(page.locator('[data-testid=deployed-cell][data-service=checkout][data-environment=staging]')).toContainText("2.4.0");

    // The CFR tile links to the runs behind it: the failed production deployment, restored by 2.4.2.
    await page.getByTestId("dora-cfr").getByRole("link", { name: "Runs →" }).click();
    await expect(page).toHaveURL(/runs=production-failures/);
    await expect(page.getByTestId("run-row")).toHaveCount(1);
    await expect(page.getByTestId("run-row")).toContainText("2.4.1");

    // A verification alarm on the live production version, through the webhook with an API key.
    const key = `slk_${randomBytes(24).toString("base64url")}`;
    await db.query(`INSERT INTO api_key (id, name, "projectId", role, "keyHash", prefix, "createdById") VALUES ($1, 'e2e monitor', $2, 'PIPELINE_EXECUTOR', $3, $4, $5)`, [randomUUID(), demo.id, createHash("sha256").update(key).digest("hex"), key.slice(0, 10), demo.adminId]);
    const bad = await page.request.post("/api/v1/alarms", { headers: { Authorization: `Bearer ${key}` }, data: { environment: "production", alarm: "5xx-rate" } });
    expect(bad.status()).toBe(400);
    expect(await bad.json()).toMatchObject({ field: "service" });
    const fired = await page.request.post("/api/v1/alarms", { headers: { Authorization: `Bearer ${key}` }, data: { service: "checkout", environment: "production", alarm: "5xx-rate" } });
    expect(fired.status()).toBe(200);
    expect(await fired.json()).toMatchObject({ outcome: "marked", deployment: { version: "2.4.2" } });

    await page.reload();
    await expect(prodCell).toContainText("failed later: alarm 5xx-rate fired");
    await expect(page.getByTestId("dora-cfr")).toContainText("100.0 %");
    await expect(page.getByTestId("dora-ttr")).toContainText("2 not yet");
  } finally {
    await db.end();
  }
});
