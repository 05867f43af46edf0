import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeServicesCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { DescribeListenersCommand, ModifyListenerCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterEach, describe, expect, it } from "vitest";
import { startAwsSim, type AwsSim } from "./index.js";
import { clients } from "./test-helpers.js";

let sim: AwsSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe("throttling", () => {
  it("surfaces ECS ThrottlingException without retries and absorbs it with the default retry strategy", async () => {
    sim = await startAwsSim({ timeScale: 0, seed: "demo" });
    const request = { cluster: "prod-cluster", services: ["myapp-service"] };

    sim.faults.throttle({ service: "ecs", action: "DescribeServices", count: 1 });
    const err = await clients(sim, { maxAttempts: 1 }).ecs.send(new DescribeServicesCommand(request)).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "ThrottlingException", message: "Rate exceeded", $metadata: { httpStatusCode: 400, attempts: 1 } });

    sim.faults.throttle({ service: "ecs", action: "DescribeServices", count: 2 });
    const ok = await clients(sim).ecs.send(new DescribeServicesCommand(request));
    expect(ok.$metadata.attempts).toBe(3);
    expect(sim.journal.calls({ action: "DescribeServices" }).map((c) => c.status)).toEqual([
      "ThrottlingException",
      "ThrottlingException",
      "ThrottlingException",
      "ok",
    ]);
  });

  it("uses each protocol's throttling code: `Throttling` for ELBv2 and for query-compatible CloudWatch", async () => {
    sim = await startAwsSim({ timeScale: 0, seed: "demo" });
    const noRetry = clients(sim, { maxAttempts: 1 });
    sim.faults.throttle({ service: "elbv2", count: 1 });
    await expect(noRetry.elb.send(new DescribeListenersCommand({ LoadBalancerArn: sim.seeded!.loadBalancerArn })))
      .rejects.toMatchObject({ name: "Throttling", Code: "Throttling", Type: "Sender" });
    sim.faults.throttle({ service: "cloudwatch", count: 1 });
    // Query-compatible JSON: the SDK takes the name from x-amzn-query-error, as it would from real CloudWatch.
    await expect(noRetry.cw.send(new DescribeAlarmsCommand({}))).rejects.toMatchObject({ name: "Throttling", Code: "Throttling" });

    const retrying = clients(sim);
    sim.faults.throttle({ service: "elbv2", count: 2 });
    sim.faults.throttle({ service: "cloudwatch", count: 2 });
    await expect(retrying.elb.send(new DescribeListenersCommand({ LoadBalancerArn: sim.seeded!.loadBalancerArn }))).resolves.toBeDefined();
    await expect(retrying.cw.send(new DescribeAlarmsCommand({}))).resolves.toBeDefined();
  });

  it("failNext injects one arbitrary error", async () => {
    sim = await startAwsSim({ timeScale: 0, seed: "demo" });
    sim.faults.failNext({ service: "ecs", action: "UpdateService", error: "AccessDeniedException", message: "User is not authorized to perform: ecs:UpdateService" });
    const update = new UpdateServiceCommand({ cluster: "prod-cluster", service: "myapp-service", desiredCount: 5 });
    await expect(clients(sim).ecs.send(update)).rejects.toMatchObject({ name: "AccessDeniedException", message: "User is not authorized to perform: ecs:UpdateService" });
    await expect(clients(sim).ecs.send(update)).resolves.toMatchObject({ service: { desiredCount: 5 } });
  });
});

describe("journal", () => {
  it("records every call with decoded params, the caller's access key and the outcome", async () => {
    sim = await startAwsSim({ timeScale: 0, seed: "demo" });
    const s = sim.seeded!;
    const before = sim.journal.mark();
    const { ecs, elb } = clients(sim, { accessKeyId: "AKIADELEGATE" });
    await ecs.send(new DescribeServicesCommand({ cluster: s.clusterName, services: [s.serviceName] }));
    await elb.send(new ModifyListenerCommand({
      ListenerArn: s.listenerArn,
      DefaultActions: [{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: s.blueTargetGroupArn, Weight: 90 }, { TargetGroupArn: s.greenTargetGroupArn, Weight: 10 }] } }],
    }));
    await elb.send(new ModifyListenerCommand({ ListenerArn: s.listenerArn, DefaultActions: [{ Type: "forward", TargetGroupArn: "arn:nope" }] })).catch(() => undefined);

    const calls = sim.journal.calls({ after: before });
    expect(calls.map((c) => `${c.service}.${c.action}:${c.status}`)).toEqual([
      "ecs.DescribeServices:ok",
      "elbv2.ModifyListener:ok",
      "elbv2.ModifyListener:TargetGroupNotFound",
    ]);
    expect(calls.every((c) => c.accessKeyId === "AKIADELEGATE")).toBe(true);
    expect(calls[0]).toMatchObject({ protocol: "awsJson1_1", params: { cluster: "prod-cluster", services: ["myapp-service"] } });
    expect(calls[1]!.params).toEqual({
      ListenerArn: s.listenerArn,
      DefaultActions: [{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: s.blueTargetGroupArn, Weight: "90" }, { TargetGroupArn: s.greenTargetGroupArn, Weight: "10" }] } }],
    });
    expect(sim.journal.mutating({ after: before }).map((c) => c.action)).toEqual(["ModifyListener", "ModifyListener"]);
    expect(sim.journal.calls({ service: "elbv2", status: "ok", after: before })).toHaveLength(1);
  });
});
