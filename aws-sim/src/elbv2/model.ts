/**
 * In-memory ELBv2 state. Actions are stored in the normalised form DescribeListeners/DescribeRules return.
 */

export interface TargetGroupTuple {
  TargetGroupArn: string;
  Weight: number;
}

export interface Action {
  Type: string;
  TargetGroupArn?: string;
  ForwardConfig?: {
    TargetGroups: TargetGroupTuple[];
    TargetGroupStickinessConfig: { Enabled: boolean; DurationSeconds?: number };
  };
  Order?: number;
  FixedResponseConfig?: Record<string, unknown>;
  RedirectConfig?: Record<string, unknown>;
}

export interface RuleCondition {
  Field: string;
  Values?: string[];
  PathPatternConfig?: { Values: string[] };
  HostHeaderConfig?: { Values: string[] };
  [key: string]: unknown;
}

export interface Rule {
  arn: string;
  listenerArn: string;
  priority: number | "default";
  conditions: RuleCondition[];
  actions: Action[];
}

export interface Listener {
  arn: string;
  loadBalancerArn: string;
  port: number;
  protocol: string;
  defaultActions: Action[];
  createdAt: number;
  rest: Record<string, unknown>;
}

export interface LoadBalancer {
  arn: string;
  name: string;
  /** CloudWatch dimension value: app/name/id. */
  dimension: string;
  dnsName: string;
  scheme: string;
  type: string;
  vpcId: string;
  createdAt: number;
  subnets: string[];
  securityGroups: string[];
}

export type TargetState = "initial" | "healthy" | "unhealthy" | "draining" | "unused" | "unavailable";

export interface Target {
  id: string;
  port: number;
  availabilityZone: string;
  state: TargetState;
  reason?: string;
  description?: string;
  registeredAt: number;
  /** When a draining target is removed. */
  drainUntil?: number;
  nextCheckAt: number;
  consecutiveOk: number;
  consecutiveFail: number;
}

export interface TargetGroup {
  arn: string;
  name: string;
  /** CloudWatch dimension value: targetgroup/name/id. */
  dimension: string;
  protocol: string;
  port: number;
  vpcId: string;
  targetType: string;
  healthCheck: {
    enabled: boolean;
    protocol: string;
    port: string;
    path: string;
    intervalSeconds: number;
    timeoutSeconds: number;
    healthyThreshold: number;
    unhealthyThreshold: number;
    matcher: string;
  };
  attributes: Map<string, string>;
  targets: Map<string, Target>;
  createdAt: number;
}

export interface ElbState {
  loadBalancers: Map<string, LoadBalancer>;
  listeners: Map<string, Listener>;
  rules: Map<string, Rule>;
  targetGroups: Map<string, TargetGroup>;
  tags: Map<string, Map<string, string>>;
}

export function createElbState(): ElbState {
  return { loadBalancers: new Map(), listeners: new Map(), rules: new Map(), targetGroups: new Map(), tags: new Map() };
}

export function targetKey(id: string, port: number): string {
  return `${id}:${port}`;
}

/** Target groups an action forwards to, with weights; a plain TargetGroupArn is weight 1 of 1. */
export function forwardWeights(actions: Action[]): TargetGroupTuple[] {
  const forward = actions.find((a) => a.Type === "forward");
  if (!forward) return [];
  if (forward.ForwardConfig) return forward.ForwardConfig.TargetGroups;
  return forward.TargetGroupArn ? [{ TargetGroupArn: forward.TargetGroupArn, Weight: 1 }] : [];
}
