import type { Db } from "../db";
import type { AuditActor } from "../audit/record-audit";
import { recordAudit } from "../audit/record-audit";
import type { RequestInfo } from "../context";
import { assertPipelineNameFree } from "./pipeline-name";
import { parsePipelineOrThrow } from "./parse-pipeline-or-throw";
import { starterPipelineYaml } from "./starter-yaml";

export type CreatePipelineOptions = {
  db: Db;
  projectId: string;
  /** Used for the starter document. When `yaml` is given, the document's own `name` wins. */
  name: string;
  description?: string;
  yaml?: string;
  userId: string;
  actor: AuditActor;
  request?: RequestInfo;
};

/** Creates a pipeline with revision 1. Invalid YAML is refused before anything is written. */
export async function createPipeline(o: CreatePipelineOptions) {
  const yaml = o.yaml ?? starterPipelineYaml(o.name, o.description);
  const { spec } = parsePipelineOrThrow(yaml);
  const name = o.yaml ? spec.name : o.name;
  return o.db.$transaction(async (tx) => {
    await assertPipelineNameFree(tx, o.projectId, name);
    const pipeline = await tx.pipeline.create({
      data: {
        projectId: o.projectId,
        name,
        description: spec.description ?? o.description ?? "",
        headRevision: 1,
        revisions: { create: { number: 1, yaml, spec: spec as object, authorId: o.userId, message: "Created" } },
      },
      select: { id: true, name: true, headRevision: true },
    });
    await recordAudit(tx, { actor: o.actor, action: "pipeline.create", projectId: o.projectId, target: { type: "pipeline", id: pipeline.id }, summary: { name }, request: o.request });
    return pipeline;
  });
}
