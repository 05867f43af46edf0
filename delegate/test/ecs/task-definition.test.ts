import { describe, expect, it } from "vitest";
import { checkContainer, registerInput, sameTaskDefinition } from "../../src/steps/ecs/task-definition";
import { greenDesiredCount } from "../../src/steps/ecs/deploy";
import type { EcsDeployWork } from "@slipway/pipeline-spec/protocol";

const rendered = {
  family: "myapp-task",
  networkMode: "awsvpc",
  requiresCompatibilities: ["FARGATE"],
  cpu: 256,
  memory: "512",
  containerDefinitions: [{ name: "app", image: "myapp:v2", portMappings: [{ containerPort: 8080 }], environment: [{ name: "A", value: "1" }] }],
};

/** What ECS's DescribeTaskDefinition returns for it: describe-only members and filled-in defaults. */
const described = {
  taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/myapp-task:7",
  family: "myapp-task",
  revision: 7,
  status: "ACTIVE",
  networkMode: "awsvpc",
  requiresCompatibilities: ["FARGATE"],
  compatibilities: ["EC2", "FARGATE"],
  requiresAttributes: [{ name: "com.amazonaws.ecs.capability.docker-remote-api.1.18" }],
  cpu: "256",
  memory: "512",
  volumes: [],
  placementConstraints: [],
  registeredAt: new Date(),
  registeredBy: "arn:aws:iam::123456789012:user/x",
  containerDefinitions: [
    {
      name: "app",
      image: "myapp:v2",
      cpu: 0,
      essential: true,
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }],
      environment: [{ name: "A", value: "1" }],
      mountPoints: [],
      volumesFrom: [],
      systemControls: [],
    },
  ],
};

describe("task definition identity (reuse instead of registering twice)", () => {
  it("treats a described revision with ECS's defaults as the same", () => {
    expect(sameTaskDefinition(registerInput(rendered, []) as unknown as Record<string, unknown>, described)).toBe(true);
  });

  it("sees a changed image, an extra env var, or a member the template dropped", () => {
    const other = structuredClone(described);
    other.containerDefinitions[0]!.image = "myapp:v3";
    expect(sameTaskDefinition(rendered, other)).toBe(false);
    const env = structuredClone(described);
    env.containerDefinitions[0]!.environment.push({ name: "B", value: "2" });
    expect(sameTaskDefinition(rendered, env)).toBe(false);
    expect(sameTaskDefinition(rendered, { ...described, taskRoleArn: "arn:aws:iam::123456789012:role/x" })).toBe(false);
  });

  it("registers task-level cpu/memory as strings and adds the release tags after the template's own", () => {
    const input = registerInput({ ...rendered, tags: [{ key: "team", value: "pay" }], revision: 3 }, [{ key: "slipway:release", value: "r1" }]);
    expect(input.cpu).toBe("256");
    expect(input).not.toHaveProperty("revision");
    expect(input.tags).toEqual([{ key: "team", value: "pay" }, { key: "slipway:release", value: "r1" }]);
  });

  it("checks the load balancer's container and port", () => {
    expect(checkContainer(rendered, "app", 8080)).toBeNull();
    expect(checkContainer(rendered, "app", 80)).toBe('container "app" does not map port 80 (the load balancer\'s container port); it maps 8080');
  });
});

describe("green desired count", () => {
  const live = { desiredCount: 10 };
  // Only desiredCount and the infrastructure's default count matter here.
  const work = (desiredCount: number | string | null) => ({ kind: "ecsDeploy", mode: "green", desiredCount, aws: { desiredCount: 4 } }) as unknown as EcsDeployWork;
  it("is a number, a share of the live count (at least 1), or the live count", () => {
    expect(greenDesiredCount(work(3), live)).toBe(3);
    expect(greenDesiredCount(work("20%"), live)).toBe(2);
    expect(greenDesiredCount(work("1%"), live)).toBe(1);
    expect(greenDesiredCount(work(null), live)).toBe(10);
    expect(greenDesiredCount(work(null), undefined)).toBe(4);
  });
});
