/**
 * Service event messages in the exact shapes ECS writes them, because humans (and the delegate's log view) read
 * them and tests look for "has reached a steady state.".
 */
import type { World } from "../world.js";
import type { Service } from "./model.js";

export function addEvent(world: World, service: Service, message: string): void {
  service.events.unshift({ id: world.ids.eventId(), createdAt: world.clock.now(), message: `(service ${service.name}) ${message}` });
  if (service.events.length > 100) service.events.length = 100;
}

export function taskList(ids: string[]): string {
  return ids.map((id) => `(task ${id})`).join(" ");
}

export const messages = {
  started: (ids: string[]) => `has started ${ids.length} tasks: ${taskList(ids)}.`,
  stopped: (ids: string[]) => `has stopped ${ids.length} running tasks: ${taskList(ids)}.`,
  registered: (count: number, tgArn: string) => `registered ${count} targets in (target-group ${tgArn})`,
  draining: (count: number) => `has begun draining connections on ${count} tasks.`,
  deregistered: (count: number, tgArn: string) => `deregistered ${count} targets in (target-group ${tgArn})`,
  steady: () => "has reached a steady state.",
  deploymentCompleted: (id: string) => `(deployment ${id}) deployment completed.`,
  deploymentFailed: (id: string) => `(deployment ${id}) deployment failed: tasks failed to start.`,
  rollingBack: (id: string) => `rolling back to deployment ${id}.`,
  unhealthyTarget: (taskId: string, port: number, tgArn: string) =>
    `(task ${taskId}) (port ${port}) is unhealthy in (target-group ${tgArn}) due to (reason Health checks failed).`,
  unhealthyContainer: (taskId: string) => `(task ${taskId}) failed container health checks.`,
};
