/**
 * ECS executors against the simulated AWS (aws-sim, real SDK clients):
 *  - detection latency: simulated time from the moment the simulator reaches COMPLETED (steady state) or FAILED
 *    (circuit breaker) — the time of its "(deployment …) deployment completed/failed" service event — to the moment
 *    ecsDeploy reports it; the sim runs in real time × timeScale and the executor polls every 5 s (simulated), as in
 *    production. Goal ≤ 5 s.
 *  - AWS calls per deployment for each strategy (rolling; blue-green: deploy → verify → shift 100 → promote →
 *    scale down; canary: deploy 50% → 10 → verify → 50 → verify → 100 → promote → scale down), counted in the sim's
 *    call journal, on a frozen clock so the counts are deterministic.
 * Run: npx tsx bench/ecs-detection.bench.ts [runs] [timeScale]
 */
import { startAwsSim, type AwsSim } from "@slipway/aws-sim";
import type { EcsDeployWork } from "@slipway/pipeline-spec/protocol";
import { createEcsExecutors } from "../delegate/src/steps/ecs";
import type { Clock } from "../delegate/src/steps/ecs/context";
import { createVerifyExecutor } from "../delegate/src/steps/verify";
import type { StepResult } from "../delegate/src/steps/types";
import { awsTarget, deployWork, simClock, testContext, V2, verifyWork } from "../delegate/test/ecs/helpers";
import { report, round, summary } from "./lib";

const runs = Number(process.argv[2] ?? 5);
const timeScale = Number(process.argv[3] ?? 20);
const POLL_MS = 5_000;

/** Simulated time that moves by itself: sleeping waits the real equivalent of `ms` simulated milliseconds. */
function scaledClock(sim: AwsSim): Clock {
  return {
    now: () => sim.clock.now(),
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        if (signal.aborted) return resolve();
        const done = () => {
          clearTimeout(t);
          signal.removeEventListener("abort", done);
          resolve();
        };
        const t = setTimeout(done, ms / timeScale);
        signal.addEventListener("abort", done, { once: true });
      }),
  };
}

function eventTime(sim: AwsSim, service: string, pattern: RegExp): number | undefined {
  const svc = sim.state.ecs.services.find((s) => s.name === service);
  return svc?.events.find((e) => pattern.test(e.message))?.createdAt;
}

async function detection(kind: "steady" | "failing"): Promise<number> {
  const sim = await startAwsSim({ timeScale, seed: {}, randomSeed: 11 });
  try {
    if (kind === "failing") sim.faults.setImageBehavior("myapp:v2.0.0", { healthy: false });
    const ecs = createEcsExecutors({ clock: scaledClock(sim) });
    const work: EcsDeployWork = { ...deployWork(sim, "rolling"), pollIntervalMs: POLL_MS };
    const ctx = testContext();
    const result = await ecs.ecsDeploy.run(work, ctx);
    const reportedAt = sim.clock.now();
    const expected = kind === "steady" ? "success" : "failure";
    if (result.outcome !== expected) throw new Error(`${kind}: expected ${expected}, got ${result.outcome}: ${result.message}`);
    const id = result.outputs["ecs.deploymentId"]!;
    const reached = eventTime(sim, "myapp-service", new RegExp(`\\(deployment ${id}\\) deployment ${kind === "steady" ? "completed" : "failed"}`));
    if (reached === undefined) throw new Error(`${kind}: no ${kind} event for ${id}`);
    return reportedAt - reached;
  } finally {
    await sim.close();
  }
}

interface CallCount {
  total: number;
  ecs: number;
  elbv2: number;
  cloudwatch: number;
  mutating: number;
  byAction: Record<string, number>;
}

