/**
 * Approve or reject an approval step. Who may: a user whose role allows approving (the permission table) AND who
 * is named by the step — by role or by email. Each person decides once; the decision, its author and comment are
 * kept, and the reconcile that follows moves the step (approved when enough people approved, rejected at once).
 */
import type { Role } from "~/generated/prisma/enums";
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type AuditActor } from "../audit/record-audit";
import type { RequestInfo } from "../context";
import { recordTransitions } from "../engine/events";
import { lockExecution } from "../engine/load-state";
import { enqueueReconcile } from "../engine/queue";
import type { StudioWork } from "../engine/work";
import type { SessionUser } from "../auth/session";
import { assertMayApproveIn } from "./environment-policy";

const SPEC_ROLE: Record<string, Role> = { Admin: "ADMIN", PipelineAdmin: "PIPELINE_ADMIN", PipelineExecutor: "PIPELINE_EXECUTOR", Viewer: "VIEWER" };

export function mayApprove(work: StudioWork | null, user: { email: string }, role: Role): { ok: boolean; reason: string } {
  if (!work || work.kind !== "approval") return { ok: false, reason: "not an approval step" };
  const byRole = work.roles.some((r) => SPEC_ROLE[r] === role);
  const byName = work.users.includes(user.email.toLowerCase());
  if (byRole || byName) return { ok: true, reason: byName ? "named approver" : `role ${role}` };
  return { ok: false, reason: `approvers are ${[...work.roles, ...work.users].join(", ")}` };
}

export async function decideApproval(o: { db: Db; projectId: string; stepRunId: string; decision: "APPROVED" | "REJECTED"; comment: string; user: SessionUser; role: Role; actor: AuditActor; request?: RequestInfo }) {
  const peek = await o.db.stepRun.findFirst({ where: { id: o.stepRunId, execution: { projectId: o.projectId } }, select: { executionId: true } });
  if (!peek) throw new AppError("NOT_FOUND", "Step not found", { field: "stepRunId" });
  return o.db.$transaction(async (tx) => {
    await lockExecution(tx, peek.executionId);
    const step = await tx.stepRun.findUniqueOrThrow({ where: { id: o.stepRunId } });
    if (step.status !== "APPROVAL_REQUIRED") throw new AppError("PRECONDITION_FAILED", `This approval is ${step.status.toLowerCase().replace("_", " ")}, not waiting`);
    const allowed = mayApprove(step.work as StudioWork | null, o.user, o.role);
    if (!allowed.ok) throw new AppError("FORBIDDEN", `You are not an approver of this step (${allowed.reason})`);
    const exec = await tx.execution.findUniqueOrThrow({ where: { id: step.executionId }, select: { triggeredById: true, context: true } });
    const env = (exec.context as { records?: Record<string, { environment?: { name: string; type: string; policy: unknown } }> }).records?.[step.stageId]?.environment;
    if (env) assertMayApproveIn(env, o.user, o.role, exec.triggeredById);
    const existing = await tx.approvalDecision.findUnique({ where: { stepRunId_userId: { stepRunId: step.id, userId: o.user.id } } });
    if (existing) throw new AppError("CONFLICT", `You already ${existing.decision.toLowerCase()} this step`);
    await tx.approvalDecision.create({ data: { stepRunId: step.id, userId: o.user.id, decision: o.decision, comment: o.comment } });
    const cause = `${o.decision === "APPROVED" ? "approved" : "rejected"} by ${o.actor.label}${o.comment ? `: ${o.comment}` : ""}`;
    if (o.decision === "REJECTED") {
      await tx.stepRun.update({ where: { id: step.id }, data: { status: "REJECTED", outcome: "failure", message: cause, finishedAt: new Date() } });
      await recordTransitions(tx, step.executionId, [{ scope: "step", id: step.id, stageId: step.stageId, from: "APPROVAL_REQUIRED", to: "REJECTED", cause }], o.user.id);
    } else {
      await recordTransitions(tx, step.executionId, [{ scope: "step", id: step.id, stageId: step.stageId, from: "APPROVAL_REQUIRED", to: "APPROVAL_REQUIRED", cause }], o.user.id);
    }
    await recordAudit(tx, { actor: o.actor, action: `approval.${o.decision === "APPROVED" ? "approve" : "reject"}`, projectId: o.projectId, target: { type: "stepRun", id: step.id }, summary: { stepId: step.stepId, executionId: step.executionId, comment: o.comment }, request: o.request });
    await enqueueReconcile(tx, step.executionId);
    return { ok: true };
  });
}
