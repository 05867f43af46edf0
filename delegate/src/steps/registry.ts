/**
 * Work kind → executor (actions/runner's HandlerFactory, as a typed map). The mapped type makes the compiler
 * insist on an executor for every member of WorkSchema, so a new step type cannot ship half-wired.
 *
 * Edit when adding a step type: one line in `createExecutors`.
 * @see src/steps/types.ts
 */
import type { Work, WorkKind } from "@slipway/pipeline-spec/protocol";
import { createEcsExecutors } from "./ecs";
import { createHttpExecutor } from "./http";
import { createLoadBalancerExecutor } from "./load-balancer";
import { createShellExecutor, type ShellExecutorOptions } from "./shell";
import { createSshCommandExecutor, createSshDeployExecutor, createSshRollbackExecutor } from "./ssh";
import type { StepContext, StepExecutor, StepResult } from "./types";
import { createVerifyExecutor } from "./verify";

export type ExecutorRegistry = { [K in WorkKind]: StepExecutor<Extract<Work, { kind: K }>> };

export function createExecutors(options: ShellExecutorOptions): ExecutorRegistry {
  return {
    shell: createShellExecutor(options),
    http: createHttpExecutor(),
    ssh: createSshCommandExecutor(options),
    sshDeploy: createSshDeployExecutor(options),
    sshRollback: createSshRollbackExecutor(options),
    loadBalancer: createLoadBalancerExecutor(options),
    ...createEcsExecutors(),
    verify: createVerifyExecutor(),
  };
}

/** Whether this delegate can run offers of `kind` (offers carry the kind, so unknown ones are not even claimed). */
export function supportsKind(registry: ExecutorRegistry, kind: string): kind is WorkKind {
  return Object.hasOwn(registry, kind);
}

export function runWork(registry: ExecutorRegistry, work: Work, ctx: StepContext): Promise<StepResult> {
  // The cast is the one place the union meets the map: `work.kind` selects the executor for exactly its type.
  const executor = registry[work.kind] as StepExecutor<Work>;
  return executor.run(work, ctx);
}
