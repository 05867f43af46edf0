"use client";
/**
 * Someone saved while you were editing: their revision beside your draft, and a conscious choice. Nothing is
 * overwritten by this dialog: "Keep editing" keeps your text and bases it on their revision (so the next save
 * replaces theirs knowingly — review the diff first); "Discard mine" loads theirs. Closing it changes nothing.
 */
import dynamic from "next/dynamic";
import { useEditor } from "../store/editor-context";
import { WideDialog } from "./wide-dialog";

const DiffView = dynamic(() => import("./diff-view"), { ssr: false, loading: () => <div className="diff-view muted">Loading diff…</div> });

export type Theirs = { number: number; yaml: string; message: string; author: { name: string | null; email: string } | null };

export function ConflictDialog({ theirs, onClose }: { theirs: Theirs; onClose: (resolved: boolean) => void }) {
  const yaml = useEditor((s) => s.yaml);
  const base = useEditor((s) => s.baseRevision);
  const rebase = useEditor((s) => s.rebase);
  const load = useEditor((s) => s.load);
  const who = theirs.author?.name || theirs.author?.email || "someone";
  return (
    <WideDialog title={`Revision ${theirs.number} was saved while you were editing`} onClose={() => onClose(false)} testId="conflict-dialog">
      <p className="muted" style={{ marginTop: 0 }}>
        {who} saved revision {theirs.number} (“{theirs.message}”) after you started from revision {base}. Your changes are not saved. Left: theirs; right: yours.
      </p>
      <DiffView original={theirs.yaml} modified={yaml} originalLabel={`Revision ${theirs.number} (theirs)`} modifiedLabel="Your draft" />
      <div className="dialog-actions">
        <button type="button" className="btn btn-danger" data-testid="conflict-discard" onClick={() => (load({ number: theirs.number, yaml: theirs.yaml }), onClose(true))}>
          Discard mine — load revision {theirs.number}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="conflict-rebase"
          title={`Your draft stays and is based on revision ${theirs.number}: saving it replaces their changes with yours`}
          onClick={() => (rebase({ number: theirs.number, yaml: theirs.yaml }), onClose(true))}
        >
          Keep editing — rebase on theirs
        </button>
      </div>
    </WideDialog>
  );
}
