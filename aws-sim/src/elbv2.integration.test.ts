import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  RegisterTargetsCommand,
  DeregisterTargetsCommand,
  type ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { CreateServiceCommand, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { afterEach, describe, expect, it } from "vitest";
import { startAwsSim, type AwsSim } from "./index.js";
import { clients, taskDefinitionInput } from "./test-helpers.js";

let sim: AwsSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function weighted(blue: string, green: string, blueWeight: number, greenWeight: number) {
  return [{
    Type: "forward" as const,
    ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: blueWeight }, { TargetGroupArn: green, Weight: greenWeight }] },
  }];
}

/** Seeds, then starts a green service on the green target group so both colours have healthy targets. */
async function blueAndGreen(options: { rule?: boolean } = {}) {
  sim = await startAwsSim({ timeScale: 0, seed: { rule: options.rule } });
  const { ecs, elb } = clients(sim);
  const s = sim.seeded!;
  const td = await ecs.send(new RegisterTaskDefinitionCommand(taskDefinitionInput("123456789012.dkr.ecr.us-east-1.amazonaws.com/myapp:v2.0.0")));
  await ecs.send(new CreateServiceCommand({
    cluster: s.clusterName,
    serviceName: "myapp-green",
    taskDefinition: td.taskDefinition!.taskDefinitionArn,
    desiredCount: 2,
    launchType: "FARGATE",
    networkConfiguration: { awsvpcConfiguration: { subnets: s.subnets, securityGroups: s.securityGroups } },
    loadBalancers: [{ targetGroupArn: s.greenTargetGroupArn, containerName: s.containerName, containerPort: s.containerPort }],
  }));
  sim.advance(60_000);
  const green = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: s.greenTargetGroupArn }));
  expect(green.TargetHealthDescriptions!.map((t) => t.TargetHealth?.State)).toEqual(["healthy", "healthy"]);
  return { sim, elb, s };
}

async function expectRejected(elb: ElasticLoadBalancingV2Client, listenerArn: string, actions: unknown, name: string, message?: RegExp) {
  const err = await elb.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: actions as never })).catch((e: unknown) => e);
  expect(err).toMatchObject({ name, $metadata: { httpStatusCode: 400 } });
  if (message) expect((err as Error).message).toMatch(message);
}

