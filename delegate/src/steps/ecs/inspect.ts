/**
 * Read-only pre-checks and live-state reads shared by every ECS phase. Nothing here mutates AWS: a phase calls these
 * first and refuses (Refusal, naming the problem) before its first mutating call when the account does not look
 * like the infrastructure record says — the listener forwards to a third target group, a configured target group or
 * the rule is missing, the cluster is gone, the service to update does not exist.
 */
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  type DescribeClustersCommandOutput,
  type DescribeServicesCommandOutput,
  type Service,
} from "@aws-sdk/client-ecs";
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type Action,
  type DescribeListenersCommandOutput,
  type DescribeRulesCommandOutput,
  type DescribeTargetGroupsCommandOutput,
  type DescribeTargetHealthCommandOutput,
  type TargetGroup,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { AwsEcsTarget } from "@slipway/pipeline-spec/protocol";
import { AwsCallError, type AwsClients } from "./clients";
import { listenerOfRule, Refusal, shortArn } from "./errors";

export type LoadBalancerConfig = NonNullable<AwsEcsTarget["loadBalancer"]>;

/** The forward action traffic goes through: the listener's default action, or the configured rule's. */
export interface ForwardState {
  where: "listener" | "rule";
  /** The listener or rule ARN that ModifyListener/ModifyRule changes. */
  arn: string;
  listenerArn: string;
  loadBalancerArn: string | undefined;
  /** Every action of the listener default / the rule, so a change keeps the others (authenticate, …) as they were. */
  actions: Action[];
  forwardIndex: number;
  /** Target group ARN → weight as configured (a plain TargetGroupArn counts as weight 1). */
  weights: Map<string, number>;
}

export async function checkCluster(aws: AwsEcsTarget, clients: AwsClients): Promise<void> {
  const out = await clients.call<DescribeClustersCommandOutput>("ecs", new DescribeClustersCommand({ clusters: [aws.cluster] }), aws.cluster);
  const cluster = out.clusters?.find((c) => c.clusterName === aws.cluster || c.clusterArn === aws.cluster);
  if (!cluster) throw new Refusal(`ECS cluster "${aws.cluster}" does not exist in ${aws.region}`);
  if (cluster.status !== "ACTIVE") throw new Refusal(`ECS cluster "${aws.cluster}" is ${cluster.status}, not ACTIVE`);
}

/** Services by name; a name that does not exist (or is INACTIVE, i.e. deleted) maps to undefined. */
export async function describeServices(aws: AwsEcsTarget, clients: AwsClients, names: string[]): Promise<Map<string, Service | undefined>> {
  const unique = [...new Set(names)];
  const out = await clients.call<DescribeServicesCommandOutput>(
    "ecs",
    new DescribeServicesCommand({ cluster: aws.cluster, services: unique, include: ["TAGS"] }),
    unique.join(","),
  );
  const map = new Map<string, Service | undefined>();
  for (const name of unique) {
    const s = out.services?.find((x) => x.serviceName === name);
    map.set(name, s && s.status !== "INACTIVE" ? s : undefined);
  }
  return map;
}

export async function describeService(aws: AwsEcsTarget, clients: AwsClients, name: string): Promise<Service | undefined> {
  return (await describeServices(aws, clients, [name])).get(name);
}

function isCode(err: unknown, prefix: string): boolean {
  return err instanceof AwsCallError && err.code.startsWith(prefix);
}

/** Reads the forward action and refuses when it is not a forward to (a subset of) our two target groups. */
export async function readForward(lb: LoadBalancerConfig, clients: AwsClients): Promise<ForwardState> {
  let listener;
  try {
    const out = await clients.call<DescribeListenersCommandOutput>(
      "elbv2",
      new DescribeListenersCommand({ ListenerArns: [lb.listenerArn] }),
      shortArn(lb.listenerArn),
      { quiet: ["ListenerNotFound", "ListenerNotFoundException"] },
    );
    listener = out.Listeners?.[0];
  } catch (err) {
    if (isCode(err, "ListenerNotFound")) throw new Refusal(`the listener ${lb.listenerArn} does not exist`);
    throw err;
  }
  if (!listener) throw new Refusal(`the listener ${lb.listenerArn} does not exist`);

  let where: ForwardState["where"] = "listener";
  let arn = lb.listenerArn;
  let actions: Action[] = listener.DefaultActions ?? [];
  if (lb.ruleArn) {
    const owner = listenerOfRule(lb.ruleArn);
    if (owner && owner !== lb.listenerArn) throw new Refusal(`the rule ${lb.ruleArn} belongs to another listener (${owner}), not ${lb.listenerArn}`);
    let rule;
    try {
      const out = await clients.call<DescribeRulesCommandOutput>(
        "elbv2",
        new DescribeRulesCommand({ RuleArns: [lb.ruleArn] }),
        shortArn(lb.ruleArn),
        { quiet: ["RuleNotFound", "RuleNotFoundException"] },
      );
      rule = out.Rules?.[0];
    } catch (err) {
      if (isCode(err, "RuleNotFound")) throw new Refusal(`the listener rule ${lb.ruleArn} does not exist`);
      throw err;
    }
    if (!rule) throw new Refusal(`the listener rule ${lb.ruleArn} does not exist`);
    where = "rule";
    arn = lb.ruleArn;
    actions = rule.Actions ?? [];
  }

  const forwardIndex = actions.findIndex((a) => a.Type === "forward");
  const label = where === "rule" ? `the listener rule ${shortArn(arn)}` : `the listener ${shortArn(arn)}`;
  if (forwardIndex < 0) {
    throw new Refusal(`${label} does not forward to a target group (its action is ${actions.map((a) => a.Type).join(", ") || "empty"}); configure a forward action to the blue target group`);
  }
  const forward = actions[forwardIndex]!;
  const weights = new Map<string, number>();
  const tuples = forward.ForwardConfig?.TargetGroups ?? [];
  if (tuples.length > 0) for (const t of tuples) weights.set(t.TargetGroupArn ?? "", t.Weight ?? 1);
  else if (forward.TargetGroupArn) weights.set(forward.TargetGroupArn, 1);
  const ours = new Set([lb.blueTargetGroupArn, lb.greenTargetGroupArn]);
  const strangers = [...weights.keys()].filter((tg) => !ours.has(tg));
  if (strangers.length > 0) {
    throw new Refusal(
      `${label} forwards to a third target group ${strangers.map((s) => `${shortArn(s)} (${s}, weight ${weights.get(s)})`).join(", ")} besides the blue and green ones of the infrastructure; a weighted shift would drop it. Remove it from the forward action or fix the infrastructure's target groups`,
    );
  }
  return { where, arn, listenerArn: lb.listenerArn, loadBalancerArn: listener.LoadBalancerArn, actions, forwardIndex, weights };
}

