import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
} from "@aws-sdk/client-ecs";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterEach, describe, expect, it } from "vitest";
import { startAwsSim, type AwsSim } from "./index.js";
import { clients, taskDefinitionInput } from "./test-helpers.js";

const V2 = "123456789012.dkr.ecr.us-east-1.amazonaws.com/myapp:v2.0.0";
let sim: AwsSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function service(s: AwsSim): Promise<Service> {
  const { ecs } = clients(s);
  const out = await ecs.send(new DescribeServicesCommand({ cluster: s.seeded!.clusterName, services: [s.seeded!.serviceName] }));
  return out.services![0]!;
}

/** Steps simulated time in `stepMs` increments, calling `observe` after each, until it returns true. */
async function stepUntil(s: AwsSim, observe: () => Promise<boolean>, stepMs = 5_000, maxSteps = 200): Promise<void> {
  for (let i = 0; i < maxSteps; i++) {
    s.advance(stepMs);
    if (await observe()) return;
  }
  throw new Error(`condition not reached after ${(stepMs * maxSteps) / 1000} simulated seconds`);
}

describe("task definitions", () => {
  it("registers revisions with family:revision ARNs and describes by family, revision or ARN", async () => {
    sim = await startAwsSim({ timeScale: 0 });
    const { ecs } = clients(sim);
    const first = await ecs.send(new RegisterTaskDefinitionCommand(taskDefinitionInput("myapp:v1")));
    const second = await ecs.send(new RegisterTaskDefinitionCommand(taskDefinitionInput("myapp:v2")));
    expect(first.taskDefinition?.taskDefinitionArn).toBe("arn:aws:ecs:us-east-1:123456789012:task-definition/myapp-task:1");
    expect(second.taskDefinition?.revision).toBe(2);
    expect(second.taskDefinition?.registeredAt).toBeInstanceOf(Date);

    const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "myapp-task" }));
    expect(latest.taskDefinition?.containerDefinitions?.[0]?.image).toBe("myapp:v2");
    const byRevision = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "myapp-task:1" }));
    expect(byRevision.taskDefinition?.containerDefinitions?.[0]?.image).toBe("myapp:v1");
    expect(byRevision.taskDefinition?.compatibilities).toContain("FARGATE");
  });

  it("rejects Fargate sizes AWS rejects, with AWS's ClientException messages", async () => {
    sim = await startAwsSim({ timeScale: 0 });
    const { ecs } = clients(sim);
    const bad = { ...taskDefinitionInput("myapp:v1"), cpu: "256", memory: "4096" };
    await expect(ecs.send(new RegisterTaskDefinitionCommand(bad))).rejects.toMatchObject({
      name: "ClientException",
      message: "No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values.",
    });
    const noCpu = { ...taskDefinitionInput("myapp:v1"), cpu: undefined };
    await expect(ecs.send(new RegisterTaskDefinitionCommand(noCpu))).rejects.toMatchObject({
      name: "ClientException",
      message: "Fargate requires that 'cpu' be defined at the task level.",
    });
    const ok = { ...taskDefinitionInput("myapp:v1"), cpu: "1 vCPU", memory: "3 GB" };
    await expect(ecs.send(new RegisterTaskDefinitionCommand(ok))).resolves.toBeDefined();
    await expect(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "nope:1" }))).rejects.toMatchObject({
      name: "ClientException",
    });
  });
});

