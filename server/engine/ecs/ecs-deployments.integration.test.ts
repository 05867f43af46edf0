/**
 * ECS deployments end to end: the REAL studio (`next start`, its engine deciding the strategy's phase order on the
 * graphile-worker queue) hands each step to REAL delegate processes (the bundle), which deploy with the real AWS SDK
 * clients to a simulated AWS (aws-sim) on loopback; what AWS saw is read from the sim's state and call journal.
 *
 *   strategies     rolling, blue-green and canary (through a listener rule) from the templates: SUCCESS, end state
 *   canary 5xx     the new version answers 5xx: verify after the first weight step fails, the stage rolls back,
 *                  green never above 10 %, the failing sample (with its link) in the store and in Chromium
 *   kill -9        per strategy, the delegate running a chosen ECS step is SIGKILLed mid-phase; its lease runs out,
 *                  the other delegate takes over; no weight change sent twice, one CreateService for green
 *   throttling     bursts of ThrottlingException / Throttling during a deploy are absorbed
 *
 * The figures (durations, AWS calls per deployment, green shares, takeover times) are printed at the end.
 */
import { chromium } from "@playwright/test";
import type { AwsSim } from "@slipway/aws-sim";
import type { Progress } from "@slipway/pipeline-spec/protocol";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "~/test-support/chromium";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "~/test-support/db";
import { approveLab, createLabDatabase, createLabPipeline, createLabToken, readRun, seedLab, signIn, startDelegate, startLabRun, startStudio, TERMINAL, until, type Lab, type LabDatabase, type LabDelegate, type Studio } from "~/test-support/process-lab";
import { callCounts, delegateCalls, ecsPipeline, image, liveWeights, runningTasks, saveAwsSecret, saveEcsRecords, serviceOf, startLabSim, step, weightChanges } from "./ecs-lab";

useTestDatabase(); // the run's secrets key; this file works in its own database

const V2 = image("v2.0.0");
let labDb: LabDatabase;
let lab: Lab;
let studio: Studio;
let token: string;
const delegates: LabDelegate[] = [];
let sim: AwsSim | undefined;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  labDb = await createLabDatabase();
  lab = await seedLab(labDb.db);
  await saveAwsSecret(lab);
  studio = await startStudio({ databaseUrl: labDb.url });
  token = await createLabToken(lab);
  await ensureDelegates();
}, 20 * 60_000);

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

afterAll(async () => {
  await Promise.all(delegates.map((d) => d.kill("SIGTERM")));
  await studio?.stop();
  await labDb?.drop();
  console.log(`[ecs-deployments] figures\n${JSON.stringify(figures, null, 2)}`);
}, 120_000);

type Run = Awaited<ReturnType<typeof readRun>>;
type StepRow = Run["steps"][number];

/** Two live delegates, connected (the kill tests need a survivor); killed ones are replaced. */
async function ensureDelegates(n = 2): Promise<LabDelegate[]> {
  while (delegates.filter((d) => d.running).length < n) {
    delegates.push(await startDelegate({ url: studio.baseUrl, token, name: `ecs-d${delegates.length + 1}`, maxTasks: 4 }));
  }
  const live = delegates.filter((d) => d.running);
  await until("the delegates to connect", async () => (await lab.db.delegate.count({ where: { status: "CONNECTED", name: { in: live.map((d) => d.name) } } })) >= n, { timeoutMs: 60_000, intervalMs: 250 });
  return live;
}

const diagnostics = async (executionId: string) => {
  const run = await readRun(lab.db, executionId);
  const steps = run.steps.map((s) => `${s.inRollback ? "rb:" : ""}${s.stepId}#${s.attempt}=${s.status}@${s.delegate?.name ?? "-"} ${s.message.slice(0, 300)}`).join("\n  ");
  return `execution ${run.status}\n  ${steps}\n${delegates.map((d) => `--- ${d.name} ---\n${d.output().slice(-2500)}`).join("\n")}`;
};

/** Starts the pipeline and waits for the execution to end (bounded), approving approvals and calling `onPoll`. */
async function execute(yaml: string, o: { onPoll?: (run: Run) => Promise<void>; timeoutMs?: number } = {}) {
  const pipelineId = await createLabPipeline(lab, yaml);
  const started = Date.now();
  const exec = await startLabRun(lab, pipelineId);
  const run = await until(
    `execution ${exec.id} to end`,
    async () => {
      const r = await readRun(lab.db, exec.id);
      for (const s of r.steps) if (s.status === "APPROVAL_REQUIRED") await approveLab(lab, s.id);
      await o.onPoll?.(r);
      return TERMINAL.includes(r.status) ? r : null;
    },
    { timeoutMs: o.timeoutMs ?? 5 * 60_000, intervalMs: 250, diagnostics: () => diagnostics(exec.id) },
  );
  return { run, id: exec.id, ms: Date.now() - started };
}

