/**
 * Which load balancers use a target group. AWS derives a target group's `LoadBalancerArns` from the listener and
 * rule actions that forward to it (weight 0 included); health checks only run for target groups in use.
 */
import type { World } from "../world.js";
import { forwardWeights } from "./model.js";

export function loadBalancersOfTargetGroup(world: World, targetGroupArn: string): string[] {
  const out = new Set<string>();
  for (const listener of world.elb.listeners.values()) {
    const actionSets = [listener.defaultActions];
    for (const rule of world.elb.rules.values()) if (rule.listenerArn === listener.arn) actionSets.push(rule.actions);
    for (const actions of actionSets) {
      if (forwardWeights(actions).some((w) => w.TargetGroupArn === targetGroupArn)) out.add(listener.loadBalancerArn);
    }
  }
  return [...out];
}

export function isTargetGroupInUse(world: World, targetGroupArn: string): boolean {
  return loadBalancersOfTargetGroup(world, targetGroupArn).length > 0;
}