/** Both configured target groups exist (naming the missing one) and, when asked, belong to the listener's load balancer. */
export async function checkTargetGroups(lb: LoadBalancerConfig, clients: AwsClients, forward: ForwardState, opts: { greenMustBeAttached: boolean }): Promise<{ blue: TargetGroup; green: TargetGroup }> {
  const describe = (arns: string[]) =>
    clients.call<DescribeTargetGroupsCommandOutput>("elbv2", new DescribeTargetGroupsCommand({ TargetGroupArns: arns }), arns.map(shortArn).join(","), {
      quiet: ["TargetGroupNotFound", "TargetGroupNotFoundException"],
    });
  let groups: TargetGroup[];
  try {
    groups = (await describe([lb.blueTargetGroupArn, lb.greenTargetGroupArn])).TargetGroups ?? [];
  } catch (err) {
    if (!isCode(err, "TargetGroupNotFound")) throw err;
    // Which one? Ask for each so the refusal names it.
    const missing: string[] = [];
    for (const [role, arn] of [["blue (stable)", lb.blueTargetGroupArn], ["green (stage)", lb.greenTargetGroupArn]] as const) {
      try {
        await describe([arn]);
      } catch (e) {
        if (isCode(e, "TargetGroupNotFound")) missing.push(`the ${role} target group ${arn}`);
        else throw e;
      }
    }
    throw new Refusal(`${missing.join(" and ") || "a configured target group"} does not exist`);
  }
  const blue = groups.find((g) => g.TargetGroupArn === lb.blueTargetGroupArn);
  const green = groups.find((g) => g.TargetGroupArn === lb.greenTargetGroupArn);
  if (!blue) throw new Refusal(`the blue (stable) target group ${lb.blueTargetGroupArn} does not exist`);
  if (!green) throw new Refusal(`the green (stage) target group ${lb.greenTargetGroupArn} does not exist`);
  if (opts.greenMustBeAttached && forward.loadBalancerArn) {
    for (const [role, tg] of [["blue", blue], ["green", green]] as const) {
      if (!(tg.LoadBalancerArns ?? []).includes(forward.loadBalancerArn)) {
        throw new Refusal(
          `the ${role} target group ${shortArn(tg.TargetGroupArn ?? "")} is not attached to the listener's load balancer (ECS refuses a target group no listener forwards to); add it to ${forward.where === "rule" ? "the rule's" : "the listener's"} forward action with weight 0`,
        );
      }
    }
  }
  return { blue, green };
}

export async function healthyTargets(clients: AwsClients, tgArn: string): Promise<{ healthy: number; total: number }> {
  const out = await clients.call<DescribeTargetHealthCommandOutput>("elbv2", new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }), shortArn(tgArn));
  const all = out.TargetHealthDescriptions ?? [];
  return { healthy: all.filter((t) => t.TargetHealth?.State === "healthy").length, total: all.length };
}

/** Percent of traffic to `green` under these weights; null when neither side has weight (nothing forwards). */
export function greenPercent(weights: Map<string, number>, blueArn: string, greenArn: string): number | null {
  const b = weights.get(blueArn) ?? 0;
  const g = weights.get(greenArn) ?? 0;
  if (b + g === 0) return null;
  return Math.round((100 * g) / (b + g));
}

/** The service name used on each target group: the infrastructure's name on blue, `<name>-green` on green. */
export function serviceNameFor(aws: AwsEcsTarget, tgArn: string): string {
  const lb = aws.loadBalancer;
  return lb && tgArn === lb.greenTargetGroupArn ? `${aws.serviceName}-green` : aws.serviceName;
}

/** The side carrying traffic: the target group with the larger weight (blue on a tie of 0/0). */
export function liveSide(lb: LoadBalancerConfig, weights: Map<string, number>): { live: string; idle: string; split: boolean } {
  const b = weights.get(lb.blueTargetGroupArn) ?? 0;
  const g = weights.get(lb.greenTargetGroupArn) ?? 0;
  const live = g > b ? lb.greenTargetGroupArn : lb.blueTargetGroupArn;
  const idle = live === lb.blueTargetGroupArn ? lb.greenTargetGroupArn : lb.blueTargetGroupArn;
  return { live, idle, split: b > 0 && g > 0 };
}