const latest = (run: Run, stepId: string, inRollback = false) => run.steps.filter((s) => s.stepId === stepId && s.inRollback === inRollback).at(-1);
const ecsProgress = (s: StepRow | undefined) => (s?.progress as Progress | null)?.kind === "ecs" ? (s!.progress as Extract<Progress, { kind: "ecs" }>) : null;
const timings = (run: Run) => Object.fromEntries(run.steps.map((s) => [`${s.inRollback ? "rb:" : ""}${s.stepId}#${s.attempt}`, { status: s.status, delegate: s.delegate?.name ?? null, runMs: s.finishedAt && s.startedAt ? s.finishedAt.getTime() - s.startedAt.getTime() : null }]));
const noRepeats = (xs: number[]) => xs.every((x, i) => i === 0 || x !== xs[i - 1]);
/** RegisterTaskDefinition/UpdateService never sent twice for the same revision (a repeat would be a duplicate). */
const updatesPerRevision = (s: AwsSim) => {
  const tds = delegateCalls(s, "UpdateService").filter((c) => c.status === "ok" && c.params.taskDefinition).map((c) => String(c.params.taskDefinition));
  return { updates: tds.length, distinct: new Set(tds).size };
};
const greenShare = (s: AwsSim) => Math.round(1000 * s.traffic.maxShare({ image: "myapp:v2.0.0" })) / 1000;

describe("ECS strategies through the studio and delegate processes", () => {
  it("rolling: the live service is updated in place to v2, traffic never moves", async () => {
    sim = await startLabSim();
    await saveEcsRecords(lab, sim);
    const r = await execute(ecsPipeline("ecs-rolling"));
    expect(r.run.status, await diagnostics(r.id)).toBe("SUCCESS");
    const svc = serviceOf(sim, "myapp-service")!;
    expect(runningTasks(sim, "myapp-service").map((t) => t.image)).toEqual(Array(4).fill(V2));
    expect(svc.deployments).toHaveLength(1);
    expect(liveWeights(sim)).toEqual({ blue: 100, green: 0 });
    expect(delegateCalls(sim, "CreateService")).toHaveLength(0);
    expect(weightChanges(sim, sim.seeded!.greenTargetGroupArn)).toEqual([]);
    expect(ecsProgress(latest(r.run, step("deploy")))?.phase).toBe("STABLE");
    figures.rolling = { executionMs: r.ms, steps: timings(r.run), aws: callCounts(sim) };
  }, 6 * 60_000);

  it("blue-green: green beside blue, verify, approval, swap, hold, blue scaled down", async () => {
    sim = await startLabSim();
    await saveEcsRecords(lab, sim);
    const s = sim.seeded!;
    const r = await execute(ecsPipeline("ecs-blue-green"));
    expect(r.run.status, await diagnostics(r.id)).toBe("SUCCESS");
    expect(liveWeights(sim)).toEqual({ blue: 0, green: 100 });
    expect(runningTasks(sim, "myapp-service-green").map((t) => t.image)).toEqual(Array(4).fill(V2));
    expect(serviceOf(sim, "myapp-service")!.desiredCount).toBe(0);
    expect(runningTasks(sim, "myapp-service")).toHaveLength(0);
    expect(delegateCalls(sim, "CreateService").map((c) => c.params.serviceName)).toEqual(["myapp-service-green"]);
    expect(weightChanges(sim, s.greenTargetGroupArn)).toEqual([100]);
    expect(latest(r.run, step("approve-swap"))?.status).toBe("APPROVED");
    expect(ecsProgress(latest(r.run, step("scale-down-blue")))?.phase).toBe("COMPLETE");
    const verify = latest(r.run, step("verify-green"))!.outputs as Record<string, string>;
    figures.blueGreen = { executionMs: r.ms, steps: timings(r.run), aws: callCounts(sim), verifyGreen: { result: verify["verify.result"], samples: verify["verify.samples"], inconclusive: verify["verify.inconclusive"] } };
  }, 6 * 60_000);

  it("canary through a listener rule: 10 → 50 → 100 with verification, promote, old side scaled down", async () => {
    sim = await startLabSim({ rule: true });
    await saveEcsRecords(lab, sim);
    const s = sim.seeded!;
    const r = await execute(ecsPipeline("ecs-canary"));
    expect(r.run.status, await diagnostics(r.id)).toBe("SUCCESS");
    expect(liveWeights(sim)).toEqual({ blue: 0, green: 100 });
    expect(delegateCalls(sim, "ModifyListener")).toHaveLength(0);
    expect(weightChanges(sim, s.greenTargetGroupArn)).toEqual([10, 50, 100]);
    expect(delegateCalls(sim, "CreateService").map((c) => c.params.serviceName)).toEqual(["myapp-service-green"]);
    expect(runningTasks(sim, "myapp-service-green").every((t) => t.image === V2)).toBe(true);
    expect(runningTasks(sim, "myapp-service")).toHaveLength(0);
    for (const w of [10, 50]) expect((latest(r.run, step(`verify-${w}`))!.outputs as Record<string, string>)["verify.result"]).toBe("passed");
    figures.canary = { executionMs: r.ms, steps: timings(r.run), aws: callCounts(sim), greenTasksAtEnd: runningTasks(sim, "myapp-service-green").length, greenDesiredAtEnd: serviceOf(sim, "myapp-service-green")!.desiredCount };
  }, 6 * 60_000);
});

