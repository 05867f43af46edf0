/**
 * Validating and normalising listener/rule actions the way ELBv2 does. The stored form is what Describe* returns:
 * a forward action always carries `ForwardConfig.TargetGroups` (a plain TargetGroupArn becomes weight 1) and
 * keeps `TargetGroupArn` only when exactly one target group is involved.
 */
import { AwsError } from "../errors.js";
import { bool, list, num, obj, str, type Params } from "../input.js";
import type { World } from "../world.js";
import { loadBalancersOfTargetGroup } from "./associations.js";
import type { Action, RuleCondition, TargetGroupTuple } from "./model.js";

const ACTION_TYPES = ["forward", "authenticate-oidc", "authenticate-cognito", "redirect", "fixed-response", "jwt-validation"];
const MAX_WEIGHT = 999;
const MAX_TARGET_GROUPS = 5;

/** ELBv2 reports constraint violations Coral-style, naming the member path in camelCase with 1-based indexes. */
function constraint(value: unknown, path: string, rule: string): AwsError {
  return new AwsError("ValidationError", `1 validation error detected: Value '${value}' at '${path}' failed to satisfy constraint: ${rule}`);
}

export function normalizeActions(world: World, input: unknown, member: "defaultActions" | "actions", loadBalancerArn: string): Action[] {
  const actions = list(input).map((a) => obj(a));
  if (actions.length === 0) throw constraint("[]", member, "Member must have length greater than or equal to 1");
  return actions.map((a, i) => normalizeAction(world, a, `${member}.${i + 1}.member`, loadBalancerArn));
}

function normalizeAction(world: World, a: Params, path: string, loadBalancerArn: string): Action {
  const type = str(a.Type);
  if (!type || !ACTION_TYPES.includes(type)) {
    throw constraint(type ?? "null", `${path}.type`, `Member must satisfy enum value set: [${ACTION_TYPES.join(", ")}]`);
  }
  const order = num(a.Order);
  if (type === "fixed-response") return { Type: type, FixedResponseConfig: obj(a.FixedResponseConfig), ...(order ? { Order: order } : {}) };
  if (type === "redirect") return { Type: type, RedirectConfig: obj(a.RedirectConfig), ...(order ? { Order: order } : {}) };
  if (type !== "forward") {
    throw new AwsError("InvalidLoadBalancerAction", `aws-sim does not simulate '${type}' actions`);
  }
  const tuples = forwardTuples(a, path);
  for (const t of tuples) checkTargetGroup(world, t.TargetGroupArn, loadBalancerArn);
  const stickiness = obj(obj(a.ForwardConfig).TargetGroupStickinessConfig);
  const duration = num(stickiness.DurationSeconds);
  return {
    Type: "forward",
    ...(tuples.length === 1 ? { TargetGroupArn: tuples[0]!.TargetGroupArn } : {}),
    ForwardConfig: {
      TargetGroups: tuples,
      TargetGroupStickinessConfig: { Enabled: bool(stickiness.Enabled) ?? false, ...(duration ? { DurationSeconds: duration } : {}) },
    },
    ...(order ? { Order: order } : {}),
  };
}

function forwardTuples(a: Params, path: string): TargetGroupTuple[] {
  const plain = str(a.TargetGroupArn);
  const config = a.ForwardConfig === undefined ? undefined : obj(a.ForwardConfig);
  if (!config) {
    if (!plain) throw new AwsError("ValidationError", "A target group ARN must be specified for a forward action");
    return [{ TargetGroupArn: plain, Weight: 1 }];
  }
  const groups = list(config.TargetGroups).map((g) => obj(g));
  if (groups.length === 0) {
    throw constraint("[]", `${path}.forwardConfig.targetGroups`, "Member must have length greater than or equal to 1");
  }
  if (groups.length > MAX_TARGET_GROUPS) {
    throw constraint(`[${groups.map((g) => str(g.TargetGroupArn)).join(", ")}]`, `${path}.forwardConfig.targetGroups`,
      `Member must have length less than or equal to ${MAX_TARGET_GROUPS}`);
  }
  const tuples = groups.map((g, i) => {
    const arn = str(g.TargetGroupArn);
    if (!arn) throw new AwsError("ValidationError", "A target group ARN must be specified in a forward config");
    const weight = num(g.Weight) ?? 1;
    const at = `${path}.forwardConfig.targetGroups.${i + 1}.member.weight`;
    if (!Number.isInteger(weight)) throw constraint(g.Weight, at, "Member must be an integer");
    if (weight < 0) throw constraint(weight, at, "Member must have value greater than or equal to 0");
    if (weight > MAX_WEIGHT) throw constraint(weight, at, `Member must have value less than or equal to ${MAX_WEIGHT}`);
    return { TargetGroupArn: arn, Weight: weight };
  });
  if (new Set(tuples.map((t) => t.TargetGroupArn)).size !== tuples.length) {
    throw new AwsError("InvalidLoadBalancerAction", "A target group ARN can be specified only once in a forward config");
  }
  // Both forms at once are accepted only when they name the same single target group.
  if (plain && (tuples.length !== 1 || tuples[0]!.TargetGroupArn !== plain)) {
    throw new AwsError(
      "InvalidLoadBalancerAction",
      "You cannot specify both a target group ARN and a forward config with a different set of target groups",
    );
  }
  return tuples;
}

function checkTargetGroup(world: World, arn: string, loadBalancerArn: string): void {
  if (!world.elb.targetGroups.has(arn)) throw new AwsError("TargetGroupNotFound", "One or more target groups not found");
  const others = loadBalancersOfTargetGroup(world, arn).filter((lb) => lb !== loadBalancerArn);
  if (others.length > 0) {
    throw new AwsError(
      "TargetGroupAssociationLimit",
      `The following target groups cannot be associated with more than one load balancer: ${arn}`,
    );
  }
}

const CONDITION_FIELDS: Record<string, string> = {
  "path-pattern": "PathPatternConfig",
  "host-header": "HostHeaderConfig",
  "http-header": "HttpHeaderConfig",
  "http-request-method": "HttpRequestMethodConfig",
  "query-string": "QueryStringConfig",
  "source-ip": "SourceIpConfig",
};

export function normalizeConditions(input: unknown): RuleCondition[] {
  return list(input).map((c, i) => {
    const cond = obj(c);
    const field = str(cond.Field);
    if (!field || !(field in CONDITION_FIELDS)) {
      throw constraint(field ?? "null", `conditions.${i + 1}.member.field`, "Member must satisfy enum value set");
    }
    const configKey = CONDITION_FIELDS[field]!;
    const config = obj(cond[configKey]);
    const values = list(config.Values ?? cond.Values).map(String);
    const out: RuleCondition = { ...cond, Field: field };
    if (field === "path-pattern" || field === "host-header") {
      out.Values = values;
      out[configKey] = { Values: values };
    }
    return out;
  });
}

/** ALB wildcard match: `*` any run of characters, `?` exactly one; case-sensitive for paths. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`, caseInsensitive ? "i" : "").test(value);
}
