/**
 * Fargate task-size validation. AWS accepts only these CPU/memory pairs and rejects others with a ClientException
 * naming the values, which the delegate surfaces to users, so the sim keeps the same table and wording.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
import { AwsError } from "../errors.js";

const GB = 1024;

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

const VALID: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1 * GB, 4 * GB, GB),
  1024: range(2 * GB, 8 * GB, GB),
  2048: range(4 * GB, 16 * GB, GB),
  4096: range(8 * GB, 30 * GB, GB),
  8192: range(16 * GB, 60 * GB, 4 * GB),
  16384: range(32 * GB, 120 * GB, 8 * GB),
};

/** Task-level cpu accepts "256" or "0.25 vCPU"; memory accepts "512" or "0.5 GB". Returns units / MiB. */
export function parseCpu(value: string): number | undefined {
  const vcpu = /^\s*([\d.]+)\s*vcpu\s*$/i.exec(value);
  if (vcpu) return Math.round(Number(vcpu[1]) * 1024);
  return /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
}

export function parseMemory(value: string): number | undefined {
  const gb = /^\s*([\d.]+)\s*gb\s*$/i.exec(value);
  if (gb) return Math.round(Number(gb[1]) * GB);
  return /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
}

export function validateFargate(input: {
  cpu: string | undefined;
  memory: string | undefined;
  networkMode: string | undefined;
}): void {
  if (input.networkMode !== "awsvpc") {
    throw new AwsError("ClientException", "Fargate only supports network mode ‘awsvpc’.");
  }
  if (input.cpu === undefined) {
    throw new AwsError("ClientException", "Fargate requires that 'cpu' be defined at the task level.");
  }
  if (input.memory === undefined) {
    throw new AwsError("ClientException", "Fargate requires that 'memory' be defined at the task level.");
  }
  const cpu = parseCpu(input.cpu);
  const memory = parseMemory(input.memory);
  const allowed = cpu === undefined ? undefined : VALID[cpu];
  if (memory === undefined || !allowed || !allowed.includes(memory)) {
    throw new AwsError(
      "ClientException",
      `No Fargate configuration exists for given values: ${input.cpu} CPU, ${input.memory} memory. ` +
        "See the Amazon ECS documentation for the valid values.",
    );
  }
}