describe("canary with a 5xx spike on the new version", () => {
  it("verify after the first weight step fails, the stage rolls back, green never above 10 %, the failing sample is linked in the store and the browser", async () => {
    sim = await startLabSim({ rule: true });
    await saveEcsRecords(lab, sim);
    const s = sim.seeded!;
    sim.faults.setImageBehavior("myapp:v2.0.0", { http5xxRate: 0.4 });
    const r = await execute(ecsPipeline("ecs-canary"));
    expect(r.run.status, await diagnostics(r.id)).toBe("ROLLED_BACK");
    const verify = latest(r.run, step("verify-10"))!;
    expect(verify.status).toBe("FAILED");
    expect(verify.message).toMatch(/^verification failed: 5xx error rate of tg\/myapp-tg-green \d+(\.\d+)?% > 5(\.00)?%/);
    const p = ecsProgress(verify)!;
    expect(p).toMatchObject({ phase: "ANOMALY_10", weights: { blue: 90, green: 10 } });
    expect(p.failingSample).toMatchObject({ metric: "5xx error rate of tg/myapp-tg-green", threshold: 5 });
    expect(p.failingSample!.value).toBeGreaterThan(5);
    expect(p.failingSample!.link).toMatch(/^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#metricsV2\?graph=.*HTTPCode_Target_5XX_Count/);
    // The strategy stopped at the failed verification: nothing after it started; the rollback ran.
    for (const later of ["shift-50", "verify-50", "shift-100", "promote", "scale-down-old"]) expect(latest(r.run, step(later))?.startedAt ?? null).toBeNull();
    expect(latest(r.run, step("rollback"), true)?.status).toBe("SUCCESS");
    expect(liveWeights(sim)).toEqual({ blue: 100, green: 0 });
    expect(weightChanges(sim, s.greenTargetGroupArn)).toEqual([10, 0]);
    expect(serviceOf(sim, "myapp-service-green")!.desiredCount).toBe(0);
    expect(runningTasks(sim, "myapp-service").map((t) => t.image)).toEqual(Array(4).fill(image("v1.0.0")));
    const share = greenShare(sim);
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThanOrEqual(0.1);
    figures.canary5xx = { executionMs: r.ms, steps: timings(r.run), aws: callCounts(sim), maxGreenShare: share, failingSample: p.failingSample, traffic: sim.traffic.totals().byImage };

    // The execution page, signed in as the lab admin: the verify step's panel shows the failing sample and its link.
    const session = await signIn(studio, lab.admin.email, lab.admin.password);
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext();
      await context.addCookies(session.cookie.split("; ").map((c) => ({ name: c.slice(0, c.indexOf("=")), value: c.slice(c.indexOf("=") + 1), url: studio.url })));
      const page = await context.newPage();
      await page.goto(`${studio.url}/p/${lab.project.slug}/executions/${r.id}`);
      await page.locator(`[data-testid=step-node][data-step-id="${step("verify-10")}"]`).click({ timeout: 60_000 });
      await expect.poll(() => page.getByTestId("step-panel").getAttribute("data-step-id"), { timeout: 30_000 }).toBe(step("verify-10"));
      const link = page.getByTestId("failing-sample").locator("a");
      await link.waitFor({ timeout: 30_000 });
      expect(await link.getAttribute("href")).toBe(p.failingSample!.link);
      expect(await page.getByTestId("failing-sample").textContent()).toContain("5xx error rate of tg/myapp-tg-green");
      expect(await page.getByTestId("ecs-progress").getAttribute("data-phase")).toBeTruthy();
      expect(await page.getByTestId("ecs-progress").isVisible()).toBe(true);
    } finally {
      await browser.close();
    }
  }, 6 * 60_000);
});

