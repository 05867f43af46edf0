"use client";
/**
 * The id of the selected node. Written on Enter or blur (not while typing: every intermediate id would be a
 * rename), through renameStep / renameStage so `needs` lists that name a stage follow. The selection follows the
 * new id.
 */
import { ID_PATTERN } from "@slipway/pipeline-spec";
import { useEffect, useState } from "react";
import { useEditorApi } from "../store/editor-context";

export function IdField({ kind, id, readOnly }: { kind: "stage" | "step" | "group"; id: string; readOnly: boolean }) {
  const api = useEditorApi();
  const [text, setText] = useState(id);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(id);
    setError(null);
  }, [id]);

  const commit = () => {
    const next = text.trim();
    if (next === id) return setError(null);
    if (!ID_PATTERN.test(next)) return setError("use lowercase letters, digits, '-' and '_', starting with a letter (max 63)");
    const ok = api.getState().edit(kind === "stage" ? { op: "renameStage", stageId: id, newId: next } : { op: "renameStep", stepId: id, newId: next }, { select: [`${kind}:${next}`] });
    setError(ok ? null : (api.getState().notice?.text ?? "not renamed"));
  };

  return (
    <div className="field insp-field" data-testid="field-id">
      <label htmlFor="insp-id">
        Id<span className="req" title="required"> *</span>
      </label>
      <input
        id="insp-id"
        className="input mono"
        value={text}
        readOnly={readOnly}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
          if (e.key === "Escape") setText(id);
        }}
      />
      {error && <div className="field-error" data-testid="field-problem">{error}</div>}
      <div className="hint">{kind === "stage" ? "Renaming updates every needs list that names this stage." : "Unique across the pipeline; used in logs, URLs and <+step.id>."}</div>
    </div>
  );
}
