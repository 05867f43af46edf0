"use client";
/** Any two revisions side by side (or one revision against the current draft), read-only. */
import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useTRPC } from "~/app/_trpc/client";
import { useEditor } from "../store/editor-context";
import { WideDialog } from "./wide-dialog";

const DiffView = dynamic(() => import("./diff-view"), { ssr: false, loading: () => <div className="diff-view muted">Loading diff…</div> });

/** `null` stands for the draft in the editor. */
export type CompareSide = number | null;

export function CompareDialog({ projectId, pipelineId, sides, onClose }: { projectId: string; pipelineId: string; sides: [CompareSide, CompareSide]; onClose: () => void }) {
  const trpc = useTRPC();
  const draft = useEditor((s) => s.yaml);
  const [a, b] = sides;
  const left = useQuery({ ...trpc.pipeline.revision.queryOptions({ projectId, pipelineId, number: a ?? 1 }), enabled: a !== null });
  const right = useQuery({ ...trpc.pipeline.revision.queryOptions({ projectId, pipelineId, number: b ?? 1 }), enabled: b !== null });
  const text = (side: CompareSide, q: typeof left) => (side === null ? draft : q.data?.yaml);
  const label = (side: CompareSide, q: typeof left) => (side === null ? "Your draft" : `Revision ${side}${q.data ? ` — ${q.data.message}` : ""}`);
  const original = text(a, left);
  const modified = text(b, right);
  return (
    <WideDialog title={`Compare ${a === null ? "draft" : `revision ${a}`} with ${b === null ? "draft" : `revision ${b}`}`} onClose={onClose} testId="compare-dialog">
      {original !== undefined && modified !== undefined ? (
        <DiffView original={original} modified={modified} originalLabel={label(a, left)} modifiedLabel={label(b, right)} />
      ) : (
        <div className="diff-view muted">Loading revisions…</div>
      )}
    </WideDialog>
  );
}