/**
 * Runs `yaml` with two delegates; once `stepId` runs on one of them and `ready` says the phase is under way, that
 * delegate gets SIGKILL. Returns the run, the victim and the killed attempt.
 */
async function killDuring(yaml: string, stepId: string, ready: (s: StepRow, sim: AwsSim) => boolean) {
  const live = await ensureDelegates(2);
  let victim: LabDelegate | undefined;
  let killed: { attemptId: string; at: number; phase: string | null } | undefined;
  const r = await execute(yaml, {
    timeoutMs: 6 * 60_000,
    onPoll: async (run) => {
      if (victim) return;
      const s = latest(run, stepId);
      if (s?.status !== "RUNNING" || !s.delegate || !ready(s, sim!)) return;
      victim = live.find((d) => d.name === s.delegate!.name);
      if (!victim) throw new Error(`step ${stepId} runs on ${s.delegate.name}, not one of ${live.map((d) => d.name).join(", ")}`);
      await victim.kill("SIGKILL");
      killed = { attemptId: s.id, at: Date.now(), phase: ecsProgress(s)?.phase ?? null };
    },
  });
  expect(victim, `step ${stepId} was never seen running mid-phase\n${await diagnostics(r.id)}`).toBeDefined();
  const attempt = r.run.steps.find((s) => s.id === killed!.attemptId)!;
  expect(attempt.status).toBe("FAILED");
  expect(attempt.message).toContain(`delegate ${victim!.name} stopped responding`);
  const after = r.run.steps.filter((s) => s.createdAt > attempt.createdAt && s.startedAt);
  expect(after.length).toBeGreaterThan(0);
  for (const s of after) expect(s.delegate?.name, `${s.stepId} ran on the killed delegate`).not.toBe(victim!.name);
  const takeover = after.map((s) => s.startedAt!.getTime()).sort((a, b) => a - b)[0]! - killed!.at;
  return { ...r, victim: victim!, attempt, killedPhase: killed!.phase, takeoverMs: takeover };
}

const waitingForSteadyState = (s: StepRow) => ["PROVISIONING", "HEALTH_CHECK"].includes(ecsProgress(s)?.phase ?? "");

