/**
 * Pipeline spec → graph model: stages are compound nodes, steps are nodes inside them, `needs` are edges between
 * stages and the order of steps is a chain inside each stage (parallel groups fan out and back in). Pure and
 * position-free: layout.ts places it. The graph is a projection of the document, never a second source of truth.
 */
import { buildStageGraph, type PipelineSpec, type Step, type StepOrGroup } from "@slipway/pipeline-spec";
import { keySetting } from "../registry";

export type StepSummary = { stepId: string; stepType: Step["type"]; name: string; key: string; inRollback: boolean; group?: string };
export type GraphStage = { stageId: string; label: string; rows: StepSummary[][]; rollbackRows: StepSummary[][] };
export type GraphModel = { stages: GraphStage[]; needs: { from: string; to: string }[] };

export const stageNodeId = (stageId: string) => `stage:${stageId}`;
export const stepNodeId = (stepId: string) => `step:${stepId}`;
/** The frame drawn around a parallel group's row (group ids share the step id namespace). */
export const groupNodeId = (groupId: string) => `group:${groupId}`;

function rowsOf(items: StepOrGroup[], inRollback: boolean): StepSummary[][] {
  return items.map((item) => {
    const steps = item.type === "parallel" ? item.steps : [item];
    const group = item.type === "parallel" ? item.id : undefined;
    return steps.map((s) => ({ stepId: s.id, stepType: s.type, name: s.name ?? s.id, key: keySetting(s), inRollback, ...(group ? { group } : {}) }));
  });
}

export function specToGraph(spec: PipelineSpec): GraphModel {
  const { deps } = buildStageGraph(spec);
  const stages = spec.stages.map((stage) => ({
    stageId: stage.id,
    label: stage.name ?? stage.id,
    rows: rowsOf(stage.steps, false),
    rollbackRows: rowsOf(stage.rollbackSteps ?? [], true),
  }));
  const needs = spec.stages.flatMap((stage) => (deps.get(stage.id) ?? []).map((from) => ({ from, to: stage.id })));
  return { stages, needs };
}
