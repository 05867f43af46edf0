/**
 * RegisterTaskDefinition, DescribeTaskDefinition, ListTaskDefinitions, ListTaskDefinitionFamilies,
 * DeregisterTaskDefinition.
 */
import { AwsError } from "../errors.js";
import { list, num, obj, str, type Params } from "../input.js";
import type { World } from "../world.js";
import { validateFargate } from "./fargate.js";
import { resolveTaskDefinition } from "./lookup.js";
import type { ContainerDefinition, TaskDefinition } from "./model.js";

const FAMILY = /^[a-zA-Z0-9_-]{1,255}$/;

export function registerTaskDefinition(world: World, p: Params, caller = "arn:aws:iam::123456789012:user/sim"): TaskDefinition {
  const family = str(p.family);
  if (!family) throw new AwsError("ClientException", "Family can not be blank.");
  if (!FAMILY.test(family)) {
    throw new AwsError(
      "ClientException",
      "Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.",
    );
  }
  const containers = list(p.containerDefinitions).map((c) => obj(c) as ContainerDefinition);
  if (containers.length === 0) {
    throw new AwsError("ClientException", "TaskDefinition must contain at least one container definition.");
  }
  for (const c of containers) {
    if (!str(c.name)) throw new AwsError("ClientException", "Container.name should not be null or empty.");
    if (!str(c.image)) throw new AwsError("ClientException", "Container.image should not be null or empty.");
  }
  const names = containers.map((c) => c.name);
  if (new Set(names).size !== names.length) {
    throw new AwsError("ClientException", "Container names must be unique within a task definition.");
  }
  const requires = list(p.requiresCompatibilities).map(String);
  if (requires.includes("FARGATE")) {
    validateFargate({ cpu: str(p.cpu), memory: str(p.memory), networkMode: str(p.networkMode) });
  }

  const revisions = world.ecs.taskDefinitions.get(family) ?? [];
  const revision = revisions.length + 1;
  const { family: _f, containerDefinitions: _c, tags, ...rest } = p;
  const td: TaskDefinition = {
    family,
    revision,
    arn: world.ids.taskDefinitionArn(family, revision),
    status: "ACTIVE",
    registeredAt: world.clock.now(),
    registeredBy: caller,
    containerDefinitions: containers.map((c) => ({ essential: true, ...c })),
    rest,
    tags: list(tags).map((t) => ({ key: String(obj(t).key), value: String(obj(t).value ?? "") })),
  };
  revisions.push(td);
  world.ecs.taskDefinitions.set(family, revisions);
  return td;
}

export function renderTaskDefinition(td: TaskDefinition): Record<string, unknown> {
  const requires = list(td.rest.requiresCompatibilities).map(String);
  return {
    ...td.rest,
    taskDefinitionArn: td.arn,
    family: td.family,
    revision: td.revision,
    status: td.status,
    containerDefinitions: td.containerDefinitions.map((c) => ({
      ...c,
      portMappings: (c.portMappings ?? []).map((m) => ({ protocol: "tcp", hostPort: m.containerPort, ...m })),
      environment: c.environment ?? [],
      mountPoints: c.mountPoints ?? [],
      volumesFrom: c.volumesFrom ?? [],
    })),
    volumes: td.rest.volumes ?? [],
    placementConstraints: td.rest.placementConstraints ?? [],
    compatibilities: requires.includes("FARGATE") ? ["EC2", "FARGATE"] : ["EC2"],
    requiresAttributes: [{ name: "com.amazonaws.ecs.capability.docker-remote-api.1.18" }],
    registeredAt: new Date(td.registeredAt),
    registeredBy: td.registeredBy,
    ...(td.deregisteredAt !== undefined ? { deregisteredAt: new Date(td.deregisteredAt) } : {}),
  };
}

function describe(world: World, p: Params) {
  const ref = str(p.taskDefinition);
  if (!ref) throw new AwsError("ClientException", "TaskDefinition can not be blank.");
  const td = resolveTaskDefinition(world.ecs, ref);
  if (!td) throw new AwsError("ClientException", "Unable to describe task definition.");
  const include = list(p.include).map(String);
  return { taskDefinition: renderTaskDefinition(td), ...(include.includes("TAGS") ? { tags: td.tags } : {}) };
}

function listDefinitions(world: World, p: Params) {
  const familyPrefix = str(p.familyPrefix);
  const status = str(p.status) ?? "ACTIVE";
  const all: TaskDefinition[] = [];
  for (const [family, revisions] of world.ecs.taskDefinitions) {
    if (familyPrefix && !family.startsWith(familyPrefix)) continue;
    all.push(...revisions.filter((td) => td.status === status));
  }
  all.sort((a, b) => (a.family === b.family ? a.revision - b.revision : a.family < b.family ? -1 : 1));
  if (str(p.sort) === "DESC") all.reverse();
  return paginate(all.map((td) => td.arn), p, "taskDefinitionArns");
}

function listFamilies(world: World, p: Params) {
  const prefix = str(p.familyPrefix);
  const status = str(p.status) ?? "ACTIVE";
  const families = [...world.ecs.taskDefinitions.entries()]
    .filter(([family, revisions]) => {
      if (prefix && !family.startsWith(prefix)) return false;
      const anyActive = revisions.some((td) => td.status === "ACTIVE");
      return status === "ALL" || (status === "ACTIVE" ? anyActive : !anyActive);
    })
    .map(([family]) => family)
    .sort();
  return paginate(families, p, "families");
}

function deregister(world: World, p: Params) {
  const ref = str(p.taskDefinition) ?? "";
  if (!/:\d+$/.test(ref)) throw new AwsError("ClientException", "Invalid revision number. Number: undefined");
  const td = resolveTaskDefinition(world.ecs, ref);
  if (!td) throw new AwsError("ClientException", "The specified task definition does not exist.");
  if (td.status === "ACTIVE") {
    td.status = "INACTIVE";
    td.deregisteredAt = world.clock.now();
  }
  return { taskDefinition: renderTaskDefinition(td) };
}

/** ECS list pagination: nextToken is an opaque offset. */
export function paginate<T>(items: T[], p: Params, key: string): Record<string, unknown> {
  const start = Number(str(p.nextToken) ?? 0);
  const max = num(p.maxResults) ?? 100;
  const page = items.slice(start, start + max);
  const next = start + max < items.length ? String(start + max) : undefined;
  return { [key]: page, ...(next ? { nextToken: next } : {}) };
}

export const taskDefinitionHandlers = {
  RegisterTaskDefinition: (world: World, p: Params) => {
    const td = registerTaskDefinition(world, p);
    return { taskDefinition: renderTaskDefinition(td), tags: td.tags };
  },
  DescribeTaskDefinition: describe,
  ListTaskDefinitions: listDefinitions,
  ListTaskDefinitionFamilies: listFamilies,
  DeregisterTaskDefinition: deregister,
};
