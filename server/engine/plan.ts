/**
 * The static shape of an execution, derived from the frozen spec: stages with their effective `needs`, rows of
 * steps (a parallel group is one row), and each step's effective failure strategy and `when`. Pure; rebuilt from
 * the revision's spec on every reconcile (cheap), so nothing about structure is duplicated in the database.
 */
import { buildStageGraph, parseDuration, type OnFailure, type PipelineSpec, type Step, type StepOrGroup } from "@slipway/pipeline-spec";

export type When = "onSuccess" | "onFailure" | "always";

export type StepPlan = {
  stepId: string;
  stageId: string;
  type: Step["type"];
  when: When;
  /** The step's own strategy, else the stage's, else fail. */
  onFailure: OnFailure;
  timeoutMs: number;
  selectors: string[];
  inRollback: boolean;
  /** wait: how long; approval: how long before it expires. */
  durationMs: number;
  /** approval: how many distinct approvals are needed. */
  minimumApprovals: number;
};

export type StagePlan = {
  stageId: string;
  name: string;
  needs: string[];
  when: When;
  rows: StepPlan[][];
  rollbackRows: StepPlan[][];
};

export type Plan = { stages: StagePlan[]; order: string[]; steps: Map<string, StepPlan> };

const FAIL: OnFailure = { action: "fail" };

function rowsOf(items: StepOrGroup[] | undefined, stage: PipelineSpec["stages"][number], inRollback: boolean): StepPlan[][] {
  return (items ?? []).map((item) => {
    const steps = item.type === "parallel" ? item.steps : [item];
    return steps.map((step) => ({
      stepId: step.id,
      stageId: stage.id,
      type: step.type,
      when: step.when ?? "onSuccess",
      onFailure: step.onFailure ?? stage.onFailure ?? FAIL,
      timeoutMs: step.timeout ? parseDuration(step.timeout) : 0,
      selectors: step.selectors ?? stage.selectors ?? [],
      inRollback,
      durationMs: step.type === "wait" ? parseDuration(step.duration) : step.type === "approval" ? parseDuration(step.timeout ?? "1d") : 0,
      minimumApprovals: step.type === "approval" ? step.approvers.minimum : 0,
    }));
  });
}

export function buildPlan(spec: PipelineSpec): Plan {
  const graph = buildStageGraph(spec);
  const stages = spec.stages.map((stage) => ({
    stageId: stage.id,
    name: stage.name ?? stage.id,
    needs: graph.deps.get(stage.id) ?? [],
    when: stage.when ?? "onSuccess",
    rows: rowsOf(stage.steps, stage, false),
    rollbackRows: rowsOf(stage.rollbackSteps, stage, true),
  }));
  const steps = new Map<string, StepPlan>();
  for (const s of stages) for (const row of [...s.rows, ...s.rollbackRows]) for (const p of row) steps.set(p.stepId, p);
  return { stages, order: graph.order, steps };
}
