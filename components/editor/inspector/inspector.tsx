"use client";
/**
 * The inspector: a form for the one selected step, stage or parallel group, generated from its zod schema
 * (schema-fields.ts). Values are read from the YAML as written; each change is a setField edit of the YAML, and
 * each field shows the parser's messages for its path. Renaming the id is its own action (renameStep /
 * renameStage), because `needs`, expressions and logs refer to ids.
 */
import type { FieldPath, StepType } from "@slipway/pipeline-spec";
import { useMemo } from "react";
import { kindColor, stepKind } from "../registry";
import { rawAt } from "../store/doc-index";
import { useEditor } from "../store/editor-context";
import { FieldList } from "./field-list";
import { FormContext, ProblemLines } from "./field-shell";
import { IdField } from "./id-field";
import { claimProblems } from "./problems";
import { groupFields, stageFields, stepFields, type FieldSpec } from "./schema-fields";

type Target = { kind: "stage" | "step" | "group"; id: string; path: FieldPath; fields: FieldSpec[]; title: string; icon: string; color: string; help?: string };

export function Inspector({ canWrite }: { canWrite: boolean }) {
  const selected = useEditor((s) => s.selected);
  const index = useEditor((s) => s.index);
  const document = useEditor((s) => s.document);
  const problems = useEditor((s) => s.problems);
  const viewing = useEditor((s) => s.viewing);

  const target = useMemo((): Target | null => {
    if (selected.length !== 1) return null;
    const [kind, id] = [selected[0]!.slice(0, selected[0]!.indexOf(":")), selected[0]!.slice(selected[0]!.indexOf(":") + 1)];
    if (kind === "stage") {
      const stage = index.stages.find((s) => s.id === id);
      return stage ? { kind, id, path: stage.path, fields: stageFields(), title: "Stage", icon: "▭", color: "var(--text-3)" } : null;
    }
    if (kind === "group") {
      const group = index.groups.get(id);
      return group ? { kind, id, path: group.path, fields: groupFields(), title: "Parallel group", icon: "∥", color: "var(--text-3)", help: "Its steps start together; the group ends when all of them have ended." } : null;
    }
    const step = index.steps.get(id);
    const type = step?.type as StepType | undefined;
    if (!step || !type || !stepKind(type)) return null;
    return { kind: "step", id, path: step.path, fields: stepFields(type), title: stepKind(type).label, icon: stepKind(type).icon, color: kindColor(type) };
  }, [selected, index]);

  const value = useMemo(() => (target ? rawAt(document, target.path) : undefined), [target, document]);
  const claimed = useMemo(() => claimProblems(target?.fields ?? [], target?.path ?? [], value, target ? problems : []), [target, value, problems]);

  if (viewing) return <Empty text="Viewing an old revision: nothing to edit." />;
  if (!target) return <Empty text={selected.length > 1 ? `${selected.length} nodes selected. Select one to edit it; Delete removes them all.` : "Select a step or a stage in the graph (or put the cursor in it in the YAML) to edit it here."} />;

  return (
    <FormContext.Provider value={{ claimed, nodePath: target.path, readOnly: !canWrite }}>
      <div className="inspector" data-testid="inspector" data-node={`${target.kind}:${target.id}`} key={`${target.kind}:${target.id}`}>
        <div className="inspector-head">
          <span className="kind-icon" style={{ background: target.color }} aria-hidden>{target.icon}</span>
          <strong>{target.title}</strong>
        </div>
        {target.help && <div className="hint" style={{ marginBottom: 8 }}>{target.help}</div>}
        {claimed.unclaimed.length > 0 && (
          <div className="insp-unclaimed" data-testid="inspector-problems">
            <ProblemLines problems={claimed.unclaimed} />
          </div>
        )}
        <IdField kind={target.kind} id={target.id} readOnly={!canWrite} />
        <FieldList fields={target.fields} base={target.path} value={value} />
      </div>
    </FormContext.Provider>
  );
}

function Empty({ text }: { text: string }) {
  return (
    <div className="inspector inspector-empty" data-testid="inspector">
      <p className="hint">{text}</p>
    </div>
  );
}
