/**
 * Forward weights between the blue and green target groups, on the listener's default action or on the configured
 * rule. Setting them is idempotent: when the live shares already match, no ModifyListener/ModifyRule is sent (a
 * repeat after a lost delegate changes nothing twice). After a change the weights are read back and compared.
 */
import { ModifyListenerCommand, ModifyRuleCommand, type Action } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { AwsClients } from "./clients";
import { PhaseFailure, shortArn } from "./errors";
import { readForward, type ForwardState, type LoadBalancerConfig } from "./inspect";

/** Target group ARN → weight. Weights are percentages here (they sum to 100 when anything forwards). */
export type Weights = Record<string, number>;

/** Shares in percent of each target group (weights may be any ALB weights, 0–999). */
export function shares(weights: Map<string, number> | Weights, arns: string[]): Record<string, number> {
  const map = weights instanceof Map ? weights : new Map(Object.entries(weights));
  const total = arns.reduce((n, a) => n + (map.get(a) ?? 0), 0);
  return Object.fromEntries(arns.map((a) => [a, total === 0 ? 0 : Math.round((100 * (map.get(a) ?? 0)) / total)]));
}

export function sameShares(a: Map<string, number> | Weights, b: Map<string, number> | Weights, arns: string[]): boolean {
  const x = shares(a, arns);
  const y = shares(b, arns);
  return arns.every((arn) => x[arn] === y[arn]);
}

export function describeWeights(weights: Map<string, number> | Weights, lb: LoadBalancerConfig, sides?: { blue: string; green: string }): string {
  const blue = sides?.blue ?? lb.blueTargetGroupArn;
  const green = sides?.green ?? lb.greenTargetGroupArn;
  const s = shares(weights, [blue, green]);
  return `${shortArn(blue)}=${s[blue]} ${shortArn(green)}=${s[green]}`;
}

export interface SetWeightsResult {
  changed: boolean;
  forward: ForwardState;
}

/**
 * Converges the forward action to `desired` (ARN → weight). Reads live state first unless `current` is given (then
 * it must be fresh from this phase's pre-checks).
 */
export async function setWeights(lb: LoadBalancerConfig, clients: AwsClients, desired: Weights, current?: ForwardState): Promise<SetWeightsResult> {
  const arns = Object.keys(desired);
  const before = current ?? (await readForward(lb, clients));
  if (sameShares(before.weights, desired, arns)) {
    return { changed: false, forward: before };
  }
  const existing = before.actions[before.forwardIndex]!;
  const forward: Action = {
    Type: "forward",
    ...(existing.Order !== undefined ? { Order: existing.Order } : {}),
    ForwardConfig: {
      TargetGroups: arns.map((arn) => ({ TargetGroupArn: arn, Weight: desired[arn]! })),
      ...(existing.ForwardConfig?.TargetGroupStickinessConfig ? { TargetGroupStickinessConfig: existing.ForwardConfig.TargetGroupStickinessConfig } : {}),
    },
  };
  const actions = before.actions.map((a, i) => (i === before.forwardIndex ? forward : a));
  const summary = `${shortArn(before.arn)} ${arns.map((a) => `${shortArn(a)}=${desired[a]}`).join(" ")}`;
  if (before.where === "rule") {
    await clients.call("elbv2", new ModifyRuleCommand({ RuleArn: before.arn, Actions: actions }), summary);
  } else {
    await clients.call("elbv2", new ModifyListenerCommand({ ListenerArn: before.arn, DefaultActions: actions }), summary);
  }
  const after = await readForward(lb, clients);
  if (!sameShares(after.weights, desired, arns)) {
    throw new PhaseFailure(
      `the weights did not apply: asked for ${arns.map((a) => `${shortArn(a)}=${desired[a]}`).join(" ")}, ${before.where} now forwards ${[...after.weights].map(([a, w]) => `${shortArn(a)}=${w}`).join(" ")}`,
    );
  }
  return { changed: true, forward: after };
}
