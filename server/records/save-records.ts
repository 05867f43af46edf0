/**
 * Create-or-update for the three record kinds, keyed by name within a project. Inputs arrive already parsed by the
 * procedure's zod schema (so a bad field is reported by name); each write is audited in the same transaction.
 */
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type AuditActor } from "../audit/record-audit";
import type { RequestInfo } from "../context";
import type { SaveEnvironmentRequest, SaveInfrastructureRequest, SaveServiceRequest } from "./record.types";

type Common = { db: Db; projectId: string; actor: AuditActor; request?: RequestInfo };

export async function saveService(o: Common & { input: SaveServiceRequest }) {
  const { name, description, spec } = o.input;
  return o.db.$transaction(async (tx) => {
    const saved = await tx.service.upsert({
      where: { projectId_name: { projectId: o.projectId, name } },
      create: { projectId: o.projectId, name, description, type: spec.type, spec: spec as object },
      update: { description, type: spec.type, spec: spec as object },
      select: { id: true, name: true, type: true, updatedAt: true },
    });
    await recordAudit(tx, { actor: o.actor, action: "service.save", projectId: o.projectId, target: { type: "service", id: saved.id }, summary: { name, type: spec.type }, request: o.request });
    return saved;
  });
}

export async function saveEnvironment(o: Common & { input: SaveEnvironmentRequest }) {
  const { name, description, type, variables, policy } = o.input;
  return o.db.$transaction(async (tx) => {
    const saved = await tx.environment.upsert({
      where: { projectId_name: { projectId: o.projectId, name } },
      create: { projectId: o.projectId, name, description, type, variables, policy },
      update: { description, type, variables, policy },
      select: { id: true, name: true, type: true, updatedAt: true },
    });
    const summary = { name, type, variables: variables.map((v) => v.name), policy };
    await recordAudit(tx, { actor: o.actor, action: "environment.save", projectId: o.projectId, target: { type: "environment", id: saved.id }, summary, request: o.request });
    return saved;
  });
}

export async function saveInfrastructure(o: Common & { input: SaveInfrastructureRequest }) {
  const { name, description, environment, spec } = o.input;
  return o.db.$transaction(async (tx) => {
    const env = await tx.environment.findUnique({ where: { projectId_name: { projectId: o.projectId, name: environment } }, select: { id: true } });
    if (!env) throw new AppError("INVALID_INPUT", `Environment "${environment}" does not exist in this project`, { field: "environment" });
    const saved = await tx.infrastructure.upsert({
      where: { projectId_name: { projectId: o.projectId, name } },
      create: { projectId: o.projectId, environmentId: env.id, name, description, type: spec.type, spec: spec as object },
      update: { environmentId: env.id, description, type: spec.type, spec: spec as object },
      select: { id: true, name: true, type: true, updatedAt: true },
    });
    await recordAudit(tx, { actor: o.actor, action: "infrastructure.save", projectId: o.projectId, target: { type: "infrastructure", id: saved.id }, summary: { name, type: spec.type, environment }, request: o.request });
    return saved;
  });
}

const KINDS = { service: "service", environment: "environment", infrastructure: "infrastructure" } as const;
export type RecordKind = keyof typeof KINDS;

export async function deleteRecord(o: Common & { kind: RecordKind; name: string }) {
  return o.db.$transaction(async (tx) => {
    const where = { projectId: o.projectId, name: o.name };
    const model = tx[o.kind] as unknown as { deleteMany(a: { where: typeof where }): Promise<{ count: number }> };
    if (o.kind === "environment") {
      const used = await tx.infrastructure.count({ where: { projectId: o.projectId, environment: { name: o.name } } });
      if (used) throw new AppError("PRECONDITION_FAILED", `Environment "${o.name}" still has ${used} infrastructure definition(s); delete or move them first`, { field: "name" });
    }
    const { count } = await model.deleteMany({ where });
    if (!count) throw new AppError("NOT_FOUND", `No ${o.kind} named "${o.name}"`, { field: "name" });
    await recordAudit(tx, { actor: o.actor, action: `${o.kind}.delete`, projectId: o.projectId, target: { type: o.kind, id: o.name }, request: o.request });
    return { name: o.name };
  });
}
