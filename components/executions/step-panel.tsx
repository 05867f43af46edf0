"use client";
import { useMutation } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTRPC, useTRPCClient } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";
import { LogViewer } from "./log-viewer";
import { elapsed, formatDuration, StatusBadge } from "./format";
import { stepLogSource } from "./step-log-source";
import { EcsStrategy, SshHosts } from "./strategy-progress";
import styles from "./strategy-progress.module.css";
import type { LogBus, StepRow } from "./use-execution";

type Props = { projectId: string; executionId: string; attempts: StepRow[]; stageSteps: StepRow[]; bus: LogBus; permissions: string[]; now: number };

/** Steps the studio decides itself: no delegate, no log. Every other type runs on a delegate and has one. */
const STUDIO_TYPES = ["approval", "wait"];

/** One step: its attempts, what is happening now (queued where and why, waiting for whom), and its log. */
export function StepPanel({ projectId, executionId, attempts, stageSteps, bus, permissions, now }: Props) {
  const [chosen, setChosen] = useState<string | null>(null);
  const [lane, setLane] = useState<string | null>(null);
  const latest = attempts.at(-1)!;
  const step = attempts.find((a) => a.id === chosen) ?? latest;
  const client = useTRPCClient();
  const source = useMemo(
    () => stepLogSource({ client, projectId, executionId, stepRunId: step.id, initialCount: step.logLines, bus, ...(lane ? { lane } : {}) }),
    // A new source only when another attempt or lane is shown; the count grows through the bus.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [step.id, lane],
  );
  const ssh = step.progress?.kind === "ssh" ? step.progress : null;
  const ecs = stageSteps.some((s) => s.progress?.kind === "ecs") && (step.type.startsWith("ecs") || step.type === "verify");
  const live = step.status === "RUNNING" || step.status === "QUEUED";

  return (
    <div style={{ display: "flex", flexDirection: "column", minHeight: 0, flex: 1 }} data-testid="step-panel" data-step-id={step.stepId}>
      <div style={{ padding: "12px 14px 8px" }}>
        <div className="row" style={{ justifyContent: "space-between" }}>
          <h2>{step.stepId}{step.inRollback ? " (rollback)" : ""}</h2>
          <StatusBadge status={step.status} />
        </div>
      </div>
      {attempts.length > 1 && (
        <div className="attempt-tabs" role="tablist" aria-label="Attempts">
          {attempts.map((a) => (
            <button key={a.id} role="tab" aria-selected={a.id === step.id} onClick={() => (setChosen(a.id), setLane(null))} data-testid="attempt-tab">
              Attempt {a.attempt} <StatusBadge status={a.status} />
            </button>
          ))}
        </div>
      )}
      <div style={{ padding: "10px 14px" }}>
        <dl className="kv">
          <dt>Type</dt><dd>{step.type}</dd>
          {step.delegate && (<><dt>Delegate</dt><dd>{step.delegate}</dd></>)}
          <dt>Duration</dt><dd>{formatDuration(elapsed(step.startedAt, step.finishedAt, now))}</dd>
          {step.exitCode !== null && (<><dt>Exit code</dt><dd>{step.exitCode}</dd></>)}
          {step.message && (<><dt>Message</dt><dd data-testid="step-message">{step.message}</dd></>)}
        </dl>
        {step.status === "QUEUED" && <Placement placement={step.placement} />}
        {step.status === "APPROVAL_REQUIRED" && <ApprovalBox projectId={projectId} step={step} canApprove={permissions.includes("execution.approve")} />}
        {step.status === "INTERVENTION_REQUIRED" && permissions.includes("execution.control") && <InterventionBox projectId={projectId} executionId={executionId} step={step} />}
        {ssh && <SshHosts progress={ssh} lane={lane} onLane={setLane} />}
        {ecs && <EcsStrategy steps={stageSteps} />}
        {step.decisions.length > 0 && (
          <ul className="stack" style={{ paddingLeft: 18, margin: "8px 0 0" }}>
            {step.decisions.map((d, i) => <li key={i}><strong>{d.decision.toLowerCase()}</strong> by {d.by}{d.comment ? ` — “${d.comment}”` : ""}</li>)}
          </ul>
        )}
      </div>
      {!STUDIO_TYPES.includes(step.type) && ssh && (
        <div className={styles.lanes} role="group" aria-label="Log of">
          <span className="hint">Log:</span>
          <select className="select" value={lane ?? ""} onChange={(e) => setLane(e.target.value || null)} aria-label="Host log" data-testid="lane-picker">
            <option value="">all hosts</option>
            {ssh.hosts.map((h) => <option key={h.name} value={h.name}>{h.name}</option>)}
          </select>
        </div>
      )}
      {!STUDIO_TYPES.includes(step.type) && (
        <div style={{ flex: 1, minHeight: 240, borderTop: "1px solid var(--border)" }}>
          <LogViewer key={`${step.id}:${lane ?? ""}`} source={source} live={live} height="100%" title={`${step.stepId} · attempt ${step.attempt}${lane ? ` · ${lane}` : ""}`} />
        </div>
      )}
    </div>
  );
}