function count(sim: AwsSim): CallCount {
  const calls = sim.journal.calls({ accessKeyId: "AKIADELEGATE" });
  const byAction: Record<string, number> = {};
  for (const c of calls) byAction[`${c.service}:${c.action}`] = (byAction[`${c.service}:${c.action}`] ?? 0) + 1;
  return {
    total: calls.length,
    ecs: calls.filter((c) => c.service === "ecs").length,
    elbv2: calls.filter((c) => c.service === "elbv2").length,
    cloudwatch: calls.filter((c) => c.service === "cloudwatch").length,
    mutating: sim.journal.mutating({ accessKeyId: "AKIADELEGATE" }).length,
    byAction,
  };
}

async function strategy(name: "rolling" | "blueGreen" | "canary"): Promise<CallCount> {
  const sim = await startAwsSim({ timeScale: 0, seed: {}, randomSeed: 11 });
  try {
    const clock = simClock(sim);
    const ecs = createEcsExecutors({ clock });
    const verify = createVerifyExecutor({ clock });
    const aws = awsTarget(sim);
    const outputs: Record<string, Record<string, string>> = {};
    const step = async (id: string, p: (ctx: ReturnType<typeof testContext>) => Promise<StepResult>) => {
      const ctx = testContext(outputs);
      const r = await p(ctx);
      if (r.outcome !== "success") throw new Error(`${name}/${id}: ${r.outcome}: ${r.message}`);
      outputs[id] = r.outputs;
    };
    const check = (id: string) => step(id, (ctx) => verify.run(verifyWork(sim, { windowMs: 5 * 60_000, intervalMs: 30_000 }), ctx));
    if (name === "rolling") {
      await step("deploy", (ctx) => ecs.ecsDeploy.run(deployWork(sim, "rolling"), ctx));
    } else if (name === "blueGreen") {
      await step("deploy", (ctx) => ecs.ecsDeploy.run(deployWork(sim, "green"), ctx));
      await step("shift100", (ctx) => ecs.ecsTrafficShift.run({ kind: "ecsTrafficShift", aws, greenWeight: 100 }, ctx));
      await check("verify100");
      await step("promote", (ctx) => ecs.ecsPromote.run({ kind: "ecsPromote", aws }, ctx));
      await step("scaleDown", (ctx) => ecs.ecsScaleDown.run({ kind: "ecsScaleDown", aws, side: "idle", delete: false }, ctx));
    } else {
      await step("deploy", (ctx) => ecs.ecsDeploy.run(deployWork(sim, "green", V2, { desiredCount: "50%" }), ctx));
      for (const w of [10, 50]) {
        await step(`shift${w}`, (ctx) => ecs.ecsTrafficShift.run({ kind: "ecsTrafficShift", aws, greenWeight: w }, ctx));
        await check(`verify${w}`);
      }
      await step("shift100", (ctx) => ecs.ecsTrafficShift.run({ kind: "ecsTrafficShift", aws, greenWeight: 100 }, ctx));
      await step("promote", (ctx) => ecs.ecsPromote.run({ kind: "ecsPromote", aws }, ctx));
      await step("scaleDown", (ctx) => ecs.ecsScaleDown.run({ kind: "ecsScaleDown", aws, side: "idle", delete: false }, ctx));
    }
    return count(sim);
  } finally {
    await sim.close();
  }
}

const steady: number[] = [];
const failing: number[] = [];
for (let i = 0; i < runs; i++) {
  steady.push(await detection("steady"));
  failing.push(await detection("failing"));
}
const sec = (v: number[]) => Object.fromEntries(Object.entries(summary(v.map((x) => x / 1000))).map(([k, x]) => [k, round(x, 2)]));
const calls = { rolling: await strategy("rolling"), blueGreen: await strategy("blueGreen"), canary: await strategy("canary") };
report("ecs-detection", {
  pollIntervalMs: POLL_MS,
  timeScale,
  detectionSeconds: { steady: sec(steady), failing: sec(failing), goal: 5 },
  awsCallsPerDeployment: Object.fromEntries(Object.entries(calls).map(([k, c]) => [k, { total: c.total, ecs: c.ecs, elbv2: c.elbv2, cloudwatch: c.cloudwatch, mutating: c.mutating }])),
  callsByAction: Object.fromEntries(Object.entries(calls).map(([k, c]) => [k, c.byAction])),
});
