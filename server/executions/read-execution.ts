/**
 * What the execution page needs in one read: the execution, its stages and every step attempt, the frozen spec
 * (for the graph), the recent transitions, and the cursor they were read at (the browser's stream resumes there).
 */
import type { Db } from "../db";
import { AppError } from "../errors";
import { displayInputs, parseStoredInputs } from "../engine/inputs";
import type { StudioWork } from "../engine/work";
import type { Progress } from "@slipway/pipeline-spec/protocol";
import { mayApprove } from "./decide-approval";
import type { Role } from "~/generated/prisma/enums";

export async function getExecution(o: { db: Db; projectId: string; executionId: string; user: { id: string; email: string }; role: Role }) {
  const exec = await o.db.execution.findFirst({
    where: { id: o.executionId, projectId: o.projectId },
    include: {
      pipeline: { select: { id: true, name: true } },
      revision: { select: { number: true, spec: true } },
      triggeredBy: { select: { name: true, email: true } },
      stages: { orderBy: { stageId: "asc" } },
      steps: { orderBy: [{ createdAt: "asc" }], include: { delegate: { select: { name: true } }, decisions: { include: { user: { select: { name: true, email: true } } }, orderBy: { createdAt: "asc" } } } },
    },
  });
  if (!exec) throw new AppError("NOT_FOUND", "Execution not found", { field: "executionId" });
  const events = await o.db.executionEvent.findMany({ where: { executionId: exec.id }, orderBy: { cursor: "desc" }, take: 300 });
  return {
    id: exec.id,
    sequenceId: exec.sequenceId,
    status: exec.status,
    trigger: exec.trigger,
    pauseRequested: exec.pauseRequested,
    abortRequested: exec.abortRequested,
    createdAt: exec.createdAt,
    startedAt: exec.startedAt,
    finishedAt: exec.finishedAt,
    triggeredBy: exec.triggeredBy,
    pipeline: exec.pipeline,
    revision: exec.revision.number,
    spec: exec.revision.spec,
    inputs: displayInputs(parseStoredInputs(exec.inputs)),
    cursor: exec.cursor.toString(),
    stages: exec.stages.map((s) => ({ stageId: s.stageId, status: s.status, reason: s.reason, startedAt: s.startedAt, finishedAt: s.finishedAt })),
    steps: exec.steps.map((s) => {
      const work = s.work as StudioWork | null;
      return {
        id: s.id,
        stageId: s.stageId,
        stepId: s.stepId,
        attempt: s.attempt,
        inRollback: s.inRollback,
        type: s.type,
        status: s.status,
        outcome: s.outcome,
        conclusion: s.conclusion,
        message: s.message,
        exitCode: s.exitCode,
        delegate: s.delegate?.name ?? null,
        placement: s.placement,
        logLines: s.logLines,
        progress: (s.progress ?? null) as Progress | null,
        outputs: (s.outputs ?? {}) as Record<string, string>,
        createdAt: s.createdAt,
        queuedAt: s.queuedAt,
        startedAt: s.startedAt,
        finishedAt: s.finishedAt,
        waitUntil: s.waitUntil,
        cancelRequested: s.cancelRequested,
        approval: work?.kind === "approval" ? { message: work.message, roles: work.roles, users: work.users, minimum: work.minimum, youMay: mayApprove(work, o.user, o.role).ok } : null,
        decisions: s.decisions.map((d) => ({ decision: d.decision, comment: d.comment, at: d.createdAt, by: d.user.name || d.user.email })),
      };
    }),
    events: events.reverse().map((e) => ({ cursor: e.cursor.toString(), at: e.at, scope: e.scope, stageId: e.stageId, stepRunId: e.stepRunId, from: e.from, to: e.to, cause: e.cause })),
  };
}

export async function listExecutions(o: { db: Db; projectId: string; pipelineId?: string; take: number }) {
  const rows = await o.db.execution.findMany({
    where: { projectId: o.projectId, ...(o.pipelineId ? { pipelineId: o.pipelineId } : {}) },
    orderBy: { createdAt: "desc" },
    take: o.take,
    select: { id: true, sequenceId: true, status: true, trigger: true, createdAt: true, startedAt: true, finishedAt: true, pipeline: { select: { id: true, name: true } }, triggeredBy: { select: { name: true, email: true } }, revision: { select: { number: true } } },
  });
  return rows.map((r) => ({ ...r, revision: r.revision.number, durationMs: r.startedAt ? (r.finishedAt ?? new Date()).getTime() - r.startedAt.getTime() : null }));
}