function Placement({ placement }: { placement: unknown }) {
  const p = placement as { delegates: { id: string; name: string; eligible: boolean; reason: string }[] } | null;
  return (
    <div className="banner banner-warn" style={{ marginTop: 10 }} data-testid="placement">
      <strong>Waiting for a delegate.</strong>
      {!p || p.delegates.length === 0 ? <div>No delegate is registered. Start one with a delegate token (Delegates page).</div> : (
        <ul style={{ margin: "6px 0 0", paddingLeft: 18 }}>
          {p.delegates.map((d) => <li key={d.id}>{d.name}: {d.reason}</li>)}
        </ul>
      )}
    </div>
  );
}

function ApprovalBox({ projectId, step, canApprove }: { projectId: string; step: StepRow; canApprove: boolean }) {
  const trpc = useTRPC();
  const [comment, setComment] = useState("");
  const approve = useMutation(trpc.execution.approve.mutationOptions());
  const reject = useMutation(trpc.execution.reject.mutationOptions());
  const error = approve.error ?? reject.error;
  const a = step.approval!;
  const allowed = canApprove && a.youMay;
  return (
    <div className="card card-pad" style={{ marginTop: 10, borderColor: "#d9ccfb" }} data-testid="approval-box">
      <strong>Approval needed</strong>
      {a.message && <p style={{ margin: "6px 0" }}>{a.message}</p>}
      <div className="hint">Approvers: {[...a.roles, ...a.users].join(", ")} · {a.minimum} needed</div>
      {allowed ? (
        <>
          <textarea className="textarea" style={{ width: "100%", marginTop: 8 }} rows={2} placeholder="Comment (optional)" value={comment} onChange={(e) => setComment(e.target.value)} aria-label="Approval comment" />
          <div className="row" style={{ marginTop: 8 }}>
            <button className="btn btn-primary" disabled={approve.isPending} onClick={() => approve.mutate({ projectId, stepRunId: step.id, comment })}>Approve</button>
            <button className="btn btn-danger" disabled={reject.isPending} onClick={() => reject.mutate({ projectId, stepRunId: step.id, comment })}>Reject</button>
          </div>
        </>
      ) : (
        <div className="hint" style={{ marginTop: 6 }}>You are not one of the approvers of this step.</div>
      )}
      {error && <div className="field-error" role="alert">{appErrorOf(error).message}</div>}
    </div>
  );
}

function InterventionBox({ projectId, executionId, step }: { projectId: string; executionId: string; step: StepRow }) {
  const trpc = useTRPC();
  const intervene = useMutation(trpc.execution.intervene.mutationOptions());
  const choices = [["retry", "Retry"], ["ignore", "Ignore and continue"], ["rollback", "Roll back the stage"], ["fail", "Mark failed"], ["abort", "Abort the execution"]] as const;
  return (
    <div className="card card-pad" style={{ marginTop: 10 }} data-testid="intervention-box">
      <strong>This step failed and is waiting for you.</strong>
      <div className="row" style={{ flexWrap: "wrap", marginTop: 8 }}>
        {choices.map(([choice, label]) => (
          <button key={choice} className={`btn btn-sm${choice === "retry" ? " btn-primary" : ""}`} disabled={intervene.isPending} onClick={() => intervene.mutate({ projectId, executionId, stepRunId: step.id, choice })}>{label}</button>
        ))}
      </div>
      {intervene.error && <div className="field-error" role="alert">{appErrorOf(intervene.error).message}</div>}
    </div>
  );
}
