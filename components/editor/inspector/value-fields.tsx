"use client";
/**
 * Inputs for single values: text (a textarea for scripts), durations, numbers, mixed scalars, booleans, choices
 * and lists. Typed text is written after a pause (useFieldCommit); choices are written at once. Choosing a
 * value equal to the schema's default removes the key instead, so the YAML stays as short as the user keeps it.
 */
import type { FieldPath } from "@slipway/pipeline-spec";
import { useCallback } from "react";
import { fromText, placeholderOf, toText } from "./field-values";
import { FieldShell, fieldName, useForm } from "./field-shell";
import type { FieldSpec } from "./schema-fields";
import { useFieldCommit, useSetField } from "./use-field-commit";

type Props<K extends FieldSpec["kind"]> = { field: Extract<FieldSpec, { kind: K }>; path: FieldPath; value: unknown };

export function TextLikeField({ field, path, value }: Props<"text" | "duration" | "number" | "scalar" | "list">) {
  const { nodePath, readOnly } = useForm();
  const show = useCallback((v: unknown) => toText(field, v), [field]);
  const parse = useCallback((t: string) => fromText(field, t), [field]);
  const { text, setText, onFocus, onBlur } = useFieldCommit(path, value, show, parse);
  const id = `insp-${fieldName(path, nodePath)}`;
  const common = { id, value: text, placeholder: placeholderOf(field), readOnly, onFocus, onBlur, spellCheck: false };
  return (
    <FieldShell field={field} path={path}>
      {field.kind === "text" && field.multiline ? (
        <textarea className="textarea mono" rows={Math.min(12, Math.max(3, text.split("\n").length + 1))} {...common} onChange={(e) => setText(e.target.value)} />
      ) : (
        <input className={`input${field.kind === "duration" || field.kind === "number" ? " mono" : ""}`} inputMode={field.kind === "number" ? "decimal" : undefined} {...common} onChange={(e) => setText(e.target.value)} />
      )}
    </FieldShell>
  );
}

export function BooleanField({ field, path, value }: Props<"boolean">) {
  const { nodePath, readOnly } = useForm();
  const set = useSetField();
  const effective = typeof value === "boolean" ? value : field.defaultValue === true;
  return (
    <FieldShell field={field} path={path} inline>
      <input
        id={`insp-${fieldName(path, nodePath)}`}
        type="checkbox"
        checked={effective}
        disabled={readOnly}
        onChange={(e) => set(path, e.target.checked === field.defaultValue ? undefined : e.target.checked)}
      />
    </FieldShell>
  );
}

export function EnumField({ field, path, value }: Props<"enum">) {
  const { nodePath, readOnly } = useForm();
  const set = useSetField();
  const current = typeof value === "string" ? value : "";
  return (
    <FieldShell field={field} path={path}>
      <select id={`insp-${fieldName(path, nodePath)}`} className="select" value={current} disabled={readOnly} onChange={(e) => set(path, e.target.value === "" ? undefined : e.target.value)}>
        <option value="">{field.defaultValue !== undefined ? `default (${String(field.defaultValue)})` : field.required ? "choose…" : "—"}</option>
        {field.options.map((o) => (
          <option key={o} value={o}>{o}</option>
        ))}
      </select>
    </FieldShell>
  );
}

/** A list of fixed choices (roles, deploy phases): checkboxes, written in the schema's order. */
export function ChoiceListField({ field, path, value }: Props<"list">) {
  const { readOnly } = useForm();
  const set = useSetField();
  const chosen = new Set(Array.isArray(value) ? value.map(String) : []);
  const toggle = (option: string, on: boolean) => {
    const next = (field.options ?? []).filter((o) => (o === option ? on : chosen.has(o)));
    set(path, next.length ? next : undefined);
  };
  return (
    <FieldShell field={field} path={path}>
      <div className="choice-list">
        {field.options?.map((o) => (
          <label key={o} className="choice">
            <input type="checkbox" checked={chosen.has(o)} disabled={readOnly} onChange={(e) => toggle(o, e.target.checked)} /> {o}
          </label>
        ))}
      </div>
    </FieldShell>
  );
}