describe("rolling deployment", () => {
  it("replaces every task within min/max percent, reaches COMPLETED and a steady state", async () => {
    sim = await startAwsSim({ timeScale: 0, seed: "demo" });
    const { ecs, elb } = clients(sim);
    const seeded = sim.seeded!;
    const td = await ecs.send(new RegisterTaskDefinitionCommand(taskDefinitionInput(V2)));
    const updated = await ecs.send(
      new UpdateServiceCommand({ cluster: seeded.clusterName, service: seeded.serviceName, taskDefinition: td.taskDefinition!.taskDefinitionArn }),
    );
    const primary = updated.service!.deployments!.find((d) => d.status === "PRIMARY")!;
    expect(primary.rolloutState).toBe("IN_PROGRESS");
    expect(primary.taskDefinition).toBe(td.taskDefinition!.taskDefinitionArn);
    const updatedAt = sim.clock.now();

    let maxTasks = 0;
    let minHealthy = Number.POSITIVE_INFINITY;
    await stepUntil(sim, async () => {
      const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: seeded.blueTargetGroupArn }));
      const healthy = health.TargetHealthDescriptions!.filter((t) => t.TargetHealth?.State === "healthy").length;
      minHealthy = Math.min(minHealthy, healthy);
      const tasks = [...sim!.state.ecs.tasks.values()].filter((t) => t.lastStatus !== "STOPPED");
      maxTasks = Math.max(maxTasks, tasks.length);
      return (await service(sim!)).deployments![0]!.rolloutState === "COMPLETED";
    });

    const after = await service(sim);
    expect(after.deployments).toHaveLength(1);
    expect(after.deployments![0]).toMatchObject({ id: primary.id, rolloutState: "COMPLETED", runningCount: 4, desiredCount: 4 });
    expect(after.deployments![0]!.rolloutStateReason).toBe(`ECS deployment ${primary.id} completed.`);
    expect(after.runningCount).toBe(4);
    const steady = after.events!.find((e) => e.message === "(service myapp-service) has reached a steady state.");
    expect(steady!.createdAt!.getTime()).toBeGreaterThan(updatedAt);
    // minimumHealthyPercent 100 / maximumPercent 200 on 4 tasks.
    expect(minHealthy).toBeGreaterThanOrEqual(4);
    expect(maxTasks).toBeLessThanOrEqual(8);

    const listed = await ecs.send(new ListTasksCommand({ cluster: seeded.clusterName, serviceName: seeded.serviceName }));
    const described = await ecs.send(new DescribeTasksCommand({ cluster: seeded.clusterName, tasks: listed.taskArns }));
    expect(described.tasks).toHaveLength(4);
    for (const task of described.tasks!) {
      expect(task).toMatchObject({ lastStatus: "RUNNING", taskDefinitionArn: td.taskDefinition!.taskDefinitionArn, startedBy: primary.id });
    }
  });

  it("honours minimumHealthyPercent 50 / maximumPercent 100 by stopping before starting", async () => {
    sim = await startAwsSim({
      timeScale: 0,
      seed: { deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100 } },
    });
    const { ecs } = clients(sim);
    const td = await ecs.send(new RegisterTaskDefinitionCommand(taskDefinitionInput(V2)));
    await ecs.send(new UpdateServiceCommand({ cluster: "prod-cluster", service: "myapp-service", taskDefinition: td.taskDefinition!.taskDefinitionArn }));
    let maxTasks = 0;
    let minReady = Number.POSITIVE_INFINITY;
    await stepUntil(sim, async () => {
      const live = [...sim!.state.ecs.tasks.values()].filter((t) => t.lastStatus !== "STOPPED");
      maxTasks = Math.max(maxTasks, live.length);
      const blue = sim!.state.elb.targetGroups.get(sim!.seeded!.blueTargetGroupArn)!;
      minReady = Math.min(minReady, [...blue.targets.values()].filter((t) => t.state === "healthy").length);
      return (await service(sim!)).deployments![0]!.rolloutState === "COMPLETED";
    }, 2_000);
    expect(maxTasks).toBeLessThanOrEqual(4);
    expect(minReady).toBeGreaterThanOrEqual(2);
  });
});

