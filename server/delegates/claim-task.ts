/**
 * A delegate claims a queued step. Idempotent: the same claimId from the same delegate gets the same lease back
 * (a retried request after a lost response must not look like a second claim). The first claim wins; the step's
 * secrets are resolved here, for this task only, and audited as a secret access by that delegate.
 */
import type { ClaimResponse, Work } from "@slipway/pipeline-spec/protocol";
import { resolveExpressions } from "@slipway/pipeline-spec";
import { Prisma } from "~/generated/prisma/client";
import type { Db, Tx } from "../db";
import { recordAudit } from "../audit/record-audit";
import { allocateCursor } from "../engine/events";
import { parseStoredInputs, unsealInputs } from "../engine/inputs";
import { frozenRevision, lockExecutionOfStep } from "../engine/load-state";
import { unseal } from "../secrets/crypto";
import type { DelegateCaller } from "./authenticate";
import { place, loadDelegate } from "./placement";
import { DelegateProtocolError } from "./protocol-error";
import { DELEGATE_TIMINGS } from "./timings";

export async function claimTask(o: { db: Db; caller: DelegateCaller; taskId: string; claimId: string }): Promise<ClaimResponse> {
  const delegate = o.caller.delegate!;
  return o.db.$transaction(async (tx) => {
    if (!(await lockExecutionOfStep(tx, o.taskId))) throw new DelegateProtocolError("not_found", "no such task");
    const step = await tx.stepRun.findUniqueOrThrow({ where: { id: o.taskId }, include: { execution: { select: { id: true, projectId: true, sequenceId: true, inputs: true, revisionId: true } } } });
    const now = Date.now();
    const lease = { expiresAt: now + DELEGATE_TIMINGS.leaseTtlMs };
    if (step.status === "RUNNING" && step.delegateId === delegate.id && step.claimId === o.claimId) {
      await tx.stepRun.update({ where: { id: step.id }, data: { leaseExpiresAt: new Date(lease.expiresAt) } });
      return { task: await taskPayload(tx, step), lease: { fencingToken: step.fencingToken!, expiresAt: lease.expiresAt } };
    }
    if (step.status !== "QUEUED") throw new DelegateProtocolError("conflict", `the task is ${step.status.toLowerCase()}, no longer claimable`);
    const me = await loadDelegate(tx, delegate.id);
    const verdict = place(step.selectors, me, now, step.type).delegates[0];
    if (!verdict?.eligible) throw new DelegateProtocolError("conflict", `this delegate cannot take the task: ${verdict?.reason ?? "unknown delegate"}`);
    const cursor = await allocateCursor(tx, step.executionId, 1);
    const fencingToken = Number(cursor);
    const claimed = await tx.stepRun.updateMany({
      where: { id: step.id, status: "QUEUED" },
      data: { status: "RUNNING", delegateId: delegate.id, claimId: o.claimId, fencingToken, leaseExpiresAt: new Date(lease.expiresAt), startedAt: new Date(now) },
    });
    if (claimed.count !== 1) throw new DelegateProtocolError("conflict", "another delegate claimed the task first");
    await tx.executionEvent.create({ data: { executionId: step.executionId, cursor, scope: "step", stageId: step.stageId, stepRunId: step.id, from: "QUEUED", to: "RUNNING", cause: `claimed by delegate ${delegate.name}` } });
    const task = await taskPayload(tx, { ...step, fencingToken });
    return { task, lease: { fencingToken, expiresAt: lease.expiresAt } };
  });
}

type StepWithExecution = Awaited<ReturnType<Tx["stepRun"]["findUniqueOrThrow"]>> & { execution: { id: string; projectId: string; inputs: unknown; revisionId: string } };

/** The work with secrets and secret variables filled in, and every value the delegate must mask. */
async function taskPayload(tx: Tx, step: StepWithExecution) {
  // The revision's spec from the engine's per-revision cache: revisions never change once saved.
  const { spec } = await frozenRevision(tx, step.execution.revisionId);
  const secretVars = unsealInputs(parseStoredInputs(step.execution.inputs), step.execution.id);
  for (const v of spec.variables ?? []) if (v.type === "secret" && !(v.name in secretVars) && typeof v.default === "string") secretVars[v.name] = v.default;
  const secrets = await tx.secret.findMany({ where: { projectId: step.execution.projectId }, select: { name: true, sealed: true } });
  const byName = new Map(secrets.map((s) => [s.name, s]));
  const used = new Set<string>();
  const mask = new Set<string>();
  const secretValue = (name: string) => {
    const s = byName.get(name);
    if (!s) return undefined;
    const value = unseal(s.sealed, `secret:${step.execution.projectId}:${name}`);
    used.add(name);
    mask.add(value);
    return value;
  };
  const ctx = { pipeline: { name: spec.name, sequenceId: 0, executionId: step.execution.id, variables: secretVars }, secret: secretValue };
  const fill = (value: string): string => {
    // Pass 1 fills secret variables (whose values may themselves be secret expressions); pass 2 fills secrets.
    const vars = resolveExpressions(value, ctx, { secrets: "keep" });
    if ("error" in vars) throw new DelegateProtocolError("invalid", `cannot resolve ${vars.error.expr}: ${vars.error.message}`);
    const filled = resolveExpressions(vars.value, ctx, { secrets: "resolve" });
    if ("error" in filled) throw new DelegateProtocolError("invalid", `cannot resolve ${filled.error.expr}: ${filled.error.message}`);
    return filled.value;
  };
  const work = mapStrings(step.work as Work, fill) as Work;
  for (const v of Object.values(unsealInputs(parseStoredInputs(step.execution.inputs), step.execution.id))) mask.add(v);
  if (used.size) await recordAudit(tx, { actor: { type: "delegate", id: step.delegateId, label: `delegate ${step.delegateId}` }, action: "secret.access", projectId: step.execution.projectId, target: { type: "stepRun", id: step.id }, summary: { secrets: [...used], stepId: step.stepId, executionId: step.executionId } });
  return { taskId: step.id, executionId: step.executionId, stepId: step.stepId, attempt: step.attempt, timeoutMs: step.timeoutMs, work, mask: [...mask].filter((m) => m.length > 0), nextLogSeq: step.logSeq + 1, stageOutputs: await stageOutputs(tx, step) };
}

/**
 * Outputs of the other steps of this stage that finished (newest attempt per step wins), for strategy steps that
 * follow — including failed ones: a deploy that failed half-way still says what it changed, which its rollback needs.
 */
async function stageOutputs(tx: Tx, step: { executionId: string; stageId: string; stepId: string }) {
  const done = await tx.stepRun.findMany({ where: { executionId: step.executionId, stageId: step.stageId, status: { in: ["SUCCESS", "FAILED", "IGNORED"] }, stepId: { not: step.stepId }, outputs: { not: Prisma.DbNull } }, orderBy: { attempt: "asc" }, select: { stepId: true, outputs: true } });
  return Object.fromEntries(done.filter((d) => d.outputs).map((d) => [d.stepId, d.outputs as Record<string, string>]));
}

function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  return value;
}
