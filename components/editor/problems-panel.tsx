"use client";
import type { Problem } from "@slipway/pipeline-spec";

/** Every problem of the document with its line:column; clicking one moves the cursor there. */
export function ProblemsPanel({ problems, fromSave, onReveal }: { problems: Problem[]; fromSave: boolean; onReveal: (line: number, column: number) => void }) {
  if (problems.length === 0) return null;
  const errors = problems.filter((p) => p.severity === "error").length;
  return (
    <div className="problems" data-testid="problems" role="region" aria-label="Problems">
      <div className="pane-head" style={{ textTransform: "none" }}>
        {fromSave ? "Not saved: " : ""}
        {errors} error{errors === 1 ? "" : "s"}
        {problems.length > errors ? `, ${problems.length - errors} warning${problems.length - errors === 1 ? "" : "s"}` : ""}
      </div>
      {problems.map((p, i) => (
        <button key={i} type="button" onClick={() => onReveal(p.range.start.line, p.range.start.column)} data-testid="problem">
          <span className="pos">{p.range.start.line}:{p.range.start.column}</span>
          {p.message}
        </button>
      ))}
    </div>
  );
}
