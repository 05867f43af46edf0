/**
 * When a stage that deploys a service to an environment ends, it is a deployment: one row with status, version,
 * who, when and the change time the trigger gave (DORA lead time). Written in the reconcile's transaction.
 * Automatic change-failure detection: a production deployment that puts back the version that was live before
 * the previous one, within the watch window, marks that previous deployment as failed later ("rolled back by
 * redeploying"), no tagging needed. Alarm notifications do the same (server/dashboards/alarm-webhook.ts).
 */
import type { Tx } from "../db";

export const CHANGE_FAILURE_WINDOW_MS = Number(process.env.SLIPWAY_CHANGE_FAILURE_WINDOW_HOURS ?? 24) * 3_600_000;

type Context = { records?: Record<string, { service?: { name: string }; environment?: { name: string; type: string } }>; versions?: Record<string, string> };

export async function recordDeployment(tx: Tx, executionId: string, stageId: string, status: string, finishedAt: Date): Promise<void> {
  if (!["SUCCESS", "FAILED", "ROLLED_BACK", "ABORTED"].includes(status)) return;
  const exec = await tx.execution.findUniqueOrThrow({ where: { id: executionId }, select: { projectId: true, pipelineId: true, context: true, triggeredById: true, triggerInfo: true, startedAt: true, createdAt: true } });
  const ctx = exec.context as Context;
  const rec = ctx.records?.[stageId];
  if (!rec?.service || !rec.environment) return;
  const stage = await tx.stageRun.findUnique({ where: { executionId_stageId: { executionId, stageId } }, select: { startedAt: true } });
  if (!stage?.startedAt) return; // never started: nothing was deployed
  const info = exec.triggerInfo as { commitTime?: string; artifactTime?: string };
  const changeAt = new Date(info.commitTime ?? info.artifactTime ?? (exec.startedAt ?? exec.createdAt).toISOString());
  const version = ctx.versions?.[stageId] ?? "unknown";
  const row = {
    projectId: exec.projectId,
    executionId,
    stageId,
    pipelineId: exec.pipelineId,
    service: rec.service.name,
    environment: rec.environment.name,
    environmentType: rec.environment.type,
    status,
    version,
    triggeredById: exec.triggeredById,
    changeAt,
    startedAt: stage.startedAt,
    finishedAt,
  };
  await tx.deployment.upsert({ where: { executionId_stageId: { executionId, stageId } }, create: row, update: { status, finishedAt } });
  if (status === "SUCCESS") await detectRedeployRollback(tx, row);
}

/** A successful deploy of the version that ran before the latest successful one, soon after it: the latest was bad. */
async function detectRedeployRollback(tx: Tx, d: { projectId: string; service: string; environment: string; version: string; finishedAt: Date; executionId: string }) {
  const previous = await tx.deployment.findMany({
    where: { projectId: d.projectId, service: d.service, environment: d.environment, status: "SUCCESS", executionId: { not: d.executionId }, finishedAt: { lt: d.finishedAt } },
    orderBy: { finishedAt: "desc" },
    take: 2,
  });
  const [latest, before] = previous;
  if (!latest || !before || latest.failedLaterAt) return;
  if (before.version === d.version && latest.version !== d.version && d.finishedAt.getTime() - latest.finishedAt.getTime() <= CHANGE_FAILURE_WINDOW_MS) {
    await tx.deployment.update({ where: { id: latest.id }, data: { failedLaterAt: d.finishedAt, failedLaterCause: `rolled back by redeploying ${d.version}` } });
  }
}
