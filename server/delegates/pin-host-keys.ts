/**
 * Trust on first use, only where the infrastructure opted in: an SSH step reports the keys it accepted for hosts
 * that had none pinned (output `learnedHostKeys`: {"host:port": "SHA256:…"}), and they are pinned on the
 * infrastructure record, so every later connection must present the same key. A changed key is never accepted:
 * the delegate refuses it before this point.
 */
import { InfrastructureSpecSchema } from "@slipway/pipeline-spec/records";
import type { Tx } from "../db";
import { recordAudit } from "../audit/record-audit";

export async function pinLearnedHostKeys(tx: Tx, stepRunId: string, outputs: Record<string, string>): Promise<void> {
  if (!outputs.learnedHostKeys) return;
  const learned = JSON.parse(outputs.learnedHostKeys) as Record<string, string>;
  const step = await tx.stepRun.findUniqueOrThrow({ where: { id: stepRunId }, select: { stageId: true, execution: { select: { projectId: true, context: true } } } });
  const infraName = (step.execution.context as { records?: Record<string, { infrastructure?: { name: string } }> }).records?.[step.stageId]?.infrastructure?.name;
  if (!infraName) return;
  const infra = await tx.infrastructure.findUnique({ where: { projectId_name: { projectId: step.execution.projectId, name: infraName } } });
  if (!infra) return;
  const spec = InfrastructureSpecSchema.parse(infra.spec);
  if (spec.type !== "SSH" || !spec.trustOnFirstUse) return;
  const pinned: string[] = [];
  for (const g of spec.hostGroups) {
    for (const h of g.hosts) {
      const key = learned[`${h.hostname}:${h.port}`];
      if (key && !h.hostKey) {
        h.hostKey = key;
        pinned.push(`${h.hostname}:${h.port}`);
      }
    }
  }
  if (!pinned.length) return;
  await tx.infrastructure.update({ where: { id: infra.id }, data: { spec: spec as object } });
  await recordAudit(tx, { actor: { type: "system", id: null, label: "trust on first use" }, action: "infrastructure.pinHostKeys", projectId: step.execution.projectId, target: { type: "infrastructure", id: infra.id }, summary: { hosts: pinned } });
}
