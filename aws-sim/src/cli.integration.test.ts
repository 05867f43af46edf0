import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { expect, it } from "vitest";

const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
const tsx = fileURLToPath(new URL("../../node_modules/tsx/dist/cli.mjs", import.meta.url));

it("prints the endpoint and seeded ARNs on one line and stops on SIGTERM", async () => {
  const child = spawn(process.execPath, [tsx, cli, "--port", "0", "--time-scale", "1", "--seed", "demo"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  const out = JSON.parse(line) as { endpoint: string; region: string; seed: { serviceArn: string; clusterName: string } };
  expect(out.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(out.seed.serviceArn).toBe("arn:aws:ecs:us-east-1:123456789012:service/prod-cluster/myapp-service");

  const ecs = new ECSClient({ endpoint: out.endpoint, region: out.region, credentials: { accessKeyId: "AKIATEST", secretAccessKey: "x" } });
  const described = await ecs.send(new DescribeServicesCommand({ cluster: out.seed.clusterName, services: ["myapp-service"] }));
  expect(described.services![0]!.runningCount).toBe(4);
  ecs.destroy();

  child.kill("SIGTERM");
  const [code] = (await once(child, "exit")) as [number];
  expect(code).toBe(0);
});