describe("weighted forwarding", () => {
  it("ModifyListener weights show in DescribeListeners and traffic follows them exactly", async () => {
    const { sim, elb, s } = await blueAndGreen();
    const mark = sim.clock.now();
    sim.advance(10_000);
    expect(sim.traffic.maxShare({ targetGroupArn: s.greenTargetGroupArn }, { since: mark })).toBe(0);

    await elb.send(new ModifyListenerCommand({ ListenerArn: s.listenerArn, DefaultActions: weighted(s.blueTargetGroupArn, s.greenTargetGroupArn, 90, 10) }));
    const described = await elb.send(new DescribeListenersCommand({ ListenerArns: [s.listenerArn] }));
    expect(described.Listeners![0]!.DefaultActions![0]!.ForwardConfig!.TargetGroups).toEqual([
      { TargetGroupArn: s.blueTargetGroupArn, Weight: 90 },
      { TargetGroupArn: s.greenTargetGroupArn, Weight: 10 },
    ]);
    const at10 = sim.clock.now();
    sim.advance(30_000);
    const window = { since: at10 };
    expect(sim.traffic.maxShare({ targetGroupArn: s.greenTargetGroupArn }, window)).toBe(0.1);
    expect(sim.traffic.maxShare({ image: "myapp:v2.0.0" }, window)).toBe(0.1);
    const history = sim.traffic.history(window);
    expect(history).toHaveLength(30);
    expect(history[0]!.weights).toEqual({ [s.blueTargetGroupArn]: 90, [s.greenTargetGroupArn]: 10 });
    expect(history.every((h) => h.requestsByTargetGroup[s.greenTargetGroupArn] === 10)).toBe(true);

    // The plain TargetGroupArn form is a 100 % switch and is described back with its implied weight of 1.
    await elb.send(new ModifyListenerCommand({ ListenerArn: s.listenerArn, DefaultActions: [{ Type: "forward", TargetGroupArn: s.greenTargetGroupArn }] }));
    const switched = await elb.send(new DescribeListenersCommand({ ListenerArns: [s.listenerArn] }));
    expect(switched.Listeners![0]!.DefaultActions![0]).toMatchObject({
      TargetGroupArn: s.greenTargetGroupArn,
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: s.greenTargetGroupArn, Weight: 1 }] },
    });
    const at100 = sim.clock.now();
    sim.advance(5_000);
    expect(sim.traffic.totals({ since: at100 }).byImage).toEqual({ "123456789012.dkr.ecr.us-east-1.amazonaws.com/myapp:v2.0.0": { requests: 500, http5xx: 0 } });
  });

  it("ModifyRule weights route traffic that matches the rule", async () => {
    const { sim, elb, s } = await blueAndGreen({ rule: true });
    const rules = await elb.send(new DescribeRulesCommand({ ListenerArn: s.listenerArn }));
    expect(rules.Rules!.map((r) => r.Priority)).toEqual(["10", "default"]);
    await elb.send(new ModifyRuleCommand({ RuleArn: s.ruleArn!, Actions: weighted(s.blueTargetGroupArn, s.greenTargetGroupArn, 50, 50) }));
    const mark = sim.clock.now();
    sim.advance(20_000);
    expect(sim.traffic.maxShare({ targetGroupArn: s.greenTargetGroupArn }, { since: mark })).toBe(0.5);
    const after = await elb.send(new DescribeRulesCommand({ RuleArns: [s.ruleArn!] }));
    expect(after.Rules![0]!.Actions![0]!.ForwardConfig!.TargetGroups!.map((t) => t.Weight)).toEqual([50, 50]);
  });

  it("rejects invalid forward actions with ELBv2's error codes and leaves the listener unchanged", async () => {
    sim = await startAwsSim({ timeScale: 0, seed: "demo" });
    const { elb } = clients(sim);
    const s = sim.seeded!;
    const before = await elb.send(new DescribeListenersCommand({ ListenerArns: [s.listenerArn] }));

    await expectRejected(elb, s.listenerArn, weighted(s.blueTargetGroupArn, s.greenTargetGroupArn, 1000, 0), "ValidationError",
      /Value '1000' at 'defaultActions.1.member.forwardConfig.targetGroups.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 999/);
    await expectRejected(elb, s.listenerArn, weighted(s.blueTargetGroupArn, s.greenTargetGroupArn, -1, 0), "ValidationError");

    const six = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      elb.send(new CreateTargetGroupCommand({ Name: `extra-${i}`, Protocol: "HTTP", Port: 8080, VpcId: "vpc-1", TargetType: "ip" }))));
    await expectRejected(elb, s.listenerArn, [{
      Type: "forward",
      ForwardConfig: { TargetGroups: six.map((t) => ({ TargetGroupArn: t.TargetGroups![0]!.TargetGroupArn!, Weight: 1 })) },
    }], "ValidationError", /Member must have length less than or equal to 5/);

    const unknown = s.blueTargetGroupArn.replace(/[0-9a-f]{16}$/, "0000000000000000");
    await expectRejected(elb, s.listenerArn, weighted(s.blueTargetGroupArn, unknown, 50, 50), "TargetGroupNotFoundException", /One or more target groups not found/);
    await expectRejected(elb, s.listenerArn, [{
      Type: "forward",
      TargetGroupArn: s.blueTargetGroupArn,
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: s.greenTargetGroupArn, Weight: 1 }] },
    }], "InvalidLoadBalancerActionException");
    await expectRejected(elb, s.listenerArn, weighted(s.blueTargetGroupArn, s.blueTargetGroupArn, 1, 1), "InvalidLoadBalancerActionException");

    const after = await elb.send(new DescribeListenersCommand({ ListenerArns: [s.listenerArn] }));
    expect(after.Listeners).toEqual(before.Listeners);
  });
});

describe("target groups", () => {
  it("tracks target health from initial to healthy, draining and gone", async () => {
    sim = await startAwsSim({ timeScale: 0, seed: "demo" });
    const { elb } = clients(sim);
    const tg = sim.seeded!.greenTargetGroupArn;
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: "10.0.9.9", Port: 8080 }] }));
    const state = async () => (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg, Targets: [{ Id: "10.0.9.9", Port: 8080 }] })))
      .TargetHealthDescriptions![0]!.TargetHealth!;
    expect(await state()).toMatchObject({ State: "initial", Reason: "Elb.RegistrationInProgress" });
    sim.advance(20_000);
    expect((await state()).State).toBe("healthy");
    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: "10.0.9.9", Port: 8080 }] }));
    expect(await state()).toMatchObject({ State: "draining", Reason: "Target.DeregistrationInProgress" });
    sim.advance(31_000);
    expect(await state()).toMatchObject({ State: "unused", Reason: "Target.NotRegistered" });
  });

  it("refuses to delete a target group a listener forwards to", async () => {
    sim = await startAwsSim({ timeScale: 0, seed: "demo" });
    const { elb } = clients(sim);
    const s = sim.seeded!;
    await expect(elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: s.greenTargetGroupArn }))).rejects.toMatchObject({ name: "ResourceInUseException" });
    const described = await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: s.loadBalancerArn }));
    expect(described.TargetGroups!.map((t) => t.TargetGroupName).sort()).toEqual(["myapp-tg-blue", "myapp-tg-green"]);
    expect(described.TargetGroups![0]!.LoadBalancerArns).toEqual([s.loadBalancerArn]);
  });
});
