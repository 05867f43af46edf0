/**
 * ECS blue-green and canary against the simulated AWS with the real SDK clients: green beside blue, weight steps,
 * promote, scale-down; a canary whose new version answers 5xx fails verification at the first step and is rolled
 * back with its traffic never above that step's weight; every phase repeated changes nothing the second time.
 */
import type { AwsSim } from "@slipway/aws-sim";
import type { StepResult } from "../../src/steps/types";
import { afterEach, describe, expect, it } from "vitest";
import { createEcsExecutors } from "../../src/steps/ecs";
import { createVerifyExecutor } from "../../src/steps/verify";
import { awsTarget, delegateMutations, deployWork, expectOutcome, listenerWeights, simClock, stage, startSim, testContext, V2, verifyWork } from "./helpers";

let sim: AwsSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function running(s: AwsSim, service: string) {
  return [...s.state.ecs.tasks.values()].filter((t) => t.serviceName === service && t.lastStatus === "RUNNING");
}

describe("blue-green", () => {
  it("deploys green beside blue, shifts 10 → 50 → 100, promotes and scales the old blue down", async () => {
    sim = await startSim();
    const s = sim.seeded!;
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const verify = createVerifyExecutor({ clock: simClock(sim) });
    const aws = awsTarget(sim);
    const outputs: Record<string, Record<string, string>> = {};
    const run = async (id: string, p: Promise<StepResult>, ctx: ReturnType<typeof testContext>) => {
      const r = await p;
      expectOutcome(r, ctx, "success");
      outputs[id] = r.outputs;
      return r;
    };

    let ctx = testContext(outputs);
    const deployed = await run("deploy", ecs.ecsDeploy.run(deployWork(sim, "green"), ctx), ctx);
    expect(deployed.outputs).toMatchObject({
      "ecs.mode": "green",
      "ecs.greenService": "myapp-service-green",
      "ecs.greenTargetGroupArn": s.greenTargetGroupArn,
      "ecs.blueService": "myapp-service",
      "ecs.blueTargetGroupArn": s.blueTargetGroupArn,
      "ecs.greenCreated": "true",
      "ecs.blueDesiredCount": "4",
    });
    expect(JSON.parse(deployed.outputs["ecs.liveBefore"]!)).toEqual({ [s.blueTargetGroupArn]: 100, [s.greenTargetGroupArn]: 0 });
    expect(running(sim, "myapp-service-green")).toHaveLength(4);
    expect(running(sim, "myapp-service-green").every((t) => t.image === V2)).toBe(true);
    expect(listenerWeights(sim)).toEqual({ [s.blueTargetGroupArn]: 100, [s.greenTargetGroupArn]: 0 });
    const phases = ctx.progressPosts.map((p) => (p.kind === "ecs" ? p.phase : ""));
    expect(phases).toEqual(expect.arrayContaining(["STABLE_BLUE", "CREATING_GREEN", "PROVISIONING", "HEALTHY_GREEN"]));

    for (const weight of [10, 50, 100]) {
      ctx = testContext(outputs);
      await run(`shift${weight}`, ecs.ecsTrafficShift.run({ kind: "ecsTrafficShift", aws, greenWeight: weight }, ctx), ctx);
      expect(listenerWeights(sim)).toEqual({ [s.blueTargetGroupArn]: 100 - weight, [s.greenTargetGroupArn]: weight });
      expect(ctx.progressPosts.at(-1)).toMatchObject({ kind: "ecs", phase: `TRAFFIC_SHIFT_${weight}`, weights: { blue: 100 - weight, green: weight } });
      ctx = testContext(outputs);
      const v = await run(`verify${weight}`, verify.run(verifyWork(sim, { windowMs: 60_000, intervalMs: 30_000 }), ctx), ctx);
      expect(v.outputs["verify.result"]).toBe("passed");
      expect(ctx.progressPosts.at(-1)).toMatchObject({ phase: `MONITORING_${weight}` });
    }
    ctx = testContext(outputs);
    const promoted = await run("promote", ecs.ecsPromote.run({ kind: "ecsPromote", aws }, ctx), ctx);
    expect(promoted.outputs["ecs.live"]).toBe(s.greenTargetGroupArn);
    expect(ctx.progressPosts.at(-1)).toMatchObject({ phase: "STABLE_GREEN" });

    ctx = testContext(outputs);
    await run("scaleDown", ecs.ecsScaleDown.run({ kind: "ecsScaleDown", aws, side: "idle", delete: false }, ctx), ctx);
    expect(ctx.progressPosts.at(-1)).toMatchObject({ phase: "COMPLETE" });
    expect(sim.state.ecs.services.find((x) => x.name === "myapp-service")!.desiredCount).toBe(0);
    expect(running(sim, "myapp-service")).toHaveLength(0);
    expect(running(sim, "myapp-service-green")).toHaveLength(4);
    sim.advance(10_000);
    const last = sim.traffic.history({ since: sim.clock.now() - 5_000 });
    expect(last.every((sec) => (sec.requestsByImage[V2] ?? 0) === sec.requests)).toBe(true);

    // The journal: one registration, one CreateService, three weight changes, one scale-down.
    expect(delegateMutations(sim).map((e) => e.action)).toEqual(["RegisterTaskDefinition", "CreateService", "ModifyListener", "ModifyListener", "ModifyListener", "UpdateService"]);
  });

  it("the next deployment goes to the other side: blue target group, service named after it", async () => {
    sim = await startSim();
    const s = sim.seeded!;
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const aws = awsTarget(sim);
    const outputs: Record<string, Record<string, string>> = {};
    outputs.deploy = (await ecs.ecsDeploy.run(deployWork(sim, "green"), testContext())).outputs;
    outputs.promote = (await ecs.ecsPromote.run({ kind: "ecsPromote", aws }, testContext(outputs))).outputs;
    outputs.scale = (await ecs.ecsScaleDown.run({ kind: "ecsScaleDown", aws, side: "idle", delete: false }, testContext(outputs))).outputs;
    expect(outputs.scale["ecs.scaledDown"]).toBe("myapp-service");

    const V3 = V2.replace("v2.0.0", "v3.0.0");
    const ctx = testContext();
    const next = await ecs.ecsDeploy.run(deployWork(sim, "green", V3, { release: "exec-2.v3" }), ctx);
    expectOutcome(next, ctx, "success");
    expect(next.outputs).toMatchObject({
      "ecs.blueService": "myapp-service-green",
      "ecs.blueTargetGroupArn": s.greenTargetGroupArn,
      "ecs.greenService": "myapp-service",
      "ecs.greenTargetGroupArn": s.blueTargetGroupArn,
    });
    expect(next.outputs["ecs.greenCreated"]).toBeUndefined();
    expect(running(sim, "myapp-service").every((t) => t.image === V3)).toBe(true);
    expect(running(sim, "myapp-service")).toHaveLength(4);
  });

  it("each phase repeated twice in a row changes nothing the second time", async () => {
    sim = await startSim();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const aws = awsTarget(sim);
    const outputs: Record<string, Record<string, string>> = {};
    const twice = async (id: string, make: () => Promise<StepResult>) => {
      const first = await make();
      expect(first.outcome, first.message).toBe("success");
      outputs[id] = first.outputs;
      const mark = sim!.journal.mark();
      const second = await make();
      expect(second.outcome, second.message).toBe("success");
      expect(delegateMutations(sim!, mark), `${id} repeated`).toEqual([]);
      outputs[id] = second.outputs;
    };
    await twice("deploy", () => ecs.ecsDeploy.run(deployWork(sim!, "green"), testContext(outputs)));
    for (const w of [10, 50, 100]) await twice(`shift${w}`, () => ecs.ecsTrafficShift.run({ kind: "ecsTrafficShift", aws, greenWeight: w }, testContext(outputs)));
    await twice("promote", () => ecs.ecsPromote.run({ kind: "ecsPromote", aws }, testContext(outputs)));
    await twice("scaleDown", () => ecs.ecsScaleDown.run({ kind: "ecsScaleDown", aws, side: "idle", delete: true }, testContext(outputs)));

    const actions = delegateMutations(sim).map((e) => e.action);
    expect(actions.filter((a) => a === "RegisterTaskDefinition")).toHaveLength(1);
    expect(actions.filter((a) => a === "CreateService")).toHaveLength(1);
    expect(actions.filter((a) => a === "DeleteService")).toHaveLength(1);
    const weights = sim.journal.calls({ action: "ModifyListener", accessKeyId: "AKIADELEGATE" }).map((e) => JSON.stringify(e.params));
    expect(weights).toHaveLength(3);
    expect(new Set(weights).size).toBe(3);
  });

  it("a delegate lost right after CreateService: the repeat adopts the green service instead of creating another", async () => {
    sim = await startSim();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const ctx1 = testContext();
    const watcher = setInterval(() => {
      if (sim!.journal.calls({ action: "CreateService", accessKeyId: "AKIADELEGATE" }).length > 0) ctx1.controller.abort();
    }, 1);
    const first = await ecs.ecsDeploy.run(deployWork(sim, "green"), ctx1);
    clearInterval(watcher);
    expect(first.outcome).toBe("cancelled");
    const ctx2 = testContext();
    const second = await ecs.ecsDeploy.run(deployWork(sim, "green"), ctx2);
    expectOutcome(second, ctx2, "success");
    expect(sim.journal.calls({ action: "CreateService" })).toHaveLength(1);
    expect(sim.journal.calls({ action: "RegisterTaskDefinition", accessKeyId: "AKIADELEGATE" })).toHaveLength(1);
    expect(second.outputs["ecs.deploymentId"]).toBe(sim.state.ecs.services.find((x) => x.name === "myapp-service-green")!.deployments[0]!.id);
  });

  it("works through a listener rule (ModifyRule) when the infrastructure names one", async () => {
    sim = await startSim({ rule: true });
    const s = sim.seeded!;
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const aws = awsTarget(sim);
    expect(aws.loadBalancer!.ruleArn).toBeTruthy();
    const outputs: Record<string, Record<string, string>> = {};
    const ctx = testContext(outputs);
    outputs.deploy = (await ecs.ecsDeploy.run(deployWork(sim, "green"), ctx)).outputs;
    expectOutcome(await ecs.ecsTrafficShift.run({ kind: "ecsTrafficShift", aws, greenWeight: 25 }, testContext(outputs)), ctx, "success");
    expect(listenerWeights(sim)).toEqual({ [s.blueTargetGroupArn]: 75, [s.greenTargetGroupArn]: 25 });
    expect(sim.journal.calls({ action: "ModifyRule", accessKeyId: "AKIADELEGATE" })).toHaveLength(1);
    expect(sim.journal.calls({ action: "ModifyListener", accessKeyId: "AKIADELEGATE" })).toHaveLength(0);
  });
});

