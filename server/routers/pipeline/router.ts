import { userActor } from "../../audit/record-audit";
import { createPipeline } from "../../pipelines/create-pipeline";
import { deletePipeline } from "../../pipelines/delete-pipeline";
import { getPipeline } from "../../pipelines/get-pipeline";
import { listPipelines } from "../../pipelines/list-pipelines";
import { getRevision, listRevisions } from "../../pipelines/list-revisions";
import { renamePipeline } from "../../pipelines/rename-pipeline";
import { restoreRevision } from "../../pipelines/restore-revision";
import { savePipelineLayout } from "../../pipelines/save-layout";
import { savePipelineRevision } from "../../pipelines/save-pipeline-revision";
import { createTRPCRouter, projectProcedure } from "../../trpc";
import {
  CreatePipelineRequestSchema,
  PipelineByIdRequestSchema,
  RenamePipelineRequestSchema,
  RestoreRevisionRequestSchema,
  RevisionByNumberRequestSchema,
  SaveLayoutRequestSchema,
  SavePipelineRevisionRequestSchema,
} from "./pipeline.types";

const read = projectProcedure("pipeline.read");
const write = projectProcedure("pipeline.write");

export const pipelineRouter = createTRPCRouter({
  list: read.query(({ ctx }) => listPipelines({ db: ctx.db, projectId: ctx.project.id })),

  byId: read.input(PipelineByIdRequestSchema).query(({ ctx, input }) => getPipeline({ db: ctx.db, projectId: ctx.project.id, pipelineId: input.pipelineId })),

  create: write.input(CreatePipelineRequestSchema).mutation(({ ctx, input }) =>
    createPipeline({ db: ctx.db, ...input, projectId: ctx.project.id, userId: ctx.user.id, actor: userActor(ctx.user), request: ctx.request }),
  ),

  rename: write.input(RenamePipelineRequestSchema).mutation(({ ctx, input }) =>
    renamePipeline({ db: ctx.db, projectId: ctx.project.id, pipelineId: input.pipelineId, name: input.name, userId: ctx.user.id, actor: userActor(ctx.user), request: ctx.request }),
  ),

  delete: write.input(PipelineByIdRequestSchema).mutation(({ ctx, input }) =>
    deletePipeline({ db: ctx.db, projectId: ctx.project.id, pipelineId: input.pipelineId, actor: userActor(ctx.user), request: ctx.request }),
  ),

  saveRevision: write.input(SavePipelineRevisionRequestSchema).mutation(({ ctx, input }) =>
    savePipelineRevision({ db: ctx.db, ...input, projectId: ctx.project.id, userId: ctx.user.id, actor: userActor(ctx.user), request: ctx.request }),
  ),

  revisions: read.input(PipelineByIdRequestSchema).query(({ ctx, input }) => listRevisions({ db: ctx.db, projectId: ctx.project.id, pipelineId: input.pipelineId })),

  revision: read.input(RevisionByNumberRequestSchema).query(({ ctx, input }) => getRevision({ db: ctx.db, ...input, projectId: ctx.project.id })),

  restoreRevision: write.input(RestoreRevisionRequestSchema).mutation(({ ctx, input }) =>
    restoreRevision({ db: ctx.db, ...input, projectId: ctx.project.id, userId: ctx.user.id, actor: userActor(ctx.user), request: ctx.request }),
  ),

  saveLayout: write.input(SaveLayoutRequestSchema).mutation(({ ctx, input }) => savePipelineLayout({ db: ctx.db, projectId: ctx.project.id, pipelineId: input.pipelineId, layout: input.layout })),
});
