"use client";
/**
 * The execution page's live state: a snapshot from `execution.byId`, then one EventSource on the execution's
 * stream from the snapshot's cursor. Transitions update steps/stages/status in place; log chunks go to the log
 * bus (the viewer of that step listens); progress (hosts and phases, ECS weights) replaces the step's last. A transition about an attempt the page has never seen (a retry was
 * created) refetches the snapshot; events at or below the snapshot's cursor are ignored, so nothing goes back in time.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useReducer, useRef } from "react";
import { useTRPC } from "~/app/_trpc/client";
import type { RouterOutputs } from "./types";

export type Snapshot = RouterOutputs["execution"]["byId"];
export type StepRow = Snapshot["steps"][number];
export type Transition = { cursor: string; at: string; scope: string; stageId: string | null; stepRunId: string | null; from: string | null; to: string; cause: string; step?: { message: string; outcome: string | null; delegate: string | null } };
export type LogEvent = { cursor: string; stepRunId: string; firstLine: number; stream: "stdout" | "stderr" | "system"; lane: string | null; lines: string[]; ts: number };
export type ProgressEvent = { cursor: string; stepRunId: string; progress: StepRow["progress"] };

type State = { base: Snapshot | null; steps: Map<string, StepRow>; stages: Map<string, Snapshot["stages"][number]>; status: string; events: Transition[]; cursor: bigint; unknown: number };

type Action = { type: "snapshot"; snapshot: Snapshot } | { type: "transition"; t: Transition } | { type: "log"; e: LogEvent } | { type: "progress"; p: ProgressEvent };

function reducer(s: State, a: Action): State {
  if (a.type === "snapshot") {
    return { base: a.snapshot, steps: new Map(a.snapshot.steps.map((x) => [x.id, x])), stages: new Map(a.snapshot.stages.map((x) => [x.stageId, x])), status: a.snapshot.status, events: a.snapshot.events as unknown as Transition[], cursor: BigInt(a.snapshot.cursor), unknown: 0 };
  }
  const cursor = BigInt(a.type === "transition" ? a.t.cursor : a.type === "log" ? a.e.cursor : a.p.cursor);
  if (cursor <= s.cursor) return s;
  if (a.type === "progress") {
    const step = s.steps.get(a.p.stepRunId);
    if (!step) return { ...s, cursor };
    const steps = new Map(s.steps);
    steps.set(step.id, { ...step, progress: a.p.progress });
    return { ...s, steps, cursor };
  }
  if (a.type === "log") {
    const step = s.steps.get(a.e.stepRunId);
    if (!step) return { ...s, cursor };
    const steps = new Map(s.steps);
    steps.set(step.id, { ...step, logLines: Math.max(step.logLines, a.e.firstLine + a.e.lines.length - 1) });
    return { ...s, steps, cursor };
  }
  const t = a.t;
  const next: State = { ...s, cursor, events: [...s.events.slice(-499), t] };
  if (t.scope === "execution") next.status = t.to;
  if (t.scope === "stage" && t.stageId) {
    const stages = new Map(s.stages);
    stages.set(t.stageId, { ...(stages.get(t.stageId) ?? { stageId: t.stageId, reason: "", startedAt: null, finishedAt: null }), status: t.to as never });
    next.stages = stages;
  }
  if (t.scope === "step" && t.stepRunId) {
    const step = s.steps.get(t.stepRunId);
    if (!step) return { ...next, unknown: s.unknown + 1 };
    const steps = new Map(s.steps);
    const now = new Date(t.at);
    steps.set(step.id, {
      ...step,
      status: t.to as never,
      message: t.step?.message ?? step.message,
      outcome: t.step?.outcome ?? step.outcome,
      delegate: t.step?.delegate ?? step.delegate,
      startedAt: t.to === "RUNNING" || t.to === "WAITING" || t.to === "APPROVAL_REQUIRED" ? (step.startedAt ?? now) : step.startedAt,
      finishedAt: ["SUCCESS", "FAILED", "ABORTED", "SKIPPED", "IGNORED", "APPROVED", "REJECTED", "EXPIRED"].includes(t.to) ? now : step.finishedAt,
    });
    next.steps = steps;
  }
  return next;
}

export type LogBus = { on(stepRunId: string, fn: (e: LogEvent) => void): () => void };

export function useExecution(projectId: string, executionId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const snapshot = useQuery(trpc.execution.byId.queryOptions({ projectId, executionId }, { staleTime: Infinity, refetchOnWindowFocus: false }));
  const [state, dispatch] = useReducer(reducer, { base: null, steps: new Map(), stages: new Map(), status: "PENDING", events: [], cursor: -1n, unknown: 0 });
  const listeners = useRef(new Map<string, Set<(e: LogEvent) => void>>());
  const bus = useMemo<LogBus>(() => ({
    on(id, fn) {
      if (!listeners.current.has(id)) listeners.current.set(id, new Set());
      listeners.current.get(id)!.add(fn);
      return () => listeners.current.get(id)?.delete(fn);
    },
  }), []);

  useEffect(() => {
    if (snapshot.data) dispatch({ type: "snapshot", snapshot: snapshot.data });
  }, [snapshot.data]);

  const ready = Boolean(snapshot.data);
  useEffect(() => {
    if (!ready) return;
    const source = new EventSource(`/api/executions/${executionId}/events?after=${snapshot.data!.cursor}`);
    source.addEventListener("transition", (m) => dispatch({ type: "transition", t: JSON.parse((m as MessageEvent).data) }));
    source.addEventListener("log", (m) => {
      const e = JSON.parse((m as MessageEvent).data) as LogEvent;
      dispatch({ type: "log", e });
      for (const fn of listeners.current.get(e.stepRunId) ?? []) fn(e);
    });
    source.addEventListener("progress", (m) => dispatch({ type: "progress", p: JSON.parse((m as MessageEvent).data) }));
    source.addEventListener("denied", () => source.close());
    return () => source.close();
    // The stream starts once, from the first snapshot; Last-Event-ID carries it across reconnects.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, executionId]);

  useEffect(() => {
    if (state.unknown > 0) void queryClient.invalidateQueries({ queryKey: trpc.execution.byId.queryKey({ projectId, executionId }) });
  }, [state.unknown, queryClient, trpc, projectId, executionId]);

  return { snapshot, state, bus, refetch: () => queryClient.invalidateQueries({ queryKey: trpc.execution.byId.queryKey({ projectId, executionId }) }) };
}