describe("blue-green rollback", () => {
  it("an unhealthy green fails the deploy (UNHEALTHY); the rollback keeps traffic on blue and scales green to 0", async () => {
    sim = await startSim();
    sim.faults.setImageBehavior("myapp:v2.0.0", { healthy: false });
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const aws = awsTarget(sim);
    const ctx = testContext();
    const deployed = await ecs.ecsDeploy.run(deployWork(sim, "green"), ctx);
    expectOutcome(deployed, ctx, "failure");
    expect(deployed.message).toMatch(/FAILED: ECS deployment circuit breaker/);
    expect(deployed.outputs["ecs.greenService"]).toBe("myapp-service-green");
    expect(ctx.progressPosts.at(-1)).toMatchObject({ phase: "UNHEALTHY" });

    const outputs = stage(["deploy", deployed]);
    const rbCtx = testContext(outputs);
    const rb = await ecs.ecsRollback.run({ kind: "ecsRollback", aws }, rbCtx);
    expectOutcome(rb, rbCtx, "success");
    expect(listenerWeights(sim)).toEqual({ [sim.seeded!.blueTargetGroupArn]: 100, [sim.seeded!.greenTargetGroupArn]: 0 });
    expect(sim.state.ecs.services.find((x) => x.name === "myapp-service-green")!.desiredCount).toBe(0);
    expect(sim.journal.calls({ action: "ModifyListener", accessKeyId: "AKIADELEGATE" })).toHaveLength(0);
    // Repeated, the rollback changes nothing.
    const mark = sim.journal.mark();
    expectOutcome(await ecs.ecsRollback.run({ kind: "ecsRollback", aws }, testContext(outputs)), rbCtx, "success");
    expect(delegateMutations(sim, mark)).toEqual([]);
  });

  it("after promote and scale-down, a rollback brings blue back up before sending the traffic back to it", async () => {
    sim = await startSim();
    const s = sim.seeded!;
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const aws = awsTarget(sim);
    const outputs: Record<string, Record<string, string>> = {};
    outputs.deploy = (await ecs.ecsDeploy.run(deployWork(sim, "green"), testContext())).outputs;
    outputs.promote = (await ecs.ecsPromote.run({ kind: "ecsPromote", aws }, testContext(outputs))).outputs;
    outputs.scale = (await ecs.ecsScaleDown.run({ kind: "ecsScaleDown", aws, side: "idle", delete: false }, testContext(outputs))).outputs;
    expect(running(sim, "myapp-service")).toHaveLength(0);

    const ctx = testContext(outputs);
    const rb = await ecs.ecsRollback.run({ kind: "ecsRollback", aws }, ctx);
    expectOutcome(rb, ctx, "success");
    expect(running(sim, "myapp-service")).toHaveLength(4);
    expect(listenerWeights(sim)).toEqual({ [s.blueTargetGroupArn]: 100, [s.greenTargetGroupArn]: 0 });
    expect(sim.state.ecs.services.find((x) => x.name === "myapp-service-green")!.desiredCount).toBe(0);
    const order = delegateMutations(sim).map((e) => `${e.action}${e.params.desiredCount !== undefined ? `:${String(e.params.desiredCount)}` : ""}`);
    expect(order.slice(-3)).toEqual(["UpdateService:4", "ModifyListener", "UpdateService:0"]);
    // No second of ELB-level errors while the traffic moved back.
    sim.advance(5_000);
    expect(sim.traffic.totals({ since: sim.clock.now() - 120_000 }).elb5xx).toBe(0);
  });
});

