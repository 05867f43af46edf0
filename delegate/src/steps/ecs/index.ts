/**
 * Amazon ECS executors: one StepExecutor per work kind, all sharing the phase frame in run.ts. Wire them into the
 * registry with `...createEcsExecutors()`; tests and the benchmark pass a clock that follows the simulator.
 */
import type { EcsDeployWork, EcsPromoteWork, EcsRollbackWork, EcsScaleDownWork, EcsTrafficShiftWork } from "@slipway/pipeline-spec/protocol";
import type { StepExecutor } from "../types";
import type { ExecutorOptions } from "./context";
import { createEcsDeployExecutor } from "./deploy";
import { createEcsRollbackExecutor } from "./rollback";
import { createEcsScaleDownExecutor } from "./scale-down";
import { createEcsPromoteExecutor, createEcsTrafficShiftExecutor } from "./traffic";

export interface EcsExecutors {
  ecsDeploy: StepExecutor<EcsDeployWork>;
  ecsTrafficShift: StepExecutor<EcsTrafficShiftWork>;
  ecsPromote: StepExecutor<EcsPromoteWork>;
  ecsScaleDown: StepExecutor<EcsScaleDownWork>;
  ecsRollback: StepExecutor<EcsRollbackWork>;
}

export function createEcsExecutors(options: ExecutorOptions = {}): EcsExecutors {
  return {
    ecsDeploy: createEcsDeployExecutor(options),
    ecsTrafficShift: createEcsTrafficShiftExecutor(options),
    ecsPromote: createEcsPromoteExecutor(options),
    ecsScaleDown: createEcsScaleDownExecutor(options),
    ecsRollback: createEcsRollbackExecutor(options),
  };
}

export { createEcsDeployExecutor, createEcsPromoteExecutor, createEcsRollbackExecutor, createEcsScaleDownExecutor, createEcsTrafficShiftExecutor };
export { wallClock, type Clock, type ExecutorOptions } from "./context";
