/**
 * Seeding a realistic "v1 is live" account so deployment tests start where a real blue-green or rolling deploy
 * starts: a cluster, an ALB whose listener forwards to blue (weight 100) and green (weight 0) target groups,
 * optionally through a path rule, and a service already steady on the blue target group.
 */
import { completeDeployment } from "./ecs/deployments.js";
import { addEvent, messages } from "./ecs/events.js";
import { createCluster } from "./ecs/clusters.js";
import { createService } from "./ecs/services.js";
import { registerTaskDefinition } from "./ecs/task-definitions.js";
import type { Deployment, Service } from "./ecs/model.js";
import { launchTask } from "./ecs/tasks.js";
import { createListener, createLoadBalancer } from "./elbv2/load-balancers.js";
import { targetKey } from "./elbv2/model.js";
import { createRule } from "./elbv2/rules.js";
import { createTargetGroup } from "./elbv2/target-groups.js";
import { registerTarget } from "./elbv2/targets.js";
import { ACCOUNT_ID } from "./ids.js";
import type { World } from "./world.js";

export interface SeedSpec {
  clusterName?: string;
  loadBalancerName?: string;
  listenerPort?: number;
  blueTargetGroupName?: string;
  greenTargetGroupName?: string;
  /** Forward through a path rule (default `/*`, priority 10) instead of the listener's default action. */
  rule?: boolean | { pathPattern?: string; priority?: number };
  serviceName?: string;
  family?: string;
  image?: string;
  containerName?: string;
  containerPort?: number;
  cpu?: string;
  memory?: string;
  desiredCount?: number;
  /** Default: min 100 %, max 200 %, circuit breaker enabled with rollback. */
  deploymentConfiguration?: {
    minimumHealthyPercent?: number;
    maximumPercent?: number;
    deploymentCircuitBreaker?: { enable: boolean; rollback: boolean };
  };
  /** Target group health check. Default: /health every 10 s, 2 healthy / 2 unhealthy. */
  healthCheck?: { path?: string; intervalSeconds?: number; healthyThreshold?: number; unhealthyThreshold?: number };
  /** Target group deregistration delay. Default 30 s (AWS default 300 s). */
  deregistrationDelaySeconds?: number;
  healthCheckGracePeriodSeconds?: number;
  /** Requests per simulated second to the seeded load balancer. */
  requestsPerSecond?: number;
}

export interface SeedResult {
  region: string;
  accountId: string;
  clusterName: string;
  clusterArn: string;
  loadBalancerArn: string;
  loadBalancerName: string;
  /** CloudWatch `LoadBalancer` dimension value (app/name/id). */
  loadBalancerDimension: string;
  listenerArn: string;
  ruleArn: string | undefined;
  blueTargetGroupArn: string;
  /** CloudWatch `TargetGroup` dimension value (targetgroup/name/id). */
  blueTargetGroupDimension: string;
  greenTargetGroupArn: string;
  greenTargetGroupDimension: string;
  serviceName: string;
  serviceArn: string;
  family: string;
  taskDefinitionArn: string;
  containerName: string;
  containerPort: number;
  image: string;
  subnets: string[];
  securityGroups: string[];
}