describe("canary", () => {
  it("a 5xx spike on the new version fails verification at the first step; the rollback restores the weights and traffic on it never exceeded 10%", async () => {
    sim = await startSim();
    const s = sim.seeded!;
    sim.faults.setImageBehavior("myapp:v2.0.0", { http5xxRate: 0.4 });
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const verify = createVerifyExecutor({ clock: simClock(sim) });
    const aws = awsTarget(sim);
    const outputs: Record<string, Record<string, string>> = {};

    let ctx = testContext(outputs);
    const deployed = await ecs.ecsDeploy.run(deployWork(sim, "green", V2, { desiredCount: "50%" }), ctx);
    expectOutcome(deployed, ctx, "success");
    expect(deployed.outputs["ecs.greenDesiredCount"]).toBe("2");
    outputs.deploy = deployed.outputs;

    ctx = testContext(outputs);
    const shifted = await ecs.ecsTrafficShift.run({ kind: "ecsTrafficShift", aws, greenWeight: 10 }, ctx);
    expectOutcome(shifted, ctx, "success");
    outputs.shift10 = shifted.outputs;

    ctx = testContext(outputs);
    const verified = await verify.run(verifyWork(sim, { windowMs: 5 * 60_000, intervalMs: 30_000 }), ctx);
    expectOutcome(verified, ctx, "failure");
    expect(verified.message).toMatch(/5xx error rate of tg\/myapp-tg-green \d+(\.\d+)?% > 5(\.00)?%/);
    expect(verified.message).toMatch(/sample 1;/);
    expect(verified.outputs["verify.samples"]).toBe("1");
    const anomaly = ctx.progressPosts.at(-1)!;
    expect(anomaly).toMatchObject({ kind: "ecs", phase: "ANOMALY_10", weights: { blue: 90, green: 10 } });
    const failing = anomaly.kind === "ecs" ? anomaly.failingSample : null;
    expect(failing).toMatchObject({ metric: "5xx error rate of tg/myapp-tg-green", threshold: 5 });
    expect(failing!.value).toBeGreaterThan(20);
    expect(failing!.link).toMatch(/^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#metricsV2\?graph=.*HTTPCode_Target_5XX_Count/);
    expect(JSON.parse(verified.outputs["verify.failingSample"]!)).toMatchObject({ metric: failing!.metric });
    outputs.verify10 = verified.outputs;

    ctx = testContext(outputs);
    const rolledBack = await ecs.ecsRollback.run({ kind: "ecsRollback", aws }, ctx);
    expectOutcome(rolledBack, ctx, "success");
    expect(listenerWeights(sim)).toEqual({ [s.blueTargetGroupArn]: 100, [s.greenTargetGroupArn]: 0 });
    expect(sim.state.ecs.services.find((x) => x.name === "myapp-service-green")!.desiredCount).toBe(0);
    expect(ctx.progressPosts.at(-1)).toMatchObject({ phase: "STABLE_BLUE", weights: { blue: 100, green: 0 } });
    sim.advance(60_000);

    expect(sim.traffic.maxShare({ image: "myapp:v2.0.0" })).toBeGreaterThan(0);
    expect(sim.traffic.maxShare({ image: "myapp:v2.0.0" })).toBeLessThanOrEqual(0.1);
    const since = sim.clock.now() - 30_000;
    expect(sim.traffic.maxShare({ image: "myapp:v2.0.0" }, { since })).toBe(0);
    // Exactly two weight changes: 10%, then back to 0%.
    expect(sim.journal.calls({ action: "ModifyListener", accessKeyId: "AKIADELEGATE" })).toHaveLength(2);
  });
});
