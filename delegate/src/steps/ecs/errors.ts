/**
 * How a phase stops. A Refusal is a pre-check that failed before any mutating call (the message names the
 * problem); a PhaseFailure is the deployment itself failing (ECS rolled back, weights did not apply). Both become a
 * `failure` result; anything else unexpected does too, with its message.
 */
import { AwsCallError } from "./clients";

export class Refusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Refusal";
  }
}

export class PhaseFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PhaseFailure";
  }
}

export class Cancelled extends Error {
  constructor(message = "cancelled") {
    super(message);
    this.name = "Cancelled";
  }
}

export function messageOf(err: unknown): string {
  if (err instanceof Refusal) return `refused before any change: ${err.message}`;
  if (err instanceof AwsCallError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Short names for long ARNs in log lines and messages: …:targetgroup/myapp-tg-blue/abc → tg/myapp-tg-blue. */
export function shortArn(arn: string): string {
  const tg = /:targetgroup\/([^/]+)\//.exec(arn);
  if (tg) return `tg/${tg[1]}`;
  const rule = /:listener-rule\/app\/([^/]+)\/[^/]+\/[^/]+\/([^/]+)$/.exec(arn);
  if (rule) return `rule/${rule[1]}/${rule[2]!.slice(0, 8)}`;
  const listener = /:listener\/app\/([^/]+)\/[^/]+\/([^/]+)$/.exec(arn);
  if (listener) return `listener/${listener[1]}/${listener[2]!.slice(0, 8)}`;
  const td = /:task-definition\/(.+)$/.exec(arn);
  if (td) return td[1]!;
  const svc = /:service\/(?:[^/]+\/)?([^/]+)$/.exec(arn);
  if (svc) return svc[1]!;
  return arn;
}

/** CloudWatch dimension value of a target group: targetgroup/name/id. */
export function targetGroupDimension(arn: string): string {
  const m = /:(targetgroup\/[^/]+\/[^/]+)$/.exec(arn);
  return m ? m[1]! : arn;
}

/** CloudWatch `LoadBalancer` dimension (app/name/id) from a listener, listener-rule or load balancer ARN. */
export function loadBalancerDimension(arn: string): string | undefined {
  const m = /:(?:listener-rule|listener|loadbalancer)\/(app\/[^/]+\/[^/]+)/.exec(arn);
  return m ? m[1] : undefined;
}

/** The listener ARN a rule ARN belongs to. */
export function listenerOfRule(ruleArn: string): string | undefined {
  const m = /^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener-rule\/(app\/[^/]+\/[^/]+\/[^/]+)\/[^/]+$/.exec(ruleArn);
  return m ? `${m[1]}listener/${m[2]}` : undefined;
}
