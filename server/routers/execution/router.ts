import { userActor } from "../../audit/record-audit";
import { startExecution } from "../../engine/start-execution";
import { abortExecution, interveneStep, pauseExecution, resumeExecution, retryExecution } from "../../executions/control-execution";
import { decideApproval } from "../../executions/decide-approval";
import { getExecution, listExecutions } from "../../executions/read-execution";
import { readLogLines, searchLog } from "../../executions/read-logs";
import { createTRPCRouter, projectProcedure } from "../../trpc";
import { ApprovalRequestSchema, ExecutionByIdRequestSchema, InterveneRequestSchema, ListExecutionsRequestSchema, LogLinesRequestSchema, SearchLogRequestSchema, StartExecutionRequestSchema } from "./execution.types";

const read = projectProcedure("execution.read");
const control = projectProcedure("execution.control");

export const executionRouter = createTRPCRouter({
  start: projectProcedure("pipeline.execute")
    .input(StartExecutionRequestSchema)
    .mutation(({ ctx, input }) =>
      startExecution({ db: ctx.db, projectId: ctx.project.id, pipelineId: input.pipelineId, revision: input.revision, inputs: input.inputs, userId: ctx.user.id, actor: userActor(ctx.user), trigger: ctx.user.kind === "apikey" ? "api" : "manual", request: ctx.request, caller: { user: ctx.user, role: ctx.project.role }, triggerInfo: input.triggerInfo }),
    ),

  list: read.input(ListExecutionsRequestSchema).query(({ ctx, input }) => listExecutions({ db: ctx.db, projectId: ctx.project.id, pipelineId: input.pipelineId, take: input.take })),

  byId: read.input(ExecutionByIdRequestSchema).query(({ ctx, input }) => getExecution({ db: ctx.db, projectId: ctx.project.id, executionId: input.executionId, user: ctx.user, role: ctx.project.role })),

  logLines: read.input(LogLinesRequestSchema).query(({ ctx, input }) => readLogLines({ db: ctx.db, ...input, projectId: ctx.project.id })),

  searchLog: read.input(SearchLogRequestSchema).query(({ ctx, input }) => searchLog({ db: ctx.db, ...input, projectId: ctx.project.id })),

  approve: projectProcedure("execution.approve")
    .input(ApprovalRequestSchema)
    .mutation(({ ctx, input }) => decideApproval({ db: ctx.db, projectId: ctx.project.id, stepRunId: input.stepRunId, decision: "APPROVED", comment: input.comment, user: ctx.user, role: ctx.project.role, actor: userActor(ctx.user), request: ctx.request })),

  reject: projectProcedure("execution.approve")
    .input(ApprovalRequestSchema)
    .mutation(({ ctx, input }) => decideApproval({ db: ctx.db, projectId: ctx.project.id, stepRunId: input.stepRunId, decision: "REJECTED", comment: input.comment, user: ctx.user, role: ctx.project.role, actor: userActor(ctx.user), request: ctx.request })),

  pause: control.input(ExecutionByIdRequestSchema).mutation(({ ctx, input }) => pauseExecution({ db: ctx.db, projectId: ctx.project.id, executionId: input.executionId, userId: ctx.user.id, actor: userActor(ctx.user), request: ctx.request })),
  resume: control.input(ExecutionByIdRequestSchema).mutation(({ ctx, input }) => resumeExecution({ db: ctx.db, projectId: ctx.project.id, executionId: input.executionId, userId: ctx.user.id, actor: userActor(ctx.user), request: ctx.request })),
  abort: control.input(ExecutionByIdRequestSchema).mutation(({ ctx, input }) => abortExecution({ db: ctx.db, projectId: ctx.project.id, executionId: input.executionId, userId: ctx.user.id, actor: userActor(ctx.user), request: ctx.request })),
  retry: control.input(ExecutionByIdRequestSchema).mutation(({ ctx, input }) => retryExecution({ db: ctx.db, projectId: ctx.project.id, executionId: input.executionId, userId: ctx.user.id, actor: userActor(ctx.user), request: ctx.request })),
  intervene: control.input(InterveneRequestSchema).mutation(({ ctx, input }) => interveneStep({ db: ctx.db, projectId: ctx.project.id, executionId: input.executionId, stepRunId: input.stepRunId, choice: input.choice, userId: ctx.user.id, actor: userActor(ctx.user), request: ctx.request })),
});
