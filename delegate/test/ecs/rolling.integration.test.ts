/**
 * ECS rolling deployments against the simulated AWS with the real SDK clients: success, a circuit-breaker rollback
 * reported as a failure, the rollback step, repeats that change nothing, and a throttling burst.
 */
import type { AwsSim } from "@slipway/aws-sim";
import { afterEach, describe, expect, it } from "vitest";
import { createEcsExecutors } from "../../src/steps/ecs";
import { createVerifyExecutor } from "../../src/steps/verify";
import { delegateMutations, deployWork, expectOutcome, simClock, stage, startSim, testContext, V1, V2, verifyWork } from "./helpers";

let sim: AwsSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe("ecsDeploy rolling", () => {
  it("registers the task definition, updates the service and waits for our deployment to be COMPLETED", async () => {
    sim = await startSim();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const ctx = testContext();
    const result = await ecs.ecsDeploy.run(deployWork(sim, "rolling"), ctx);
    expectOutcome(result, ctx, "success");

    const svc = sim.state.ecs.services.find((s) => s.name === "myapp-service")!;
    expect(svc.deployments).toHaveLength(1);
    expect(svc.deployments[0]!.rolloutState).toBe("COMPLETED");
    expect(svc.deployments[0]!.taskDefinitionArn).toBe(result.outputs["ecs.taskDefinition"]);
    expect(result.outputs["ecs.taskDefinition"]).toMatch(/task-definition\/myapp-task:2$/);
    expect(result.outputs["ecs.previousTaskDefinition"]).toMatch(/task-definition\/myapp-task:1$/);
    expect(result.outputs["ecs.deploymentId"]).toBe(svc.deployments[0]!.id);
    expect(result.outputs["ecs.mode"]).toBe("rolling");

    const mutations = delegateMutations(sim).map((e) => e.action);
    expect(mutations).toEqual(["RegisterTaskDefinition", "UpdateService"]);
    const update = sim.journal.calls({ action: "UpdateService", accessKeyId: "AKIADELEGATE" })[0]!;
    expect(update.params).toMatchObject({
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    // Every call the phase made is in its log, with its answer.
    expect(ctx.lines.some((l) => /ecs:UpdateService myapp-service taskDefinition=myapp-task:2 .*→ ok \d+ ms/.test(l))).toBe(true);
    expect(ctx.lines.some((l) => /ecs:RegisterTaskDefinition myapp-task → ok/.test(l))).toBe(true);
    // Progress: phases of the state machine, ending STABLE.
    const phases = ctx.progressPosts.map((p) => (p.kind === "ecs" ? p.phase : ""));
    expect(phases[0]).toBe("PRE_CHECK");
    expect(phases).toContain("UPDATING_SERVICE");
    expect(phases).toContain("PROVISIONING");
    expect(phases.at(-1)).toBe("STABLE");
  });

  it("reports an ECS circuit-breaker rollback as FAILED, not success, and keeps its outputs for the rollback", async () => {
    sim = await startSim();
    sim.faults.setImageBehavior("myapp:v2.0.0", { healthy: false });
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const ctx = testContext();
    const result = await ecs.ecsDeploy.run(deployWork(sim, "rolling"), ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.message).toMatch(/FAILED|rolled back/);
    expect(result.outputs["ecs.previousTaskDefinition"]).toMatch(/myapp-task:1$/);
    expect(result.outputs["ecs.taskDefinition"]).toMatch(/myapp-task:2$/);
    const phases = ctx.progressPosts.map((p) => (p.kind === "ecs" ? p.phase : ""));
    expect(phases.at(-1)).toBe("UNHEALTHY");

    // The rollback step finds the service already back on :1 (ECS did it) and only waits for it to settle.
    const rbCtx = testContext(stage(["deploy", result]));
    const rb = await ecs.ecsRollback.run({ kind: "ecsRollback", aws: deployWork(sim, "rolling").aws }, rbCtx);
    expectOutcome(rb, rbCtx, "success");
    const svc = sim.state.ecs.services.find((s) => s.name === "myapp-service")!;
    expect(svc.taskDefinitionArn).toMatch(/myapp-task:1$/);
    expect(svc.deployments).toHaveLength(1);
    expect(delegateMutations(sim).map((e) => e.action)).toEqual(["RegisterTaskDefinition", "UpdateService"]);
  });

  it("a verify after a rolling deploy watches the live target group, without a blue baseline", async () => {
    sim = await startSim();
    sim.faults.setImageBehavior("myapp:v2.0.0", { http5xxRate: 0.2 });
    const clock = simClock(sim);
    const ecs = createEcsExecutors({ clock });
    const deployed = await ecs.ecsDeploy.run(deployWork(sim, "rolling"), testContext());
    expect(deployed.outcome).toBe("success");
    const ctx = testContext(stage(["deploy", deployed]));
    const result = await createVerifyExecutor({ clock }).run(verifyWork(sim, { windowMs: 60_000 }), ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.message).toMatch(/5xx error rate of tg\/myapp-tg-blue \d+(\.\d+)?% > 5%/);
    expect(ctx.lines).toContain("system: verify: no baseline comparison (there is no blue side beside the one being verified)");
  });

  it("rolls back to the previous task definition after a successful deploy", async () => {
    sim = await startSim();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const ctx = testContext();
    const deployed = await ecs.ecsDeploy.run(deployWork(sim, "rolling"), ctx);
    expectOutcome(deployed, ctx, "success");
    const rbCtx = testContext(stage(["deploy", deployed]));
    const rb = await ecs.ecsRollback.run({ kind: "ecsRollback", aws: deployWork(sim, "rolling").aws }, rbCtx);
    expectOutcome(rb, rbCtx, "success");
    const svc = sim.state.ecs.services.find((s) => s.name === "myapp-service")!;
    expect(svc.taskDefinitionArn).toMatch(/myapp-task:1$/);
    expect(svc.deployments[0]!.rolloutState).toBe("COMPLETED");
    const images = new Set([...sim.state.ecs.tasks.values()].filter((t) => t.lastStatus === "RUNNING").map((t) => t.image));
    expect(images).toEqual(new Set([V1]));

    // A second rollback changes nothing.
    const mark = sim.journal.mark();
    const again = await ecs.ecsRollback.run({ kind: "ecsRollback", aws: deployWork(sim, "rolling").aws }, testContext(stage(["deploy", deployed])));
    expect(again.outcome).toBe("success");
    expect(delegateMutations(sim, mark)).toEqual([]);
  });

  it("repeated after it finished, changes nothing (no second registration, no second update)", async () => {
    sim = await startSim();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const first = await ecs.ecsDeploy.run(deployWork(sim, "rolling"), testContext());
    expect(first.outcome).toBe("success");
    const mark = sim.journal.mark();
    const ctx = testContext();
    const second = await ecs.ecsDeploy.run(deployWork(sim, "rolling"), ctx);
    expectOutcome(second, ctx, "success");
    expect(delegateMutations(sim, mark)).toEqual([]);
    expect(second.outputs["ecs.taskDefinition"]).toBe(first.outputs["ecs.taskDefinition"]);
    expect(second.outputs["ecs.deploymentId"]).toBe(first.outputs["ecs.deploymentId"]);
    expect(second.outputs["ecs.previousTaskDefinition"]).toBe(first.outputs["ecs.previousTaskDefinition"]);
  });

  it("repeated while the deployment is still in progress (a lost delegate), adopts it instead of updating again", async () => {
    sim = await startSim();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const ctx1 = testContext();
    // The first delegate dies right after UpdateService: cancel once the update went out.
    const watcher = setInterval(() => {
      if (sim!.journal.calls({ action: "UpdateService", accessKeyId: "AKIADELEGATE" }).length > 0) ctx1.controller.abort();
    }, 1);
    const first = await ecs.ecsDeploy.run(deployWork(sim, "rolling"), ctx1);
    clearInterval(watcher);
    expect(first.outcome).toBe("cancelled");
    const mark = sim.journal.mark();
    const ctx2 = testContext();
    const second = await ecs.ecsDeploy.run(deployWork(sim, "rolling"), ctx2);
    expectOutcome(second, ctx2, "success");
    expect(delegateMutations(sim, mark)).toEqual([]);
    expect(second.outputs["ecs.previousTaskDefinition"]).toMatch(/myapp-task:1$/);
    expect(sim.journal.calls({ action: "RegisterTaskDefinition", accessKeyId: "AKIADELEGATE" })).toHaveLength(1);
  });

  it("absorbs a throttling burst with backoff and jitter and still completes", async () => {
    sim = await startSim();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    // The next 5 calls, whatever they are, answer ThrottlingException; then UpdateService itself is throttled 3 times.
    sim.faults.throttle({ count: 5 });
    sim.faults.throttle({ service: "ecs", action: "UpdateService", count: 3 });
    const ctx = testContext();
    const result = await ecs.ecsDeploy.run(deployWork(sim, "rolling"), ctx);
    expectOutcome(result, ctx, "success");
    const throttled = sim.journal.calls().filter((e) => e.status === "ThrottlingException" || e.status === "Throttling");
    expect(throttled).toHaveLength(8);
    expect(ctx.lines.some((l) => /→ ok .*\(6 attempts\)/.test(l))).toBe(true);
    expect(ctx.lines.some((l) => /ecs:UpdateService .*→ ok .*\(4 attempts\)/.test(l))).toBe(true);
    expect(sim.journal.calls({ action: "UpdateService", status: "ok" })).toHaveLength(1);
    expect(sim.state.ecs.services.find((s) => s.name === "myapp-service")!.deployments[0]!.rolloutState).toBe("COMPLETED");
  }, 120_000);

  it("refuses a missing service before any mutating call", async () => {
    sim = await startSim();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const work = deployWork(sim, "rolling");
    work.aws = { ...work.aws, serviceName: "checkout", loadBalancer: null };
    const ctx = testContext();
    const result = await ecs.ecsDeploy.run(work, ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.message).toMatch(/refused before any change: ECS service "checkout" does not exist/);
    expect(sim.journal.mutating()).toEqual([]);
    void V2;
  });
});
