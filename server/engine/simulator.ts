/**
 * An in-memory execution for decide()'s tests: builds the plan and the initial rows like start-execution does,
 * applies each Decision like reconcile does (minus the database), and offers the inputs the outside world gives
 * (a delegate claims, reports; a person approves; time passes). Test-only, but kept beside the engine because it
 * documents the contract between decide() and its callers.
 */
import { parsePipelineYaml } from "@slipway/pipeline-spec";
import { decide } from "./decide";
import { buildPlan, type Plan } from "./plan";
import { type AttemptState, type ExecState, type Outcome, latestAttempts } from "./state";
import type { Decision } from "./working";

export class Simulator {
  readonly plan: Plan;
  state: ExecState;
  now = 1_000_000;
  private seq = 0;
  readonly log: Decision[] = [];

  constructor(yaml: string) {
    const parsed = parsePipelineYaml(yaml);
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.range.start.line}:${p.range.start.column} ${p.message}`).join("\n"));
    this.plan = buildPlan(parsed.spec);
    const attempts: AttemptState[] = this.plan.stages.flatMap((s) =>
      s.rows.flat().map((p) => ({ id: `a${++this.seq}`, stageId: s.stageId, stepId: p.stepId, attempt: 1, inRollback: false, type: p.type, status: "PENDING" as const, outcome: null, conclusion: null, message: "", waitUntil: null, queuedAt: null, startedAt: null, cancelRequested: false, approvedCount: 0 })),
    );
    this.state = { id: "exec", status: "RUNNING", pauseRequested: false, abortRequested: false, stages: this.plan.stages.map((s) => ({ stageId: s.stageId, status: "PENDING", reason: "" })), attempts };
  }

  /** Runs decide() and applies its result; returns it. */
  reconcile(): Decision {
    const d = decide(this.plan, this.state, this.now);
    this.log.push(d);
    for (const u of d.updates) {
      const a = this.state.attempts.find((x) => x.id === u.id)!;
      if (a.status !== u.expect) throw new Error(`concurrent change on ${a.stepId}: expected ${u.expect}, found ${a.status}`);
      const { finishedAt: _f, cancelReason: _c, ...fields } = u.set;
      Object.assign(a, fields);
    }
    for (const c of d.creates) {
      const { copyFrom: _from, finishedAt: _f, ...fields } = c;
      this.state.attempts.push({ ...fields, id: `a${++this.seq}` });
      // Later decisions refer to the stored id; dispatch lists use temporary ids, fine for tests.
    }
    for (const s of d.stages) Object.assign(this.state.stages.find((x) => x.stageId === s.stageId)!, { status: s.status, reason: s.reason });
    if (d.execution) Object.assign(this.state, { status: d.execution.status, abortRequested: d.execution.abortRequested });
    return d;
  }

  latest(stepId: string, inRollback = false): AttemptState {
    const a = latestAttempts(this.state.attempts).get(`${inRollback ? "rb:" : ""}${stepId}`);
    if (!a) throw new Error(`no attempt for ${stepId}`);
    return a;
  }

  /** A delegate claims the step's queued attempt. */
  claim(stepId: string): void {
    const a = this.latest(stepId);
    if (a.status !== "QUEUED") throw new Error(`${stepId} is ${a.status}, not QUEUED`);
    Object.assign(a, { status: "RUNNING", startedAt: this.now });
  }

  /** A delegate reports the step's running attempt; then the engine reconciles. */
  finish(stepId: string, outcome: Outcome, message = "", inRollback = false): Decision {
    const a = this.latest(stepId, inRollback);
    if (a.status === "QUEUED") Object.assign(a, { status: "RUNNING", startedAt: this.now });
    if (a.status !== "RUNNING") throw new Error(`${stepId} is ${a.status}, not RUNNING`);
    const status = outcome === "success" ? "SUCCESS" : outcome === "cancelled" ? "ABORTED" : "FAILED";
    Object.assign(a, { status, outcome, message });
    return this.reconcile();
  }

  approve(stepId: string): Decision {
    this.latest(stepId).approvedCount += 1;
    return this.reconcile();
  }

  reject(stepId: string): Decision {
    Object.assign(this.latest(stepId), { status: "REJECTED", outcome: "failure", message: "rejected" });
    return this.reconcile();
  }

  advance(ms: number): Decision {
    this.now += ms;
    return this.reconcile();
  }

  statuses(): Record<string, string> {
    return Object.fromEntries([...latestAttempts(this.state.attempts).entries()].map(([k, a]) => [k, a.status]));
  }

  stageStatuses(): Record<string, string> {
    return Object.fromEntries(this.state.stages.map((s) => [s.stageId, s.status]));
  }
}
