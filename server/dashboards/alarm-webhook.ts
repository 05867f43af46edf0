/**
 * Verification alarms that fire after a successful production deployment make it a change failure, with no
 * tagging: a monitor (CloudWatch → SNS → a small relay, Datadog, Grafana, anything that can POST JSON with a header)
 * calls POST /api/v1/alarms with an API key of the project. The latest SUCCESSFUL production deployment of that
 * service to that environment that finished at most SLIPWAY_CHANGE_FAILURE_WINDOW_HOURS (default 24) before the
 * alarm fired gets failedLaterAt = firedAt and failedLaterCause = `alarm <name> fired`, audited in the same
 * transaction. Idempotent: a deployment already found bad (by an alarm or by a redeploy rollback) is left as it is,
 * and nothing is written. An alarm with no such deployment is not an error (alarms fire for other reasons too).
 */
import { z } from "zod";
import type { SessionUser } from "../auth/session";
import { recordAudit, userActor } from "../audit/record-audit";
import type { RequestInfo } from "../context";
import type { Db } from "../db";
import { CHANGE_FAILURE_WINDOW_MS } from "../engine/record-deployment";
import { AppError } from "../errors";
import { resolveProjectAccess } from "../projects/resolve-project-access";
import { can } from "../rbac";

export const AlarmBodySchema = z.object({
  service: z.string().trim().min(1, "the service name is required").max(200),
  environment: z.string().trim().min(1, "the environment name is required").max(200),
  alarm: z.string().trim().min(1, "the alarm name is required").max(500),
  firedAt: z.iso.datetime({ offset: true, message: "an ISO 8601 date-time, e.g. 2026-03-01T12:00:00Z" }).optional(),
  /** The project (id or slug); defaults to the API key's own project. */
  project: z.string().trim().min(1).max(200).optional(),
});

export type AlarmBody = z.infer<typeof AlarmBodySchema>;

const FUTURE_SKEW_MS = 5 * 60_000;

export async function recordVerificationAlarm(o: { db: Db; principal: SessionUser | null; body: unknown; request?: RequestInfo; now?: Date }) {
  if (!o.principal || o.principal.kind !== "apikey" || !o.principal.apiKey) throw new AppError("UNAUTHORIZED", "Send an API key of the project: Authorization: Bearer slk_…");
  const principal = o.principal;
  const parsed = AlarmBodySchema.safeParse(o.body ?? undefined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "body";
    throw new AppError("INVALID_INPUT", `${field}: ${issue?.message ?? "invalid"}`, { field });
  }
  const body = parsed.data;
  const now = o.now ?? new Date();
  const firedAt = body.firedAt ? new Date(body.firedAt) : now;
  if (firedAt.getTime() > now.getTime() + FUTURE_SKEW_MS) throw new AppError("INVALID_INPUT", "firedAt: is in the future", { field: "firedAt" });

  const projectId = body.project ? ((await o.db.project.findFirst({ where: { OR: [{ id: body.project }, { slug: body.project }] }, select: { id: true } }))?.id ?? body.project) : principal.apiKey!.projectId;
  const project = await resolveProjectAccess(o.db, principal, projectId);
  if (!can(project.role, "execution.control")) throw new AppError("FORBIDDEN", "Permission required: execution.control", { userMessage: `This API key's role (${project.role}) cannot report alarms (execution.control).` });

  const windowStart = new Date(firedAt.getTime() - CHANGE_FAILURE_WINDOW_MS);
  return o.db.$transaction(async (tx) => {
    const target = await tx.deployment.findFirst({
      where: { projectId: project.id, service: body.service, environment: body.environment, environmentType: "PRODUCTION", status: "SUCCESS", finishedAt: { lte: firedAt } },
      orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
      select: { id: true, executionId: true, version: true, finishedAt: true, failedLaterAt: true, failedLaterCause: true },
    });
    if (!target || target.finishedAt < windowStart) {
      const hours = CHANGE_FAILURE_WINDOW_MS / 3_600_000;
      return { outcome: "no-deployment" as const, message: `No successful production deployment of ${body.service} to ${body.environment} finished in the ${hours} h before the alarm fired; nothing was marked.`, deployment: null };
    }
    const deployment = { id: target.id, executionId: target.executionId, version: target.version, finishedAt: target.finishedAt };
    if (target.failedLaterAt) return { outcome: "already-marked" as const, message: `Already a change failure: ${target.failedLaterCause ?? "found bad later"}.`, deployment: { ...deployment, failedLaterAt: target.failedLaterAt, failedLaterCause: target.failedLaterCause } };
    const cause = `alarm ${body.alarm} fired`;
    const done = await tx.deployment.updateMany({ where: { id: target.id, failedLaterAt: null }, data: { failedLaterAt: firedAt, failedLaterCause: cause } });
    if (!done.count) {
      // Another call marked it between our read and our write.
      const now = await tx.deployment.findUniqueOrThrow({ where: { id: target.id }, select: { failedLaterAt: true, failedLaterCause: true } });
      return { outcome: "already-marked" as const, message: `Already a change failure: ${now.failedLaterCause ?? "found bad later"}.`, deployment: { ...deployment, ...now } };
    }
    await recordAudit(tx, {
      actor: userActor(principal),
      action: "deployment.failedLater",
      projectId: project.id,
      target: { type: "deployment", id: target.id },
      summary: { service: body.service, environment: body.environment, version: target.version, executionId: target.executionId, alarm: body.alarm, firedAt: firedAt.toISOString() },
      request: o.request,
    });
    return { outcome: "marked" as const, message: `Deployment of ${body.service} ${target.version} to ${body.environment} is now a change failure (${cause}).`, deployment: { ...deployment, failedLaterAt: firedAt, failedLaterCause: cause } };
  });
}
