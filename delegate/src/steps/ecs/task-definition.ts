/**
 * Registering the rendered task definition, idempotently. Each revision we register carries two tags,
 * `slipway:release` (unique per execution and service version) and `slipway:attempt`; a repeat of the same attempt
 * (another delegate after a lost one) finds the family's newest revision identical, tags included, and reuses it
 * instead of registering a duplicate. A retry (next attempt) registers its own revision, so "the deployment we
 * created" is always the one running a revision of ours.
 */
import {
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandOutput,
  type RegisterTaskDefinitionCommandInput,
  type RegisterTaskDefinitionCommandOutput,
} from "@aws-sdk/client-ecs";
import { AwsCallError, type AwsClients } from "./clients";
import { PhaseFailure } from "./errors";

export const RELEASE_TAG = "slipway:release";
export const ATTEMPT_TAG = "slipway:attempt";

/** Members DescribeTaskDefinition adds that are not part of what was registered. */
const DESCRIBE_ONLY = new Set(["taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy", "deregisteredAt", "tags"]);

/**
 * The RegisterTaskDefinition input: describe-only members dropped (a template copied from the console keeps them),
 * task-level cpu/memory as strings (the API's type; a template may write them as numbers).
 */
export function registerInput(td: Record<string, unknown>, tags: { key: string; value: string }[]): RegisterTaskDefinitionCommandInput {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(td)) if (!DESCRIBE_ONLY.has(k)) out[k] = v;
  for (const k of ["cpu", "memory"]) if (typeof out[k] === "number") out[k] = String(out[k]);
  const own = Array.isArray(td.tags) ? (td.tags as { key: string; value: string }[]).filter((t) => !tags.some((x) => x.key === t.key)) : [];
  out.tags = [...own, ...tags];
  return out as unknown as RegisterTaskDefinitionCommandInput;
}

function isDefaultish(key: string, v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.keys(v as object).length === 0;
  if (key === "essential") return v === true;
  if (key === "protocol") return v === "tcp";
  // Container-level cpu defaults to 0 in what ECS returns; EC2 task definitions default to bridge networking.
  if (key === "cpu") return v === 0;
  if (key === "networkMode") return v === "bridge";
  // awsvpc: ECS fills hostPort with the container port.
  if (key === "hostPort") return true;
  return false;
}

function same(a: unknown, b: unknown, key: string): boolean {
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = Array.isArray(a) ? a : [];
    const y = Array.isArray(b) ? b : [];
    if (!Array.isArray(a) && !isDefaultish(key, a)) return false;
    if (!Array.isArray(b) && !isDefaultish(key, b)) return false;
    return x.length === y.length && x.every((v, i) => same(v, y[i], key));
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
      const inA = ao[k] !== undefined;
      const inB = bo[k] !== undefined;
      if (inA && inB) {
        if (!same(ao[k], bo[k], k)) return false;
      } else if (!isDefaultish(k, inA ? ao[k] : bo[k])) return false;
    }
    return true;
  }
  if (a === undefined || a === null) return isDefaultish(key, b);
  if (b === undefined || b === null) return isDefaultish(key, a);
  if (typeof a === "object" || typeof b === "object") return false;
  return String(a) === String(b);
}

/** Whether a described revision is what `input` would register (server-added defaults and describe-only members ignored). */
export function sameTaskDefinition(input: Record<string, unknown>, described: Record<string, unknown>): boolean {
  const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !DESCRIBE_ONLY.has(k)));
  return same(strip(input), strip(described), "");
}

function sameTags(want: { key: string; value: string }[], have: { key?: string; value?: string }[] | undefined): boolean {
  const map = new Map((have ?? []).map((t) => [t.key, t.value]));
  return want.every((t) => map.get(t.key) === t.value);
}

export interface Registered {
  arn: string;
  family: string;
  revision: number;
  reused: boolean;
  input: RegisterTaskDefinitionCommandInput;
}

export async function registerTaskDefinition(
  clients: AwsClients,
  taskDefinition: Record<string, unknown>,
  release: string,
  attempt: number,
): Promise<Registered> {
  const tags = [
    { key: RELEASE_TAG, value: release.slice(0, 256) },
    { key: ATTEMPT_TAG, value: String(attempt) },
  ];
  const input = registerInput(taskDefinition, tags);
  const family = String(input.family ?? "");
  let newest: DescribeTaskDefinitionCommandOutput | undefined;
  try {
    newest = await clients.call<DescribeTaskDefinitionCommandOutput>(
      "ecs",
      new DescribeTaskDefinitionCommand({ taskDefinition: family, include: ["TAGS"] }),
      `${family} (newest revision)`,
      { quiet: ["ClientException"] },
    );
  } catch (err) {
    // ECS answers ClientException "Unable to describe task definition" for a family with no active revision.
    if (!(err instanceof AwsCallError && err.code === "ClientException")) throw err;
  }
  const td = newest?.taskDefinition;
  if (td?.taskDefinitionArn && sameTags(tags, newest?.tags) && sameTaskDefinition(input as unknown as Record<string, unknown>, td as unknown as Record<string, unknown>)) {
    return { arn: td.taskDefinitionArn, family, revision: td.revision ?? 0, reused: true, input };
  }
  const out = await clients.call<RegisterTaskDefinitionCommandOutput>("ecs", new RegisterTaskDefinitionCommand(input), family);
  const arn = out.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new PhaseFailure(`RegisterTaskDefinition for ${family} answered without a task definition ARN`);
  return { arn, family, revision: out.taskDefinition?.revision ?? 0, reused: false, input };
}

/** The pre-check that saves a registration ECS would refuse at CreateService/UpdateService time. */
export function checkContainer(taskDefinition: Record<string, unknown>, containerName: string, containerPort: number): string | null {
  const containers = Array.isArray(taskDefinition.containerDefinitions) ? (taskDefinition.containerDefinitions as Record<string, unknown>[]) : [];
  const c = containers.find((x) => x?.name === containerName);
  if (!c) return `the task definition has no container "${containerName}" (the load balancer's container); it has ${containers.map((x) => `"${String(x?.name)}"`).join(", ") || "none"}`;
  const ports = Array.isArray(c.portMappings) ? (c.portMappings as { containerPort?: unknown }[]).map((p) => Number(p.containerPort)) : [];
  if (!ports.includes(containerPort)) return `container "${containerName}" does not map port ${containerPort} (the load balancer's container port); it maps ${ports.join(", ") || "no ports"}`;
  return null;
}
