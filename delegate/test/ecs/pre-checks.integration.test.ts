/**
 * Refusals before any mutating AWS call: a listener forwarding to a third target group, a missing target group,
 * a missing rule, a task definition without the load balancer's container, a split listener for a new green
 * deployment, traffic to a side without healthy targets, and bad credentials JSON.
 */
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client, ModifyListenerCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { AwsSim } from "@slipway/aws-sim";
import { afterEach, describe, expect, it } from "vitest";
import { createEcsExecutors } from "../../src/steps/ecs";
import { awsTarget, deployWork, expectOutcome, simClock, startSim, taskDefinition, testContext, V2 } from "./helpers";

let sim: AwsSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function testElb(s: AwsSim) {
  return new ElasticLoadBalancingV2Client({ endpoint: s.endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIATEST", secretAccessKey: "x" } });
}

async function addThirdTargetGroup(s: AwsSim): Promise<string> {
  const elb = testElb(s);
  const tg = await elb.send(new CreateTargetGroupCommand({ Name: "legacy-tg", Protocol: "HTTP", Port: 8080, VpcId: s.state.elb.loadBalancers.get(s.seeded!.loadBalancerArn)!.vpcId, TargetType: "ip" }));
  const arn = tg.TargetGroups![0]!.TargetGroupArn!;
  await elb.send(
    new ModifyListenerCommand({
      ListenerArn: s.seeded!.listenerArn,
      DefaultActions: [
        {
          Type: "forward",
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: s.seeded!.blueTargetGroupArn, Weight: 90 },
              { TargetGroupArn: s.seeded!.greenTargetGroupArn, Weight: 0 },
              { TargetGroupArn: arn, Weight: 10 },
            ],
          },
        },
      ],
    }),
  );
  elb.destroy();
  return arn;
}

