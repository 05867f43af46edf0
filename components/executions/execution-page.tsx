"use client";
import type { PipelineSpec } from "@slipway/pipeline-spec";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";
import { PipelineGraph } from "../editor/graph/pipeline-graph";
import type { RunBadge } from "../editor/graph/layout";
import type { ProjectProps } from "../pipelines/pipeline-list";
import { Time } from "../ui/time";
import { EventTimeline } from "./event-timeline";
import { elapsed, formatDuration, StatusBadge } from "./format";
import { StepPanel } from "./step-panel";
import { useExecution, type StepRow } from "./use-execution";

const TERMINAL = ["SUCCESS", "FAILED", "ABORTED", "ROLLED_BACK"];

/** A run as it happens: the graph coloured by state, the selected step's attempts and log, and the controls. */
export function ExecutionPage({ project, executionId }: { project: ProjectProps; executionId: string }) {
  const { snapshot, state, bus } = useExecution(project.id, executionId);
  const [selected, setSelected] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const running = !TERMINAL.includes(state.status);
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [running]);

  const byStep = useMemo(() => {
    const m = new Map<string, StepRow[]>();
    for (const s of [...state.steps.values()].sort((a, b) => a.attempt - b.attempt)) {
      const key = `${s.inRollback ? "rb:" : ""}${s.stepId}`;
      m.set(key, [...(m.get(key) ?? []), s]);
    }
    return m;
  }, [state.steps]);

  const runs = useMemo(() => {
    const r: Record<string, RunBadge> = {};
    for (const [key, attempts] of byStep) {
      const last = attempts.at(-1)!;
      const d = elapsed(last.startedAt, last.finishedAt, now);
      const detail = [d !== null ? formatDuration(d) : null, attempts.length > 1 ? `attempt ${last.attempt}` : null].filter(Boolean).join(" · ");
      r[key.replace(/^rb:/, "")] = { status: last.status, detail };
    }
    for (const s of state.stages.values()) r[`stage:${s.stageId}`] = { status: s.status };
    return r;
  }, [byStep, state.stages, now]);

  // Follow the action until the user picks a step: the newest step that is running, waiting or just failed.
  const active = useMemo(() => {
    const all = [...state.steps.values()];
    const pick = all.find((s) => ["RUNNING", "APPROVAL_REQUIRED", "INTERVENTION_REQUIRED", "QUEUED", "WAITING"].includes(s.status)) ?? all.filter((s) => s.startedAt).sort((a, b) => +new Date(b.startedAt!) - +new Date(a.startedAt!))[0];
    return pick ? `${pick.inRollback ? "rb:" : ""}${pick.stepId}` : null;
  }, [state.steps]);
  const shown = selected ?? active;

  if (snapshot.error) return <div className="page"><div className="banner banner-error">{appErrorOf(snapshot.error).message}</div></div>;
  const base = state.base;
  if (!base) return <div className="page muted">Loading…</div>;

  return (
    <div className="exec" data-testid="execution-page" data-status={state.status}>
      <div className="editor-bar">
        <Link href={`/p/${project.slug}/pipelines/${base.pipeline.id}`} className="muted">{base.pipeline.name}</Link>
        <span className="muted">/</span>
        <Link href={`/p/${project.slug}/pipelines/${base.pipeline.id}/executions`} className="muted">Executions</Link>
        <span className="muted">/</span>
        <span className="title">#{base.sequenceId}</span>
        <StatusBadge status={state.status} />
        <span className="hint">
          {base.trigger} by {base.triggeredBy?.name ?? "system"} · <Time value={base.createdAt} /> · {formatDuration(elapsed(base.startedAt, TERMINAL.includes(state.status) ? (base.finishedAt ?? new Date(now)) : null, now))} · revision {base.revision}
        </span>
        <span style={{ flex: 1 }} />
        <Controls project={project} executionId={executionId} status={state.status} paused={base.pauseRequested} />
      </div>
      <div className="exec-split">
        <section className="editor-pane" aria-label="Graph" style={{ position: "relative" }}>
          <div className="pane-body">
            <PipelineGraph spec={base.spec as PipelineSpec} stale={false} runs={runs} selectedId={shown ? `step:${shown.replace(/^rb:/, "")}` : null} onSelect={(id) => setSelected(id?.startsWith("step:") ? id.slice(5) : null)} />
          </div>
          <EventTimeline events={state.events} />
        </section>
        <aside className="exec-side" aria-label="Step">
          {shown && byStep.get(shown) ? (
            <StepPanel key={shown} projectId={project.id} executionId={executionId} attempts={byStep.get(shown)!} stageSteps={stageSteps(state.steps, byStep.get(shown)!.at(-1)!.stageId)} bus={bus} permissions={project.permissions} now={now} />
          ) : (
            <div className="muted" style={{ padding: 16 }}>Select a step to see its attempts and log.</div>
          )}
        </aside>
      </div>
    </div>
  );
}

function Controls({ project, executionId, status, paused }: { project: ProjectProps; executionId: string; status: string; paused: boolean }) {
  const trpc = useTRPC();
  const opts = { onError: (e: unknown) => alert(appErrorOf(e).message) };
  const pause = useMutation(trpc.execution.pause.mutationOptions(opts));
  const resume = useMutation(trpc.execution.resume.mutationOptions(opts));
  const abort = useMutation(trpc.execution.abort.mutationOptions(opts));
  const retry = useMutation(trpc.execution.retry.mutationOptions(opts));
  if (!project.permissions.includes("execution.control")) return null;
  const vars = { projectId: project.id, executionId };
  const ended = TERMINAL.includes(status);
  return (
    <div className="row">
      {!ended && (status === "PAUSED" || paused ? <button className="btn" onClick={() => resume.mutate(vars)}>Resume</button> : <button className="btn" onClick={() => pause.mutate(vars)}>Pause</button>)}
      {!ended && <button className="btn btn-danger" onClick={() => confirm("Abort this execution? Running steps are stopped.") && abort.mutate(vars)}>Abort</button>}
      {["FAILED", "ABORTED", "ROLLED_BACK"].includes(status) && <button className="btn btn-primary" onClick={() => retry.mutate(vars)}>Retry failed steps</button>}
    </div>
  );
}

/** The stage's step attempts in the order they were created (a strategy's progress reads across its steps). */
function stageSteps(steps: Map<string, StepRow>, stageId: string): StepRow[] {
  return [...steps.values()].filter((s) => s.stageId === stageId).sort((a, b) => +new Date(a.createdAt) - +new Date(b.createdAt));
}
