"use client";
/** What every generated field has around its input: label (required marked), help text, and the parser's messages. */
import type { FieldPath, Problem } from "@slipway/pipeline-spec";
import { createContext, useContext, type ReactNode } from "react";
import { pathKey, type Claimed } from "./problems";
import type { FieldSpec } from "./schema-fields";

export type FormContextValue = { claimed: Claimed; nodePath: FieldPath; readOnly: boolean };
export const FormContext = createContext<FormContextValue>({ claimed: { byField: new Map(), unclaimed: [] }, nodePath: [], readOnly: true });

export function useForm() {
  return useContext(FormContext);
}

/** `script`, `onFailure.action`: stable test ids and element ids, relative to the node. */
export function fieldName(path: FieldPath, nodePath: FieldPath): string {
  return path.slice(nodePath.length).join(".");
}

export function FieldShell({ field, path, children, inline }: { field: FieldSpec; path: FieldPath; children: ReactNode; inline?: boolean }) {
  const { claimed, nodePath } = useForm();
  const name = fieldName(path, nodePath);
  const problems = claimed.byField.get(pathKey(path)) ?? [];
  return (
    <div className={`field insp-field${inline ? " insp-inline" : ""}`} data-testid={`field-${name}`} data-invalid={problems.some((p) => p.severity === "error") || undefined}>
      <label htmlFor={`insp-${name}`}>
        {field.label}
        {field.required && <span className="req" title="required"> *</span>}
      </label>
      {children}
      <ProblemLines problems={problems} />
      {field.description && <div className="hint">{field.description}</div>}
    </div>
  );
}

export function ProblemLines({ problems }: { problems: readonly Problem[] }) {
  return (
    <>
      {problems.map((p, i) => (
        <div key={i} className={p.severity === "error" ? "field-error" : "field-warning"} data-testid="field-problem">
          {p.message}
        </div>
      ))}
    </>
  );
}
