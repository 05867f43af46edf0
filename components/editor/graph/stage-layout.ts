/**
 * A layered layout of the stage DAG in linear time, for pipelines with many stages. elkjs's layered algorithm gives
 * the nicer picture for small graphs but is superlinear and slow to warm up: in Node, ≈ 0.4 s cold for 91 stages
 * and ≈ 0.4–1 s for 726 (a 1 MB pipeline), most of a first paint. This one does what matters for a `needs` DAG:
 *   1. layers by longest path from the stages that need nothing (every edge points right);
 *   2. order inside a layer by the barycentre of what a stage needs (fewer crossings), document order otherwise;
 *   3. each stage placed level with what it needs, then each stage pulled level with what needs it (a fan-out's
 *      source sits in the middle of its fan), never overlapping its neighbours.
 * Pure and synchronous. Cycles (the parser refuses them, but the input is not trusted) are broken in document order.
 */

export type StageBox = { id: string; width: number; height: number };
export type StageEdge = { from: string; to: string };
export type Placed = Map<string, { x: number; y: number }>;

/** The spacing elk is configured with in layout.ts, so both layouts look alike. */
export const LAYER_GAP = 70;
export const NODE_GAP = 40;

export function layeredStageLayout(boxes: readonly StageBox[], edges: readonly StageEdge[]): Placed {
  const at = new Map(boxes.map((b, i) => [b.id, i]));
  const preds: number[][] = boxes.map(() => []);
  const succs: number[][] = boxes.map(() => []);
  for (const e of edges) {
    const [a, b] = [at.get(e.from), at.get(e.to)];
    if (a === undefined || b === undefined || a === b) continue;
    preds[b]!.push(a);
    succs[a]!.push(b);
  }

  // 1. Longest-path layering (Kahn's order); whatever a cycle leaves behind goes after everything it needs that is placed.
  const layer = new Array<number>(boxes.length).fill(-1);
  const waiting = preds.map((p) => p.length);
  const queue: number[] = [];
  let head = 0;
  for (let i = 0; i < boxes.length; i++) if (waiting[i] === 0) queue.push(i);
  for (let done = 0; done < boxes.length; ) {
    if (head === queue.length) {
      const stuck = layer.indexOf(-1);
      waiting[stuck] = 0;
      queue.push(stuck);
    }
    const i = queue[head++]!;
    if (layer[i] !== -1) continue;
    layer[i] = preds[i]!.reduce((l, p) => Math.max(l, layer[p]! + 1), 0);
    done++;
    for (const s of succs[i]!) if (--waiting[s]! === 0) queue.push(s);
  }

  // 2. Order inside each layer: barycentre of the predecessors' ranks, ties and sources in document order.
  const layers: number[][] = [];
  for (let i = 0; i < boxes.length; i++) (layers[layer[i]!] ??= []).push(i);
  const rank = new Array<number>(boxes.length).fill(0);
  for (const nodes of layers) {
    if (!nodes) continue;
    const key = new Map(nodes.map((n, i) => [n, preds[n]!.length ? preds[n]!.reduce((s, p) => s + rank[p]!, 0) / preds[n]!.length : i]));
    nodes.sort((a, b) => key.get(a)! - key.get(b)! || a - b);
    nodes.forEach((n, i) => (rank[n] = i));
  }

  // 3. Coordinates: layers left to right, each as wide as its widest stage.
  const x = new Array<number>(boxes.length).fill(0);
  const y = new Array<number>(boxes.length).fill(0);
  const center = (i: number) => y[i]! + boxes[i]!.height / 2;
  let left = 0;
  for (const nodes of layers) {
    if (!nodes) continue;
    let bottom = -Infinity;
    for (const n of nodes) {
      x[n] = left;
      const wanted = preds[n]!.length ? preds[n]!.reduce((s, p) => s + center(p), 0) / preds[n]!.length - boxes[n]!.height / 2 : 0;
      y[n] = bottom === -Infinity ? wanted : Math.max(wanted, bottom + NODE_GAP);
      bottom = y[n]! + boxes[n]!.height;
    }
    left += nodes.reduce((w, n) => Math.max(w, boxes[n]!.width), 0) + LAYER_GAP;
  }
  // Right to left: a stage moves level with the middle of what needs it, within the room its neighbours leave.
  for (let l = layers.length - 1; l >= 0; l--) {
    const nodes = layers[l];
    if (!nodes) continue;
    for (let k = 0; k < nodes.length; k++) {
      const n = nodes[k]!;
      if (!succs[n]!.length) continue;
      const wanted = succs[n]!.reduce((s, c) => s + center(c), 0) / succs[n]!.length - boxes[n]!.height / 2;
      const above = k > 0 ? y[nodes[k - 1]!]! + boxes[nodes[k - 1]!]!.height + NODE_GAP : -Infinity;
      const below = k + 1 < nodes.length ? y[nodes[k + 1]!]! - NODE_GAP - boxes[n]!.height : Infinity;
      y[n] = Math.min(Math.max(wanted, above), Math.max(below, above));
    }
  }

  const top = y.reduce((t, v) => Math.min(t, v), 0);
  return new Map(boxes.map((b, i) => [b.id, { x: x[i]!, y: y[i]! - top }]));
}
