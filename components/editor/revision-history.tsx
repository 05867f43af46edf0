"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/app/_trpc/client";
import { Time } from "../ui/time";
import { CompareDialog, type CompareSide } from "./revisions/compare-dialog";
import { useEditor } from "./store/editor-context";

/**
 * Every revision with author, time and message. Opening one shows it read-only (with "restore" in the banner);
 * ticking two compares them side by side, ticking one compares it with the draft.
 */
export function RevisionHistory({ projectId, pipelineId }: { projectId: string; pipelineId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revisions = useQuery(trpc.pipeline.revisions.queryOptions({ projectId, pipelineId }));
  const viewing = useEditor((s) => s.viewing);
  const view = useEditor((s) => s.view);
  const [ticked, setTicked] = useState<number[]>([]);
  const [comparing, setComparing] = useState<[CompareSide, CompareSide] | null>(null);

  async function open(number: number) {
    const rev = await queryClient.fetchQuery(trpc.pipeline.revision.queryOptions({ projectId, pipelineId, number }));
    view({ number: rev.number, yaml: rev.yaml, message: rev.message, author: rev.author?.name ?? null, createdAt: rev.createdAt });
  }
  // At most two ticks: a third replaces the older of the two.
  const tick = (n: number, on: boolean) => setTicked((t) => (on ? [...t.filter((x) => x !== n), n].slice(-2) : t.filter((x) => x !== n)));
  const compare = () => {
    const [a, b] = [...ticked].sort((x, y) => x - y);
    setComparing([a ?? null, b ?? null]);
  };

  return (
    <aside className="editor-pane" aria-label="History" style={{ background: "var(--panel)" }}>
      <div className="pane-head">
        History
        <span style={{ flex: 1 }} />
        <button type="button" className="btn btn-sm" style={{ textTransform: "none" }} disabled={ticked.length === 0} onClick={compare} data-testid="compare-revisions">
          {ticked.length === 1 ? "Compare with draft" : "Compare"}
        </button>
      </div>
      <div style={{ overflow: "auto", flex: 1 }} data-testid="revision-list">
        {revisions.data?.map((r) => (
          <div key={r.number} className="revision-row" data-selected={viewing?.number === r.number || undefined}>
            <input type="checkbox" aria-label={`Compare revision ${r.number}`} checked={ticked.includes(r.number)} onChange={(e) => tick(r.number, e.target.checked)} data-testid="revision-tick" />
            <button type="button" onClick={() => void open(r.number)} data-testid="revision-item">
              <div className="row" style={{ justifyContent: "space-between" }}>
                <strong>#{r.number}</strong>
                <span className="hint"><Time value={r.createdAt} /></span>
              </div>
              <div>{r.message}</div>
              <div className="hint">{r.author?.name ?? "system"}</div>
            </button>
          </div>
        ))}
        {revisions.isLoading && <div className="muted" style={{ padding: 12 }}>Loading…</div>}
      </div>
      {comparing && <CompareDialog projectId={projectId} pipelineId={pipelineId} sides={comparing} onClose={() => setComparing(null)} />}
    </aside>
  );
}