describe("a delegate killed with SIGKILL mid-strategy", () => {
  it("rolling: killed while ecsDeploy waits for steady state; the retry on the other delegate completes", async () => {
    sim = await startLabSim();
    await saveEcsRecords(lab, sim);
    const k = await killDuring(ecsPipeline("ecs-rolling"), step("deploy"), waitingForSteadyState);
    expect(k.run.status, await diagnostics(k.id)).toBe("SUCCESS");
    const retry = latest(k.run, step("deploy"))!;
    expect(retry.attempt).toBe(k.attempt.attempt + 1);
    expect(retry.status).toBe("SUCCESS");
    expect(runningTasks(sim, "myapp-service").map((t) => t.image)).toEqual(Array(4).fill(V2));
    expect(serviceOf(sim, "myapp-service")!.deployments).toHaveLength(1);
    expect(liveWeights(sim)).toEqual({ blue: 100, green: 0 });
    expect(weightChanges(sim, sim.seeded!.greenTargetGroupArn)).toEqual([]);
    expect(delegateCalls(sim, "CreateService")).toHaveLength(0);
    const u = updatesPerRevision(sim);
    expect(u.updates).toBe(u.distinct);
    figures.killRolling = { executionMs: k.ms, killedPhase: k.killedPhase, takeoverMs: k.takeoverMs, steps: timings(k.run), aws: callCounts(sim), updates: u };
  }, 8 * 60_000);

  it("blue-green: killed after CreateService while green comes up; the retry adopts green (one CreateService) and the swap happens once", async () => {
    sim = await startLabSim();
    await saveEcsRecords(lab, sim);
    const s = sim.seeded!;
    const k = await killDuring(ecsPipeline("ecs-blue-green"), step("deploy-green"), (row, sm) => waitingForSteadyState(row) && delegateCalls(sm, "CreateService").some((c) => c.status === "ok"));
    expect(k.run.status, await diagnostics(k.id)).toBe("SUCCESS");
    expect(latest(k.run, step("deploy-green"))!.status).toBe("SUCCESS");
    expect(sim.journal.calls({ action: "CreateService" }).filter((c) => c.status === "ok").map((c) => c.params.serviceName)).toEqual(["myapp-service-green"]);
    const changes = weightChanges(sim, s.greenTargetGroupArn);
    expect(changes).toEqual([100]);
    expect(liveWeights(sim)).toEqual({ blue: 0, green: 100 });
    expect(runningTasks(sim, "myapp-service-green").map((t) => t.image)).toEqual(Array(4).fill(V2));
    expect(runningTasks(sim, "myapp-service")).toHaveLength(0);
    const u = updatesPerRevision(sim);
    expect(u.updates).toBe(u.distinct);
    figures.killBlueGreen = { executionMs: k.ms, killedPhase: k.killedPhase, takeoverMs: k.takeoverMs, steps: timings(k.run), aws: callCounts(sim), updates: u };
  }, 8 * 60_000);

  it("canary: killed in the verification after the 10 % step; by the stage's policy the other delegate rolls back, weights set once each", async () => {
    sim = await startLabSim({ rule: true });
    await saveEcsRecords(lab, sim);
    const s = sim.seeded!;
    const k = await killDuring(ecsPipeline("ecs-canary"), step("verify-10"), (row) => ecsProgress(row)?.phase === "MONITORING_10");
    expect(k.run.status, await diagnostics(k.id)).toBe("ROLLED_BACK");
    const rb = latest(k.run, step("rollback"), true)!;
    expect(rb.status).toBe("SUCCESS");
    const changes = weightChanges(sim, s.greenTargetGroupArn);
    expect(changes).toEqual([10, 0]);
    expect(noRepeats(changes)).toBe(true);
    expect(delegateCalls(sim, "ModifyListener")).toHaveLength(0);
    expect(sim.journal.calls({ action: "CreateService" }).filter((c) => c.status === "ok").map((c) => c.params.serviceName)).toEqual(["myapp-service-green"]);
    expect(liveWeights(sim)).toEqual({ blue: 100, green: 0 });
    expect(serviceOf(sim, "myapp-service-green")!.desiredCount).toBe(0);
    const share = greenShare(sim);
    expect(share).toBeLessThanOrEqual(0.1);
    figures.killCanary = { executionMs: k.ms, killedPhase: k.killedPhase, takeoverMs: k.takeoverMs, steps: timings(k.run), aws: callCounts(sim), maxGreenShare: share };
  }, 8 * 60_000);
});

describe("AWS throttling during a studio-driven deploy", () => {
  it("bursts of ThrottlingException (ECS) and Throttling (ELBv2, CloudWatch) are retried by the SDK: SUCCESS, each change applied once", async () => {
    sim = await startLabSim();
    await saveEcsRecords(lab, sim);
    const s = sim.seeded!;
    sim.faults.throttle({ service: "ecs", action: "CreateService", count: 3 });
    sim.faults.throttle({ service: "ecs", action: "DescribeServices", count: 4 });
    sim.faults.throttle({ service: "elbv2", action: "ModifyListener", count: 3 });
    sim.faults.throttle({ service: "cloudwatch", action: "GetMetricData", count: 2 });
    const r = await execute(ecsPipeline("ecs-blue-green"));
    expect(r.run.status, await diagnostics(r.id)).toBe("SUCCESS");
    for (const [action, code, count] of [["CreateService", "ThrottlingException", 3], ["DescribeServices", "ThrottlingException", 4], ["ModifyListener", "Throttling", 3], ["GetMetricData", "Throttling", 2]] as const) {
      const calls = delegateCalls(sim, action);
      const statuses = calls.map((c) => c.status);
      // The burst first, then the retry that got through.
      expect(statuses.slice(0, count + 1), action).toEqual([...Array(count).fill(code), "ok"]);
    }
    expect(delegateCalls(sim, "CreateService").filter((c) => c.status === "ok")).toHaveLength(1);
    expect(weightChanges(sim, s.greenTargetGroupArn)).toEqual([100]);
    expect(liveWeights(sim)).toEqual({ blue: 0, green: 100 });
    expect(runningTasks(sim, "myapp-service-green").map((t) => t.image)).toEqual(Array(4).fill(V2));
    figures.throttling = { executionMs: r.ms, steps: timings(r.run), aws: callCounts(sim) };
  }, 6 * 60_000);
});
