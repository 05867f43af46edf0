/**
 * ARN and id shapes, copied from what AWS returns, so code that parses ARNs (e.g. the CloudWatch dimension value
 * `app/name/id` taken from a load balancer ARN) behaves the same against the sim as against AWS.
 */
import type { Rng } from "./rng.js";

export const ACCOUNT_ID = "123456789012";

export class Ids {
  constructor(
    readonly region: string,
    private readonly rng: Rng,
  ) {}

  requestId(): string {
    const h = this.rng.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // ECS
  clusterArn(name: string): string {
    return `arn:aws:ecs:${this.region}:${ACCOUNT_ID}:cluster/${name}`;
  }
  taskDefinitionArn(family: string, revision: number): string {
    return `arn:aws:ecs:${this.region}:${ACCOUNT_ID}:task-definition/${family}:${revision}`;
  }
  serviceArn(cluster: string, name: string): string {
    return `arn:aws:ecs:${this.region}:${ACCOUNT_ID}:service/${cluster}/${name}`;
  }
  taskArn(cluster: string): { arn: string; id: string } {
    const id = this.rng.hex(32);
    return { arn: `arn:aws:ecs:${this.region}:${ACCOUNT_ID}:task/${cluster}/${id}`, id };
  }
  deploymentId(): string {
    return `ecs-svc/${this.rng.digits(19)}`;
  }
  serviceDeploymentArn(cluster: string, service: string): string {
    return `arn:aws:ecs:${this.region}:${ACCOUNT_ID}:service-deployment/${cluster}/${service}/${this.alnum(22)}`;
  }
  serviceRevisionArn(cluster: string, service: string): string {
    return `arn:aws:ecs:${this.region}:${ACCOUNT_ID}:service-revision/${cluster}/${service}/${this.rng.digits(19)}`;
  }
  eventId(): string {
    const h = this.rng.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  /** Fargate tasks get an ENI in a 10.0.0.0/16 VPC; the address is what target groups of type `ip` register. */
  privateIp(): string {
    return `10.0.${1 + this.rng.int(250)}.${2 + this.rng.int(250)}`;
  }

  // ELBv2
  loadBalancerArn(name: string): { arn: string; dimension: string } {
    const id = this.rng.hex(16);
    return {
      arn: `arn:aws:elasticloadbalancing:${this.region}:${ACCOUNT_ID}:loadbalancer/app/${name}/${id}`,
      dimension: `app/${name}/${id}`,
    };
  }
  listenerArn(lbDimension: string): string {
    return `arn:aws:elasticloadbalancing:${this.region}:${ACCOUNT_ID}:listener/${lbDimension}/${this.rng.hex(16)}`;
  }
  ruleArn(listenerArn: string): string {
    const tail = listenerArn.split(":listener/")[1];
    return `arn:aws:elasticloadbalancing:${this.region}:${ACCOUNT_ID}:listener-rule/${tail}/${this.rng.hex(16)}`;
  }
  targetGroupArn(name: string): { arn: string; dimension: string } {
    const id = this.rng.hex(16);
    return {
      arn: `arn:aws:elasticloadbalancing:${this.region}:${ACCOUNT_ID}:targetgroup/${name}/${id}`,
      dimension: `targetgroup/${name}/${id}`,
    };
  }

  // CloudWatch
  alarmArn(name: string): string {
    return `arn:aws:cloudwatch:${this.region}:${ACCOUNT_ID}:alarm:${name}`;
  }

  private alnum(length: number): string {
    const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let out = "";
    for (let i = 0; i < length; i++) out += chars[this.rng.int(chars.length)];
    return out;
  }
}
