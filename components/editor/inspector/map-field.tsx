"use client";
/**
 * Maps of names to values (env, headers, dimensions): one row per entry. Each entry is its own setField, so
 * changing one value never rewrites the others (or their comments); a new entry is written once it has a name.
 */
import type { FieldPath } from "@slipway/pipeline-spec";
import { useCallback, useState } from "react";
import { FieldShell, useForm } from "./field-shell";
import type { FieldSpec } from "./schema-fields";
import { useFieldCommit, useSetField } from "./use-field-commit";

const show = (v: unknown) => (v === undefined || v === null ? "" : String(v));
const parse = (t: string) => t;

export function MapField({ field, path, value }: { field: Extract<FieldSpec, { kind: "map" }>; path: FieldPath; value: unknown }) {
  const { readOnly } = useForm();
  const set = useSetField();
  const entries = value && typeof value === "object" && !Array.isArray(value) ? Object.entries(value as Record<string, unknown>) : [];
  const [draft, setDraft] = useState({ key: "", value: "" });
  const addDraft = () => {
    if (!draft.key.trim()) return;
    if (set([...path, draft.key.trim()], draft.value)) setDraft({ key: "", value: "" });
  };
  return (
    <FieldShell field={field} path={path}>
      <div className="map-rows">
        {entries.map(([k, v]) => (
          <Entry key={k} path={[...path, k]} name={k} value={v} readOnly={readOnly} onRemove={() => set([...path, k], undefined)} />
        ))}
        {!readOnly && (
          <div className="map-row">
            <input className="input mono" placeholder="name" value={draft.key} onChange={(e) => setDraft({ ...draft, key: e.target.value })} aria-label={`New ${field.label} name`} />
            <input className="input mono" placeholder="value" value={draft.value} onChange={(e) => setDraft({ ...draft, value: e.target.value })} onBlur={addDraft} onKeyDown={(e) => e.key === "Enter" && addDraft()} aria-label={`New ${field.label} value`} />
            <button type="button" className="btn btn-sm" onClick={addDraft} disabled={!draft.key.trim()}>Add</button>
          </div>
        )}
      </div>
    </FieldShell>
  );
}

function Entry({ path, name, value, readOnly, onRemove }: { path: FieldPath; name: string; value: unknown; readOnly: boolean; onRemove: () => void }) {
  const toText = useCallback(show, []);
  const fromText = useCallback(parse, []);
  const { text, setText, onFocus, onBlur } = useFieldCommit(path, value, toText, fromText);
  return (
    <div className="map-row">
      <span className="mono map-key" title={name}>{name}</span>
      <input className="input mono" value={text} readOnly={readOnly} onChange={(e) => setText(e.target.value)} onFocus={onFocus} onBlur={onBlur} aria-label={name} />
      {!readOnly && <button type="button" className="btn btn-ghost btn-sm" onClick={onRemove} aria-label={`Remove ${name}`}>×</button>}
    </div>
  );
}