export function seed(world: World, spec: SeedSpec = {}): SeedResult {
  const region = world.ids.region;
  const clusterName = spec.clusterName ?? "prod-cluster";
  const serviceName = spec.serviceName ?? "myapp-service";
  const family = spec.family ?? "myapp-task";
  const containerName = spec.containerName ?? "myapp-container";
  const containerPort = spec.containerPort ?? 8080;
  const image = spec.image ?? `${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/myapp:v1.0.0`;
  const subnets = ["subnet-0a1b2c3d", "subnet-1b2c3d4e"];
  const securityGroups = ["sg-0a1b2c3d4e5f67890"];
  const hc = spec.healthCheck ?? {};

  const cluster = createCluster(world, { clusterName });
  const lb = createLoadBalancer(world, { Name: spec.loadBalancerName ?? "myapp-alb", Subnets: subnets, SecurityGroups: securityGroups });
  const targetGroup = (name: string) => {
    const tg = createTargetGroup(world, {
      Name: name,
      Protocol: "HTTP",
      Port: containerPort,
      VpcId: lb.vpcId,
      TargetType: "ip",
      HealthCheckPath: hc.path ?? "/health",
      HealthCheckIntervalSeconds: hc.intervalSeconds ?? 10,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: hc.healthyThreshold ?? 2,
      UnhealthyThresholdCount: hc.unhealthyThreshold ?? 2,
    });
    tg.attributes.set("deregistration_delay.timeout_seconds", String(spec.deregistrationDelaySeconds ?? 30));
    return tg;
  };
  const blue = targetGroup(spec.blueTargetGroupName ?? "myapp-tg-blue");
  const green = targetGroup(spec.greenTargetGroupName ?? "myapp-tg-green");
  const forward = [
    {
      Type: "forward",
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue.arn, Weight: 100 }, { TargetGroupArn: green.arn, Weight: 0 }] },
    },
  ];
  const ruleSpec = spec.rule === true ? {} : spec.rule || undefined;
  const listener = createListener(world, {
    LoadBalancerArn: lb.arn,
    Protocol: "HTTP",
    Port: spec.listenerPort ?? 80,
    DefaultActions: ruleSpec
      ? [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "404", ContentType: "text/plain", MessageBody: "Not found" } }]
      : forward,
  });
  const rule = ruleSpec
    ? createRule(world, {
        ListenerArn: listener.arn,
        Priority: ruleSpec.priority ?? 10,
        Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: [ruleSpec.pathPattern ?? "/*"] } }],
        Actions: forward,
      })
    : undefined;
  if (spec.requestsPerSecond !== undefined) world.traffic.configure({ requestsPerSecond: spec.requestsPerSecond }, lb.arn);

  const td = registerTaskDefinition(world, {
    family,
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: spec.cpu ?? "256",
    memory: spec.memory ?? "512",
    executionRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/ecsTaskExecutionRole`,
    taskRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/myapp-task-role`,
    containerDefinitions: [
      {
        name: containerName,
        image,
        essential: true,
        portMappings: [{ containerPort, protocol: "tcp" }],
        environment: [{ name: "VERSION", value: image.split(":").pop() ?? "" }],
        logConfiguration: {
          logDriver: "awslogs",
          options: { "awslogs-group": `/ecs/${family}`, "awslogs-region": region, "awslogs-stream-prefix": "ecs" },
        },
      },
    ],
  });
  const config = spec.deploymentConfiguration ?? {};
  const service = createService(world, {
    cluster: clusterName,
    serviceName,
    taskDefinition: td.arn,
    desiredCount: spec.desiredCount ?? 4,
    launchType: "FARGATE",
    networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups, assignPublicIp: "DISABLED" } },
    loadBalancers: [{ targetGroupArn: blue.arn, containerName, containerPort }],
    healthCheckGracePeriodSeconds: spec.healthCheckGracePeriodSeconds ?? 30,
    deploymentConfiguration: {
      minimumHealthyPercent: config.minimumHealthyPercent ?? 100,
      maximumPercent: config.maximumPercent ?? 200,
      deploymentCircuitBreaker: config.deploymentCircuitBreaker ?? { enable: true, rollback: true },
    },
  });
  settle(world, service.deployments[0]!, service);

  return {
    region,
    accountId: ACCOUNT_ID,
    clusterName,
    clusterArn: cluster.arn,
    loadBalancerArn: lb.arn,
    loadBalancerName: lb.name,
    loadBalancerDimension: lb.dimension,
    listenerArn: listener.arn,
    ruleArn: rule?.arn,
    blueTargetGroupArn: blue.arn,
    blueTargetGroupDimension: blue.dimension,
    greenTargetGroupArn: green.arn,
    greenTargetGroupDimension: green.dimension,
    serviceName,
    serviceArn: service.arn,
    family,
    taskDefinitionArn: td.arn,
    containerName,
    containerPort,
    image,
    subnets,
    securityGroups,
  };
}

/** The default seed: `prod-cluster`, `myapp-alb`, `myapp-tg-blue`/`myapp-tg-green`, `myapp-service` × 4 on v1.0.0. */
export function seedDemo(world: World): SeedResult {
  return seed(world, {});
}

/** Puts the service straight into its end state: tasks RUNNING for an hour, targets healthy, deployment COMPLETED. */
function settle(world: World, deployment: Deployment, service: Service): void {
  const now = world.clock.now();
  const since = now - 3600_000;
  service.createdAt = deployment.createdAt = deployment.updatedAt = since;
  const ids: string[] = [];
  for (let i = 0; i < service.desiredCount; i++) {
    const task = launchTask(world, service, deployment);
    Object.assign(task, { lastStatus: "RUNNING", createdAt: since, pullStartedAt: since + 5000, pullStoppedAt: since + 15000, startedAt: since + 15000 });
    for (const lb of deployment.loadBalancers) {
      if (!lb.targetGroupArn || lb.containerPort === undefined) continue;
      registerTarget(world, lb.targetGroupArn, task.ip, lb.containerPort, task.availabilityZone);
      const target = world.elb.targetGroups.get(lb.targetGroupArn)!.targets.get(targetKey(task.ip, lb.containerPort))!;
      Object.assign(target, { state: "healthy", reason: undefined, description: undefined, consecutiveOk: 99, registeredAt: since });
      task.targets.push({ targetGroupArn: lb.targetGroupArn, port: lb.containerPort });
    }
    ids.push(task.id);
  }
  addEvent(world, service, messages.started(ids));
  for (const lb of deployment.loadBalancers) {
    if (lb.targetGroupArn) addEvent(world, service, messages.registered(ids.length, lb.targetGroupArn));
  }
  completeDeployment(world, service, deployment);
  addEvent(world, service, messages.steady());
  service.steady = true;
  for (const e of service.events) e.createdAt = since + 60_000;
}
