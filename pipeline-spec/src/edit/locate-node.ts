/**
 * Between the graph and the text: where a stage or step is written (click a node → reveal its YAML), and which
 * stage and step the cursor is in (move the cursor → select the node).
 */
import type { Node, YAMLSeq } from "yaml";
import { contentEnd, memo, parseText, seqItemExtent, startWithProps } from "./doc";
import type { Parsed } from "./doc";
import { stagesOf, stepsOf } from "./pipeline";
import type { NodeRange, NodeTarget } from "./types";

/** From the `-` of the stage or step to its last character (trailing line break and comments excluded). */
export function locateNode(text: string, target: NodeTarget): NodeRange | null {
  try {
    const parsed = parseText(text);
    if ("stageId" in target) {
      const { seq, stages } = stagesOf(parsed);
      const stage = stages.find((s) => s.id === target.stageId);
      return stage ? itemRange(parsed, seq, stage.index) : null;
    }
    const step = stepsOf(parsed).find((s) => s.id === target.stepId);
    return step ? itemRange(parsed, step.seq, step.index) : null;
  } catch {
    return null;
  }
}

function itemRange(parsed: Parsed, seq: YAMLSeq, index: number): NodeRange | null {
  const node = seq.items[index] as Node | undefined;
  if (!node?.range) return null;
  const { text } = parsed;
  let end = contentEnd(node);
  while (end > 0 && /\s/.test(text[end - 1] ?? "")) end--;
  if (seq.flow) return { start: startWithProps(text, node), end };
  const extent = seqItemExtent(text, seq, index);
  return extent ? { start: extent.head, end } : null;
}

type Area = { start: number; end: number; stageId: string; stepId?: string; depth: number };

/** The areas of every stage and step, leading comments included (a comment above a step belongs to it). */
function areasOf(parsed: Parsed): Area[] {
  return memo(parsed, "areas", () => {
    const areas: Area[] = [];
    const area = (seq: YAMLSeq, index: number) => {
      const node = seq.items[index] as Node;
      if (seq.flow) return { start: startWithProps(parsed.text, node), end: contentEnd(node) };
      const extent = seqItemExtent(parsed.text, seq, index);
      return extent ? { start: extent.start, end: extent.end } : undefined;
    };
    const { seq, stages } = stagesOf(parsed);
    for (const stage of stages) {
      const range = stage.id !== undefined ? area(seq, stage.index) : undefined;
      if (range && stage.id !== undefined) areas.push({ ...range, stageId: stage.id, depth: 0 });
    }
    for (const step of stepsOf(parsed)) {
      const range = area(step.seq, step.index);
      if (range && step.stage.id !== undefined) {
        areas.push({ ...range, stageId: step.stage.id, stepId: step.id, depth: step.group ? 2 : 1 });
      }
    }
    return areas;
  });
}

/** The stage (and innermost step) written at `offset`, or null outside every stage. */
export function nodeAtOffset(text: string, offset: number): { stageId?: string; stepId?: string } | null {
  try {
    const parsed = parseText(text);
    let best: Area | undefined;
    for (const area of areasOf(parsed)) {
      const inside = offset >= area.start && (offset < area.end || (offset === area.end && area.end === text.length));
      if (inside && (!best || area.depth > best.depth)) best = area;
    }
    if (!best) return null;
    return best.stepId === undefined ? { stageId: best.stageId } : { stageId: best.stageId, stepId: best.stepId };
  } catch {
    return null;
  }
}
