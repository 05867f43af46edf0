/** The ECS operations the sim answers, keyed by the name after `AmazonEC2ContainerServiceV20141113.`. */
import type { Handler } from "../world.js";
import { clusterHandlers } from "./clusters.js";
import { serviceDeploymentHandlers } from "./service-deployments.js";
import { serviceHandlers } from "./services.js";
import { taskDefinitionHandlers } from "./task-definitions.js";
import { taskHandlers } from "./tasks.js";

export const ecsHandlers: Record<string, Handler> = {
  ...clusterHandlers,
  ...taskDefinitionHandlers,
  ...serviceHandlers,
  ...serviceDeploymentHandlers,
  ...taskHandlers,
};
