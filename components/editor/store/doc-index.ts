/**
 * Where each stage, step and parallel group is in the YAML document as written: its path (for setField and for
 * matching the parser's problems) and its raw value (what the user wrote, defaults NOT filled in — the inspector
 * shows a default as a placeholder, and a copied step is pasted as written).
 *
 * Built from the `yaml` Document of the last parse rather than the parsed spec, so it follows the text even while
 * the text has schema errors (exactly when the inspector's messages matter). Pure.
 */
import { isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from "yaml";
import type { FieldPath, StepInput, StepList } from "@slipway/pipeline-spec";

export type IndexedStep = { id: string; stageId: string; path: FieldPath; list: StepList; groupId?: string; type: string };
export type IndexedGroup = { id: string; stageId: string; path: FieldPath; list: StepList; stepIds: string[] };
export type IndexedStage = { id: string; path: FieldPath };
export type DocIndex = { stages: IndexedStage[]; steps: Map<string, IndexedStep>; groups: Map<string, IndexedGroup> };

const EMPTY: DocIndex = { stages: [], steps: new Map(), groups: new Map() };

function idOf(node: unknown): string | undefined {
  if (!isMap(node)) return undefined;
  const id = (node as YAMLMap).get("id", true);
  return isScalar(id) && typeof id.value === "string" ? id.value : undefined;
}

function typeOf(node: unknown): string {
  const type = isMap(node) ? (node as YAMLMap).get("type", true) : undefined;
  return isScalar(type) ? String(type.value) : "";
}

export function indexDocument(doc: Document | null): DocIndex {
  const stagesNode = doc?.get("stages", true);
  if (!doc || !isSeq(stagesNode)) return EMPTY;
  const index: DocIndex = { stages: [], steps: new Map(), groups: new Map() };
  stagesNode.items.forEach((stage, si) => {
    const stageId = idOf(stage);
    if (stageId === undefined) return;
    index.stages.push({ id: stageId, path: ["stages", si] });
    for (const list of ["steps", "rollbackSteps"] as const) {
      const items = (stage as YAMLMap).get(list, true);
      if (!isSeq(items)) continue;
      items.items.forEach((item, i) => {
        const id = idOf(item);
        const path: FieldPath = ["stages", si, list, i];
        if (id === undefined) return;
        if (typeOf(item) !== "parallel") {
          index.steps.set(id, { id, stageId, path, list, type: typeOf(item) });
          return;
        }
        const inner = (item as YAMLMap).get("steps", true);
        const stepIds: string[] = [];
        if (isSeq(inner)) {
          inner.items.forEach((step, j) => {
            const stepId = idOf(step);
            if (stepId === undefined) return;
            stepIds.push(stepId);
            index.steps.set(stepId, { id: stepId, stageId, path: [...path, "steps", j], list, groupId: id, type: typeOf(step) });
          });
        }
        index.groups.set(id, { id, stageId, path, list, stepIds });
      });
    }
  });
  return index;
}

/** The value at `path` as written (aliases resolved), or undefined. */
export function rawAt(doc: Document | null, path: FieldPath): unknown {
  if (!doc) return undefined;
  const node = doc.getIn(path, true) as Node | undefined;
  if (node === undefined || node === null) return undefined;
  try {
    return typeof (node as { toJS?: unknown }).toJS === "function" ? (node as Node).toJS(doc) : node;
  } catch {
    return undefined;
  }
}

/** Every id a new step or group must not take (step ids are unique across the pipeline, groups included). */
export function takenStepIds(index: DocIndex): Set<string> {
  return new Set([...index.steps.keys(), ...index.groups.keys()]);
}

/** The steps' objects as written, in document order, ready to be pasted (see clipboard.ts). */
export function rawSteps(doc: Document | null, index: DocIndex, stepIds: readonly string[]): StepInput[] {
  const wanted = new Set(stepIds);
  return [...index.steps.values()].filter((s) => wanted.has(s.id)).map((s) => rawAt(doc, s.path) as StepInput).filter((s) => s && typeof s === "object");
}
