/**
 * Copy and paste of steps in the graph: what is copied is the steps' objects as the user wrote them (comments
 * cannot travel in an object; the pasted step is written in the document's style by the edit engine). Pasted
 * copies get fresh ids — `build` → `build-copy`, then `build-copy-2` — because step ids are unique across the
 * pipeline and are what logs, URLs and expressions refer to. Pure; tested by clipboard.test.ts.
 */
import type { Edit, StepInput, StepList } from "@slipway/pipeline-spec";
import { stringify } from "yaml";
import { uniqueId } from "./registry";

/** The copies to add, with ids that collide neither with `taken` nor with each other. */
export function withFreshIds(steps: readonly StepInput[], taken: ReadonlySet<string>): StepInput[] {
  const used = new Set(taken);
  return steps.map((step) => {
    const base = step.id.replace(/-copy(-\d+)?$/, "");
    const id = uniqueId(`${base}-copy`, used);
    used.add(id);
    return { ...structuredClone(step), id } as StepInput;
  });
}

/** The edits that paste `steps` into a stage's list at `index` (default: the end), in order, as one change. */
export function pasteEdits(steps: readonly StepInput[], taken: ReadonlySet<string>, at: { stageId: string; index?: number; list?: StepList }): Edit[] {
  return withFreshIds(steps, taken).map((step, i) => ({ op: "addStep", stageId: at.stageId, step, ...(at.list ? { list: at.list } : {}), ...(at.index === undefined ? {} : { index: at.index + i }) }));
}

/** What goes to the system clipboard too, so copied steps can be pasted into the YAML (or another pipeline). */
export function stepsAsYaml(steps: readonly StepInput[]): string {
  return stringify(steps, { lineWidth: 0 });
}
