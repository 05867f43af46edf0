/** Real SDK clients pointed at a sim, as the delegate would build them. For tests only. */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ECSClient } from "@aws-sdk/client-ecs";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { AwsSim } from "./server.js";

export function clients(sim: AwsSim, options: { maxAttempts?: number; accessKeyId?: string } = {}) {
  const config = {
    endpoint: sim.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: options.accessKeyId ?? "AKIATEST", secretAccessKey: "x" },
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  };
  return {
    ecs: new ECSClient(config),
    elb: new ElasticLoadBalancingV2Client(config),
    cw: new CloudWatchClient(config),
  };
}

/** A task definition like the seeded one with another image, the way the delegate clones the live revision. */
export function taskDefinitionInput(image: string, family = "myapp-task") {
  return {
    family,
    networkMode: "awsvpc" as const,
    requiresCompatibilities: ["FARGATE" as const],
    cpu: "256",
    memory: "512",
    containerDefinitions: [
      { name: "myapp-container", image, essential: true, portMappings: [{ containerPort: 8080, protocol: "tcp" as const }] },
    ],
  };
}
