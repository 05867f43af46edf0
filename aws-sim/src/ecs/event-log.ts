/**
 * Batches what happened to a service's tasks during one tick so ECS-style events come out aggregated
 * ("has started 4 tasks: (task a) (task b) …") rather than one event per task.
 */
import type { World } from "../world.js";
import { addEvent, messages } from "./events.js";
import type { Service } from "./model.js";

type TaskKind = "started" | "stopped" | "draining";
type TargetKind = "registered" | "deregistered";

interface Pending {
  service: Service;
  tasks: Record<TaskKind, string[]>;
  targets: Record<TargetKind, Map<string, number>>;
}

export class EcsEventLog {
  private readonly pending = new Map<string, Pending>();

  add(service: Service, kind: TaskKind, taskId: string): void {
    this.entry(service).tasks[kind].push(taskId);
  }

  count(service: Service, kind: TargetKind, targetGroupArn: string): void {
    const map = this.entry(service).targets[kind];
    map.set(targetGroupArn, (map.get(targetGroupArn) ?? 0) + 1);
  }

  /** Writes the batched events in the order ECS would: stops and draining first, then starts, then registrations. */
  flush(world: World): void {
    for (const p of this.pending.values()) {
      if (p.tasks.stopped.length) addEvent(world, p.service, messages.stopped(p.tasks.stopped));
      if (p.tasks.draining.length) addEvent(world, p.service, messages.draining(p.tasks.draining.length));
      for (const [tg, n] of p.targets.deregistered) addEvent(world, p.service, messages.deregistered(n, tg));
      if (p.tasks.started.length) addEvent(world, p.service, messages.started(p.tasks.started));
      for (const [tg, n] of p.targets.registered) addEvent(world, p.service, messages.registered(n, tg));
    }
    this.pending.clear();
  }

  private entry(service: Service): Pending {
    let p = this.pending.get(service.arn);
    if (!p) {
      p = {
        service,
        tasks: { started: [], stopped: [], draining: [] },
        targets: { registered: new Map(), deregistered: new Map() },
      };
      this.pending.set(service.arn, p);
    }
    return p;
  }
}
