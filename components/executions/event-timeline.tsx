"use client";
import { useState } from "react";
import { statusLabel } from "./format";
import type { Transition } from "./use-execution";

/** Every transition with its time and cause: the execution's story, newest first. */
export function EventTimeline({ events }: { events: Transition[] }) {
  const [open, setOpen] = useState(false);
  const shown = [...events].reverse();
  return (
    <div style={{ position: "absolute", left: 12, bottom: 12, right: 12, maxHeight: open ? "45%" : 34, overflow: "hidden", display: "flex", flexDirection: "column", zIndex: 5 }} className="card" data-testid="timeline">
      <button className="btn btn-ghost btn-sm" style={{ justifyContent: "space-between", width: "100%" }} onClick={() => setOpen((o) => !o)} aria-expanded={open}>
        <span>Timeline ({events.length})</span>
        {/* Whose transition it is, not only its cause: "Success: every step succeeded" alone read as the run's end
            while a later stage was still running. */}
        <span className="hint">{shown[0] ? `${subject(shown[0])} → ${statusLabel(shown[0].to)}: ${shown[0].cause}` : ""}</span>
      </button>
      {open && (
        <ol style={{ overflow: "auto", margin: 0, padding: "4px 12px 8px", listStyle: "none", fontSize: 12.5 }}>
          {shown.map((e) => (
            <li key={e.cursor} style={{ padding: "3px 0", borderBottom: "1px solid var(--border)" }}>
              <span className="mono hint">{new Date(e.at).toLocaleTimeString()}</span> <strong>{subject(e)}</strong> {e.from ? `${statusLabel(e.from)} → ` : ""}{statusLabel(e.to)} <span className="muted">— {e.cause}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function subject(e: Transition): string {
  if (e.scope === "step") return e.stageId ? `step in ${e.stageId}` : "step";
  return `${e.scope}${e.stageId ? ` ${e.stageId}` : ""}`;
}