describe("deployment circuit breaker", () => {
  it("fails an unhealthy deployment and rolls back to the previous task definition", async () => {
    sim = await startAwsSim({ timeScale: 0, seed: "demo" });
    const { ecs } = clients(sim);
    const seeded = sim.seeded!;
    sim.faults.setImageBehavior("myapp:v2-broken", { healthy: false });
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand(taskDefinitionInput("123456789012.dkr.ecr.us-east-1.amazonaws.com/myapp:v2-broken")),
    );
    const updated = await ecs.send(
      new UpdateServiceCommand({ cluster: seeded.clusterName, service: seeded.serviceName, taskDefinition: td.taskDefinition!.taskDefinitionArn }),
    );
    const mine = updated.service!.deployments!.find((d) => d.status === "PRIMARY")!.id!;
    const previous = updated.service!.deployments!.find((d) => d.status === "ACTIVE")!.id!;

    let sawFailed = false;
    await stepUntil(sim, async () => {
      const s = await service(sim!);
      const own = s.deployments!.find((d) => d.id === mine);
      if (own?.rolloutState === "FAILED") {
        sawFailed = true;
        expect(own.rolloutStateReason).toBe("ECS deployment circuit breaker: tasks failed to start.");
        expect(own.failedTasks).toBeGreaterThanOrEqual(3);
      }
      return sawFailed && s.deployments!.length === 1 && s.deployments![0]!.rolloutState === "COMPLETED";
    });

    const after = await service(sim);
    expect(after.deployments![0]).toMatchObject({ id: previous, status: "PRIMARY", taskDefinition: seeded.taskDefinitionArn });
    expect(after.taskDefinition).toBe(seeded.taskDefinitionArn);
    const messages = after.events!.map((e) => e.message);
    expect(messages).toContain(`(service myapp-service) (deployment ${mine}) deployment failed: tasks failed to start.`);
    expect(messages).toContain(`(service myapp-service) rolling back to deployment ${previous}.`);
    expect(messages[0]).toBe("(service myapp-service) has reached a steady state.");

    // After the fact the client's deployment is gone from deployments[]; the service-deployment record remains.
    const record = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [updated.service!.currentServiceDeployment!] }));
    expect(record.serviceDeployments![0]).toMatchObject({ status: "ROLLBACK_SUCCESSFUL", deploymentCircuitBreaker: { status: "TRIGGERED" } });
    // The broken image never became healthy, so the load balancer never sent it a request.
    expect(sim.traffic.maxShare({ image: "myapp:v2-broken" })).toBe(0);
  });

  it("stops a crashing deployment at a configured threshold when rollback is off", async () => {
    sim = await startAwsSim({
      timeScale: 0,
      ecs: { circuitBreakerThreshold: 2 },
      seed: { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } } },
    });
    const { ecs } = clients(sim);
    sim.faults.setImageBehavior("myapp-task:2", { crashOnStart: true });
    const td = await ecs.send(new RegisterTaskDefinitionCommand(taskDefinitionInput(V2)));
    const updated = await ecs.send(
      new UpdateServiceCommand({ cluster: "prod-cluster", service: "myapp-service", taskDefinition: td.taskDefinition!.taskDefinitionArn }),
    );
    await stepUntil(sim, async () => (await service(sim!)).deployments![0]!.rolloutState === "FAILED");
    const s = await service(sim);
    expect(s.deployments![0]!.failedTasks).toBe(4);
    const stopped = [...sim.state.ecs.tasks.values()].filter((t) => t.stopCode === "EssentialContainerExited");
    expect(stopped[0]?.stoppedReason).toBe("Essential container in task exited");
    const record = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [updated.service!.currentServiceDeployment!] }));
    expect(record.serviceDeployments![0]!.status).toBe("STOPPED");
    // The old tasks keep serving: minimumHealthyPercent 100 never let ECS stop them.
    expect(s.runningCount).toBe(4);
  });
});

describe("simulated clock", () => {
  it("stands still at timeScale 0 and moves exactly by advance()", async () => {
    sim = await startAwsSim({ timeScale: 0, startTime: Date.UTC(2025, 0, 1), seed: "demo" });
    const t0 = sim.clock.now();
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.clock.now()).toBe(t0);
    sim.advance(10_000);
    expect(sim.clock.now()).toBe(t0 + 10_000);
    const seconds = sim.traffic.history();
    expect(seconds.map((s) => s.time)).toEqual(Array.from({ length: 10 }, (_, i) => t0 + i * 1000));
    expect(seconds.every((s) => s.requests === 100)).toBe(true);
  });

  it("replays identically for the same random seed and calls", async () => {
    const run = async () => {
      const s = await startAwsSim({ timeScale: 0, startTime: Date.UTC(2025, 0, 1), randomSeed: 7, seed: "demo" });
      s.faults.setImageBehavior("myapp:v1.0.0", { http5xxRate: 0.1 });
      s.advance(30_000);
      const out = { arns: [...s.state.ecs.tasks.keys()], errors: s.traffic.totals().http5xx };
      await s.close();
      return out;
    };
    const [a, b] = [await run(), await run()];
    expect(a).toEqual(b);
    expect(a.errors).toBeGreaterThan(0);
  });

  it("runs a rollout on real time multiplied by timeScale", async () => {
    sim = await startAwsSim({ timeScale: 50, seed: "demo" });
    const { ecs } = clients(sim);
    const td = await ecs.send(new RegisterTaskDefinitionCommand(taskDefinitionInput(V2)));
    await ecs.send(new UpdateServiceCommand({ cluster: "prod-cluster", service: "myapp-service", taskDefinition: td.taskDefinition!.taskDefinitionArn }));
    const started = Date.now();
    for (;;) {
      if ((await service(sim)).deployments![0]!.rolloutState === "COMPLETED") break;
      if (Date.now() - started > 10_000) throw new Error("rollout did not complete in 10 real seconds");
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
