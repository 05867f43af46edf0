/**
 * Listener rules: DescribeRules, CreateRule, ModifyRule, DeleteRule. Every listener has a default rule whose
 * actions are the listener's default actions; it is stored once, on the listener.
 */
import { AwsError } from "../errors.js";
import { num, str, strList, type Params } from "../input.js";
import type { World } from "../world.js";
import { normalizeActions, normalizeConditions } from "./actions.js";
import { requireListener } from "./load-balancers.js";
import type { Rule } from "./model.js";

export function renderRule(world: World, rule: Rule): Record<string, unknown> {
  const isDefault = rule.priority === "default";
  return {
    RuleArn: rule.arn,
    Priority: String(rule.priority),
    Conditions: rule.conditions,
    Actions: isDefault ? (world.elb.listeners.get(rule.listenerArn)?.defaultActions ?? []) : rule.actions,
    IsDefault: isDefault,
  };
}

function requireRule(world: World, arn: string | undefined): Rule {
  const rule = arn ? world.elb.rules.get(arn) : undefined;
  if (!rule) throw new AwsError("RuleNotFound", "One or more rules not found");
  return rule;
}

/** Rules of a listener in evaluation order: by priority, default last. */
export function rulesOf(world: World, listenerArn: string): Rule[] {
  return [...world.elb.rules.values()]
    .filter((r) => r.listenerArn === listenerArn)
    .sort((a, b) => (a.priority === "default" ? 1 : b.priority === "default" ? -1 : a.priority - b.priority));
}

export function createRule(world: World, p: Params): Rule {
  const listener = requireListener(world, str(p.ListenerArn));
  const priority = num(p.Priority);
  if (priority === undefined || priority < 1 || priority > 50000) {
    throw new AwsError("ValidationError", `1 validation error detected: Value '${p.Priority}' at 'priority' failed to satisfy constraint: Member must have value between 1 and 50000`);
  }
  if (rulesOf(world, listener.arn).some((r) => r.priority === priority)) {
    throw new AwsError("PriorityInUse", `Priority '${priority}' is currently in use`);
  }
  const conditions = normalizeConditions(p.Conditions);
  if (conditions.length === 0) throw new AwsError("ValidationError", "A rule must have at least one condition");
  const rule: Rule = {
    arn: world.ids.ruleArn(listener.arn),
    listenerArn: listener.arn,
    priority,
    conditions,
    actions: normalizeActions(world, p.Actions, "actions", listener.loadBalancerArn),
  };
  world.elb.rules.set(rule.arn, rule);
  return rule;
}

function describeRules(world: World, p: Params) {
  const listenerArn = str(p.ListenerArn);
  const arns = strList(p.RuleArns);
  if (!listenerArn && arns.length === 0) throw new AwsError("ValidationError", "You must specify either listener ARN or rule ARNs");
  const rules = arns.length > 0 ? arns.map((a) => requireRule(world, a)) : rulesOf(world, requireListener(world, listenerArn).arn);
  return { Rules: rules.map((r) => renderRule(world, r)) };
}

function modifyRule(world: World, p: Params) {
  const rule = requireRule(world, str(p.RuleArn));
  const listener = requireListener(world, rule.listenerArn);
  const isDefault = rule.priority === "default";
  if (isDefault && p.Conditions !== undefined) {
    throw new AwsError("OperationNotPermitted", "Conditions cannot be specified for the default rule");
  }
  const conditions = p.Conditions !== undefined ? normalizeConditions(p.Conditions) : rule.conditions;
  const actions = p.Actions !== undefined ? normalizeActions(world, p.Actions, "actions", listener.loadBalancerArn) : undefined;
  rule.conditions = conditions;
  if (actions) {
    if (isDefault) listener.defaultActions = actions;
    else rule.actions = actions;
  }
  return { Rules: [renderRule(world, rule)] };
}

function deleteRule(world: World, p: Params) {
  const rule = requireRule(world, str(p.RuleArn));
  if (rule.priority === "default") throw new AwsError("OperationNotPermitted", "Default rule cannot be deleted");
  world.elb.rules.delete(rule.arn);
  return {};
}

export const ruleHandlers = {
  DescribeRules: describeRules,
  CreateRule: (world: World, p: Params) => ({ Rules: [renderRule(world, createRule(world, p))] }),
  ModifyRule: modifyRule,
  DeleteRule: deleteRule,
};
