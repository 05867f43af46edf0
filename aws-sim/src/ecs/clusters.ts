/** CreateCluster, DescribeClusters, ListClusters, DeleteCluster. */
import { AwsError } from "../errors.js";
import { list, obj, str, strList, type Params } from "../input.js";
import type { World } from "../world.js";
import { clusterName } from "./lookup.js";
import type { Cluster } from "./model.js";
import { paginate } from "./task-definitions.js";

export function createCluster(world: World, p: Params): Cluster {
  const name = str(p.clusterName) ?? "default";
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(name)) {
    throw new AwsError("InvalidParameterException", "Cluster name can only contain letters, numbers, hyphens and underscores.");
  }
  const existing = world.ecs.clusters.get(name);
  if (existing && existing.status === "ACTIVE") return existing;
  const cluster: Cluster = {
    name,
    arn: world.ids.clusterArn(name),
    status: "ACTIVE",
    tags: list(p.tags).map((t) => ({ key: String(obj(t).key), value: String(obj(t).value ?? "") })),
  };
  world.ecs.clusters.set(name, cluster);
  return cluster;
}

function render(world: World, cluster: Cluster): Record<string, unknown> {
  const tasks = [...world.ecs.tasks.values()].filter((t) => t.clusterName === cluster.name);
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: cluster.status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: tasks.filter((t) => t.lastStatus === "RUNNING").length,
    pendingTasksCount: tasks.filter((t) => t.lastStatus === "PROVISIONING" || t.lastStatus === "PENDING").length,
    activeServicesCount: world.ecs.services.filter((s) => s.clusterName === cluster.name && s.status === "ACTIVE").length,
    statistics: [],
    tags: cluster.tags,
    settings: [{ name: "containerInsights", value: "disabled" }],
    capacityProviders: ["FARGATE", "FARGATE_SPOT"],
    defaultCapacityProviderStrategy: [],
  };
}

function describeClusters(world: World, p: Params) {
  const refs = strList(p.clusters);
  const names = refs.length > 0 ? refs.map(clusterName) : ["default"];
  const clusters: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const name of names) {
    const cluster = world.ecs.clusters.get(name);
    if (cluster) clusters.push(render(world, cluster));
    else failures.push({ arn: world.ids.clusterArn(name), reason: "MISSING" });
  }
  return { clusters, failures };
}

function deleteCluster(world: World, p: Params) {
  const name = clusterName(str(p.cluster));
  const cluster = world.ecs.clusters.get(name);
  if (!cluster) throw new AwsError("ClusterNotFoundException", "Cluster not found.");
  if (world.ecs.services.some((s) => s.clusterName === name && s.status !== "INACTIVE")) {
    throw new AwsError("ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.");
  }
  if ([...world.ecs.tasks.values()].some((t) => t.clusterName === name && t.lastStatus !== "STOPPED")) {
    throw new AwsError("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.");
  }
  cluster.status = "INACTIVE";
  return { cluster: render(world, cluster) };
}

export const clusterHandlers = {
  CreateCluster: (world: World, p: Params) => ({ cluster: render(world, createCluster(world, p)) }),
  DescribeClusters: describeClusters,
  ListClusters: (world: World, p: Params) =>
    paginate([...world.ecs.clusters.values()].filter((c) => c.status === "ACTIVE").map((c) => c.arn), p, "clusterArns"),
  DeleteCluster: deleteCluster,
};
