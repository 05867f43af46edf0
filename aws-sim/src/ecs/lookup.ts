/**
 * Resolving the identifiers ECS accepts (short names, full ARNs, `family`, `family:revision`) and the errors it
 * returns when they do not resolve.
 */
import { AwsError } from "../errors.js";
import type { EcsState, Cluster, Service, Task, TaskDefinition } from "./model.js";

function lastSegment(value: string): string {
  return value.slice(value.lastIndexOf("/") + 1);
}

export function clusterName(ref: string | undefined): string {
  return ref === undefined ? "default" : lastSegment(ref);
}

export function findCluster(state: EcsState, ref: string | undefined): Cluster {
  const cluster = state.clusters.get(clusterName(ref));
  if (!cluster || cluster.status !== "ACTIVE") throw new AwsError("ClusterNotFoundException", "Cluster not found.");
  return cluster;
}

/** Any service with that name in the cluster, newest first (a deleted INACTIVE one may share the name). */
export function findService(state: EcsState, cluster: Cluster, ref: string): Service | undefined {
  const name = lastSegment(ref);
  for (let i = state.services.length - 1; i >= 0; i--) {
    const s = state.services[i]!;
    if (s.clusterName === cluster.name && s.name === name) return s;
  }
  return undefined;
}

export function requireActiveService(state: EcsState, cluster: Cluster, ref: string): Service {
  const service = findService(state, cluster, ref);
  if (!service) throw new AwsError("ServiceNotFoundException", "Service not found.");
  if (service.status !== "ACTIVE") throw new AwsError("ServiceNotActiveException", "Service was not ACTIVE.");
  return service;
}

/** `family` resolves to the latest ACTIVE revision; `family:N` and ARNs resolve to that revision in any status. */
export function resolveTaskDefinition(state: EcsState, ref: string): TaskDefinition | undefined {
  const tail = ref.includes(":task-definition/") ? ref.split(":task-definition/")[1]! : ref;
  const [family, revision] = tail.split(":");
  const revisions = state.taskDefinitions.get(family ?? "");
  if (!revisions) return undefined;
  if (revision === undefined) {
    for (let i = revisions.length - 1; i >= 0; i--) if (revisions[i]!.status === "ACTIVE") return revisions[i];
    return undefined;
  }
  return revisions[Number(revision) - 1];
}

export function familyRevision(arn: string): string {
  return arn.split(":task-definition/")[1] ?? arn;
}

/** The live (not INACTIVE) service a task belongs to, if any. */
export function serviceOfTask(world: { ecs: EcsState }, task: Task): Service | undefined {
  if (!task.serviceName) return undefined;
  return world.ecs.services.find(
    (s) => s.clusterName === task.clusterName && s.name === task.serviceName && s.status !== "INACTIVE",
  );
}
