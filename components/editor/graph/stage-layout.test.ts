import { describe, expect, it } from "vitest";
import { layeredStageLayout, LAYER_GAP, NODE_GAP, type StageBox } from "./stage-layout";

const box = (id: string, height = 100, width = 240): StageBox => ({ id, width, height });
const overlaps = (a: { x: number; y: number }, ah: number, b: { x: number; y: number }, bh: number) => a.x === b.x && a.y < b.y + bh && b.y < a.y + ah;

describe("layeredStageLayout", () => {
  it("puts every stage to the right of what it needs, layer by layer", () => {
    const at = layeredStageLayout([box("a"), box("b"), box("c"), box("d")], [
      { from: "a", to: "b" },
      { from: "b", to: "c" },
      { from: "a", to: "c" },
      { from: "a", to: "d" },
    ]);
    expect(at.get("a")!.x).toBe(0);
    expect(at.get("b")!.x).toBe(240 + LAYER_GAP);
    expect(at.get("d")!.x).toBe(240 + LAYER_GAP);
    expect(at.get("c")!.x).toBe(2 * (240 + LAYER_GAP)); // longest path: after b, not beside it
  });

  it("never overlaps stages of a layer, and centres a fan-out's source on its fan", () => {
    const boxes = [box("root", 80), ...Array.from({ length: 30 }, (_, i) => box(`s${i}`, 60 + (i % 3) * 40))];
    const at = layeredStageLayout(boxes, boxes.slice(1).map((b) => ({ from: "root", to: b.id })));
    const fan = boxes.slice(1).map((b) => ({ ...at.get(b.id)!, h: b.height })).sort((p, q) => p.y - q.y);
    for (let i = 1; i < fan.length; i++) expect(fan[i]!.y).toBeGreaterThanOrEqual(fan[i - 1]!.y + fan[i - 1]!.h + NODE_GAP);
    const middle = fan.reduce((sum, f) => sum + f.y + f.h / 2, 0) / fan.length;
    expect(Math.abs(at.get("root")!.y + 40 - middle)).toBeLessThan(1);
    for (const p of at.values()) expect(p.y).toBeGreaterThanOrEqual(0);
  });

  it("lays out 1,000 stages quickly and without overlaps", () => {
    const boxes = Array.from({ length: 1000 }, (_, i) => box(`s${i}`, 60 + (i % 7) * 20));
    const edges = boxes.slice(1).map((b, i) => ({ from: `s${(i + 1) % 3 === 0 ? 0 : i}`, to: b.id }));
    const t0 = performance.now();
    const at = layeredStageLayout(boxes, edges);
    expect(performance.now() - t0).toBeLessThan(200);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) if (overlaps(at.get(`s${i}`)!, boxes[i]!.height, at.get(`s${j}`)!, boxes[j]!.height)) throw new Error(`s${i} overlaps s${j}`);
  });

  it("still places every stage when the edges have a cycle", () => {
    const at = layeredStageLayout([box("a"), box("b"), box("c")], [
      { from: "a", to: "b" },
      { from: "b", to: "a" },
      { from: "b", to: "c" },
    ]);
    expect([...at.keys()].sort()).toEqual(["a", "b", "c"]);
    for (const p of at.values()) expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);
  });
});
