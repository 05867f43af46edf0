"use client";
/**
 * A generated form: one input per field description (schema-fields.ts), recursing into nested objects and into
 * the chosen variant of a discriminated union. `value` is the object as written in the YAML; `base` its path.
 */
import type { FieldPath } from "@slipway/pipeline-spec";
import { FieldShell, useForm } from "./field-shell";
import { MapField } from "./map-field";
import type { FieldSpec } from "./schema-fields";
import { useSetField } from "./use-field-commit";
import { BooleanField, ChoiceListField, EnumField, TextLikeField } from "./value-fields";
import { useEditorApi } from "../store/editor-context";

const childOf = (value: unknown, key: string) => (value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined);

export function FieldList({ fields, base, value }: { fields: readonly FieldSpec[]; base: FieldPath; value: unknown }) {
  return (
    <>
      {fields.map((field) => (
        <Field key={field.key} field={field} path={[...base, field.key]} value={childOf(value, field.key)} />
      ))}
    </>
  );
}

function Field({ field, path, value }: { field: FieldSpec; path: FieldPath; value: unknown }) {
  switch (field.kind) {
    case "text":
    case "duration":
    case "number":
    case "scalar":
      return <TextLikeField field={field} path={path} value={value} />;
    case "list":
      return field.options ? <ChoiceListField field={field} path={path} value={value} /> : <TextLikeField field={field} path={path} value={value} />;
    case "boolean":
      return <BooleanField field={field} path={path} value={value} />;
    case "enum":
      return <EnumField field={field} path={path} value={value} />;
    case "map":
      return <MapField field={field} path={path} value={value} />;
    case "object":
      return (
        <fieldset className="insp-group">
          <FieldShell field={field} path={path}>
            <FieldList fields={field.fields} base={path} value={value} />
          </FieldShell>
        </fieldset>
      );
    case "union":
      return <UnionField field={field} path={path} value={value} />;
    case "unsupported":
      return <Unsupported field={field} path={path} value={value} />;
  }
}

/** onFailure, serviceControl, source, action: pick the kind, then fill in that kind's fields. */
function UnionField({ field, path, value }: { field: Extract<FieldSpec, { kind: "union" }>; path: FieldPath; value: unknown }) {
  const { readOnly } = useForm();
  const set = useSetField();
  const tag = childOf(value, field.discriminator);
  const variant = field.variants.find((v) => v.value === tag);
  const choose = (next: string) => {
    if (next === "") return set(path, undefined);
    // Keep what the new kind also has (a runtimeApi, a backend), drop the rest: it would not validate.
    const chosen = field.variants.find((v) => v.value === next)!;
    const kept = Object.fromEntries(chosen.fields.map((f) => [f.key, childOf(value, f.key)]).filter(([, v]) => v !== undefined));
    set(path, { [field.discriminator]: next, ...kept });
  };
  return (
    <fieldset className="insp-group">
      <FieldShell field={field} path={path}>
        <select className="select" value={typeof tag === "string" ? tag : ""} disabled={readOnly} onChange={(e) => choose(e.target.value)} data-testid="union-kind">
          <option value="">{field.required ? "choose…" : "— none —"}</option>
          {field.variants.map((v) => (
            <option key={v.value} value={v.value}>{v.value}</option>
          ))}
        </select>
        {variant?.description && <div className="hint">{variant.description}</div>}
        {variant && <FieldList fields={variant.fields} base={path} value={value} />}
      </FieldShell>
    </fieldset>
  );
}

/** Lists of objects are edited in the text; the form says how many there are and jumps to them. */
function Unsupported({ field, path, value }: { field: Extract<FieldSpec, { kind: "unsupported" }>; path: FieldPath; value: unknown }) {
  const api = useEditorApi();
  const reveal = () => {
    const s = api.getState();
    const node = s.document?.getIn(path, true) as { range?: [number, number, number] } | undefined;
    if (node?.range && s.bridge) s.bridge.reveal(node.range[0], node.range[1]);
  };
  const count = Array.isArray(value) ? `${value.length} entr${value.length === 1 ? "y" : "ies"}` : "none";
  return (
    <FieldShell field={field} path={path}>
      <div className="hint">
        {field.reason}: {count}.{" "}
        {Array.isArray(value) ? <button type="button" className="btn btn-ghost btn-sm" onClick={reveal}>Edit in YAML</button> : "Add them in the YAML."}
      </div>
    </FieldShell>
  );
}
