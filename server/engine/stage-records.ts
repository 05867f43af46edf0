/**
 * The records each stage deploys with — its service, environment and infrastructure, named in the pipeline —
 * read once at start and frozen into the execution (a record edited mid-run does not change a running
 * deployment). A stage naming a record that does not exist refuses the start, naming the field.
 */
import { EcsInfrastructureSpecSchema, InfrastructureSpecSchema, ServiceSpecSchema, VariablesSchema, type InfrastructureSpec, type ServiceSpec, type Variable } from "@slipway/pipeline-spec/records";
import type { PipelineSpec } from "@slipway/pipeline-spec";
import type { Tx } from "../db";
import { AppError } from "../errors";

export type StageRecords = {
  service?: { name: string; spec: ServiceSpec };
  environment?: { name: string; type: string; variables: Variable[]; policy: unknown };
  infrastructure?: { name: string; environment: string; spec: InfrastructureSpec };
};
export type ExecutionRecords = Record<string, StageRecords>;

export async function loadStageRecords(tx: Tx, projectId: string, spec: PipelineSpec): Promise<ExecutionRecords> {
  const out: ExecutionRecords = {};
  for (const stage of spec.stages) {
    const r: StageRecords = {};
    const where = (what: string) => `stages.${stage.id}.${what}`;
    if (stage.service) {
      const s = await tx.service.findUnique({ where: { projectId_name: { projectId, name: stage.service } }, select: { name: true, spec: true } });
      if (!s) throw new AppError("INVALID_INPUT", `Stage ${stage.id} deploys service "${stage.service}", which does not exist in this project`, { field: where("service") });
      r.service = { name: s.name, spec: ServiceSpecSchema.parse(s.spec) };
    }
    if (stage.environment) {
      const e = await tx.environment.findUnique({ where: { projectId_name: { projectId, name: stage.environment } }, select: { name: true, type: true, variables: true, policy: true } });
      if (!e) throw new AppError("INVALID_INPUT", `Stage ${stage.id} deploys to environment "${stage.environment}", which does not exist in this project`, { field: where("environment") });
      r.environment = { name: e.name, type: e.type, variables: VariablesSchema.parse(e.variables), policy: e.policy };
    }
    if (stage.infrastructure) {
      const i = await tx.infrastructure.findUnique({ where: { projectId_name: { projectId, name: stage.infrastructure } }, select: { name: true, spec: true, environment: { select: { name: true } } } });
      if (!i) throw new AppError("INVALID_INPUT", `Stage ${stage.id} uses infrastructure "${stage.infrastructure}", which does not exist in this project`, { field: where("infrastructure") });
      if (stage.environment && i.environment.name !== stage.environment) {
        throw new AppError("INVALID_INPUT", `Infrastructure "${i.name}" belongs to environment "${i.environment.name}", not "${stage.environment}"`, { field: where("infrastructure") });
      }
      r.infrastructure = { name: i.name, environment: i.environment.name, spec: InfrastructureSpecSchema.parse(i.spec) };
    }
    out[stage.id] = r;
  }
  return out;
}

export { EcsInfrastructureSpecSchema };