describe("pre-checks refuse before any mutating call", () => {
  it("a listener that forwards to a third target group (deploy and traffic shift)", async () => {
    sim = await startSim();
    const third = await addThirdTargetGroup(sim);
    const mark = sim.journal.mark();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    for (const mode of ["green", "rolling"] as const) {
      const ctx = testContext();
      const result = await ecs.ecsDeploy.run(deployWork(sim, mode), ctx);
      expectOutcome(result, ctx, "failure");
      expect(result.message).toContain("refused before any change");
      expect(result.message).toContain("forwards to a third target group tg/legacy-tg");
      expect(result.message).toContain(third);
    }
    const ctx = testContext();
    const shifted = await ecs.ecsTrafficShift.run({ kind: "ecsTrafficShift", aws: awsTarget(sim), greenWeight: 10 }, ctx);
    expectOutcome(shifted, ctx, "failure");
    expect(shifted.message).toContain("third target group");
    expect(sim.journal.mutating({ after: mark })).toEqual([]);
  });

  it("a configured target group that does not exist, named in the message", async () => {
    sim = await startSim();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const missing = sim.seeded!.greenTargetGroupArn.replace(/myapp-tg-green\/[0-9a-f]+$/, "myapp-tg-gren/0123456789abcdef");
    const work = deployWork(sim, "green");
    work.aws = { ...work.aws, loadBalancer: { ...work.aws.loadBalancer!, greenTargetGroupArn: missing } };
    const ctx = testContext();
    const result = await ecs.ecsDeploy.run(work, ctx);
    expectOutcome(result, ctx, "failure");
    // The listener forwards to the real green target group, which the record no longer names: refused for that first.
    expect(result.message).toMatch(/refused before any change: .*(third target group tg\/myapp-tg-green|green \(stage\) target group .*myapp-tg-gren.* does not exist)/);
    expect(sim.journal.mutating()).toEqual([]);

    // With the listener agreeing with the record, the missing target group itself is what is named.
    const work2 = deployWork(sim, "green");
    work2.aws = { ...work2.aws, loadBalancer: { ...work2.aws.loadBalancer!, blueTargetGroupArn: sim.seeded!.blueTargetGroupArn, greenTargetGroupArn: missing } };
    const elb = testElb(sim);
    await elb.send(new ModifyListenerCommand({ ListenerArn: sim.seeded!.listenerArn, DefaultActions: [{ Type: "forward", TargetGroupArn: sim.seeded!.blueTargetGroupArn }] }));
    elb.destroy();
    const mark = sim.journal.mark();
    const ctx2 = testContext();
    const result2 = await ecs.ecsDeploy.run(work2, ctx2);
    expectOutcome(result2, ctx2, "failure");
    expect(result2.message).toBe(`refused before any change: the green (stage) target group ${missing} does not exist`);
    expect(sim.journal.mutating({ after: mark })).toEqual([]);
  });

  it("a rule that does not exist", async () => {
    sim = await startSim({ rule: true });
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const work = deployWork(sim, "green");
    const badRule = sim.seeded!.ruleArn!.replace(/[0-9a-f]{16}$/, "0000000000000000");
    work.aws = { ...work.aws, loadBalancer: { ...work.aws.loadBalancer!, ruleArn: badRule } };
    const ctx = testContext();
    const result = await ecs.ecsDeploy.run(work, ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.message).toBe(`refused before any change: the listener rule ${badRule} does not exist`);
    expect(sim.journal.mutating()).toEqual([]);
  });

  it("a task definition without the load balancer's container or port, before anything is registered", async () => {
    sim = await startSim();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const work = deployWork(sim, "green", V2, { taskDefinition: taskDefinition(V2, { containerDefinitions: [{ name: "web", image: V2, portMappings: [{ containerPort: 80 }] }] }) });
    const ctx = testContext();
    const result = await ecs.ecsDeploy.run(work, ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.message).toBe('refused before any change: the task definition has no container "myapp-container" (the load balancer\'s container); it has "web"');
    expect(sim.journal.calls()).toEqual([]);
  });

  it("a green deployment while the listener splits traffic (an unfinished deployment)", async () => {
    sim = await startSim();
    const elb = testElb(sim);
    const s = sim.seeded!;
    await elb.send(
      new ModifyListenerCommand({
        ListenerArn: s.listenerArn,
        DefaultActions: [{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: s.blueTargetGroupArn, Weight: 50 }, { TargetGroupArn: s.greenTargetGroupArn, Weight: 50 }] } }],
      }),
    );
    elb.destroy();
    const mark = sim.journal.mark();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const ctx = testContext();
    const result = await ecs.ecsDeploy.run(deployWork(sim, "green"), ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.message).toMatch(/splits traffic 50\/50 .* an earlier deployment is unfinished/);
    expect(sim.journal.mutating({ after: mark })).toEqual([]);
  });

  it("shifting traffic to a green side that has no healthy targets", async () => {
    sim = await startSim();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const ctx = testContext();
    const result = await ecs.ecsTrafficShift.run({ kind: "ecsTrafficShift", aws: awsTarget(sim), greenWeight: 10 }, ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.message).toMatch(/refused before any change: the green target group tg\/myapp-tg-green has no healthy targets \(0 registered\)/);
    expect(sim.journal.mutating()).toEqual([]);
  });

  it("credentials that are not JSON: refused without echoing the secret", async () => {
    sim = await startSim();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const work = deployWork(sim, "rolling");
    work.aws = { ...work.aws, credentials: "AKIA-not-json-s3cr3t" };
    const ctx = testContext();
    const result = await ecs.ecsDeploy.run(work, ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.message).toMatch(/credentials secret is not valid JSON/);
    expect(result.message).not.toContain("s3cr3t");
    expect(sim.journal.calls()).toEqual([]);
  });

  it("rolling onto a cluster that does not exist", async () => {
    sim = await startSim();
    const ecs = createEcsExecutors({ clock: simClock(sim) });
    const work = deployWork(sim, "rolling");
    work.aws = { ...work.aws, cluster: "staging-cluster" };
    const ctx = testContext();
    const result = await ecs.ecsDeploy.run(work, ctx);
    expectOutcome(result, ctx, "failure");
    expect(result.message).toMatch(/refused before any change: ECS cluster "staging-cluster" does not exist/);
    expect(sim.journal.mutating()).toEqual([]);
  });
});
