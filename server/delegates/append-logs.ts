/**
 * Stores a delegate's log chunks: contiguous per step attempt (chunk N only after N-1; a chunk seen before is
 * acknowledged and ignored), numbered lines, and an execution cursor per chunk for the browsers' streams —
 * stored first, then fanned out (the NOTIFY is delivered at commit). Lines are already masked by the delegate.
 */
import { MAX_LOG_LINE_CHARS, type LogChunk } from "@slipway/pipeline-spec/protocol";
import type { Db } from "../db";
import { allocateCursor } from "../engine/events";
import { lockExecutionOfStep } from "../engine/load-state";
import { DelegateProtocolError } from "./protocol-error";
import { requireLease } from "./task-lease";

export async function appendLogs(o: { db: Db; delegateId: string; taskId: string; fencingToken: number; chunks: LogChunk[] }): Promise<{ ackedThrough: number }> {
  return o.db.$transaction(async (tx) => {
    if (!(await lockExecutionOfStep(tx, o.taskId))) throw new DelegateProtocolError("not_found", "no such task");
    const step = await requireLease(tx, o.taskId, o.delegateId, o.fencingToken, { forUpdate: true });
    if (step.status !== "RUNNING") throw new DelegateProtocolError("lease_lost", `the task is ${step.status.toLowerCase()}; logs are closed`);
    const chunks = [...o.chunks].sort((a, b) => a.seq - b.seq).filter((c) => c.seq > step.logSeq);
    if (!chunks.length) return { ackedThrough: step.logSeq };
    if (chunks[0]!.seq !== step.logSeq + 1) throw new DelegateProtocolError("log_gap", `expected log chunk ${step.logSeq + 1}, got ${chunks[0]!.seq}`, step.logSeq + 1);
    for (let i = 1; i < chunks.length; i++) {
      if (chunks[i]!.seq !== chunks[i - 1]!.seq + 1) {
        chunks.length = i; // store the contiguous prefix; the delegate resends from ackedThrough + 1
        break;
      }
    }
    const first = await allocateCursor(tx, step.executionId, chunks.length);
    let line = step.logLines + 1;
    const rows = chunks.map((c, i) => {
      const lines = c.lines.map((l) => (l.length > MAX_LOG_LINE_CHARS ? `${l.slice(0, MAX_LOG_LINE_CHARS)} … [line cut at ${MAX_LOG_LINE_CHARS} characters]` : l));
      const row = { stepRunId: step.id, executionId: step.executionId, cursor: first + BigInt(i), seq: c.seq, firstLine: line, lineCount: lines.length, stream: c.stream, lane: c.lane ?? null, lines, ts: new Date(c.ts) };
      line += lines.length;
      return row;
    });
    await tx.logChunk.createMany({ data: rows });
    const last = chunks.at(-1)!.seq;
    await tx.stepRun.update({ where: { id: step.id }, data: { logSeq: last, logLines: line - 1 } });
    return { ackedThrough: last };
  });
}
