import { describe, expect, it } from "vitest";
import { parsePipelineYaml } from "./parse";
import { stringifyPipeline } from "./print";
import { STRATEGY_TEMPLATES, strategyStage } from "./templates";

const wrap = (stage: object) => stringifyPipeline({ apiVersion: "slipway/v1", kind: "Pipeline", name: "t", stages: [stage] } as never);

describe("strategy templates", () => {
  it.each(STRATEGY_TEMPLATES)("%s produces a stage that parses with no problem", (kind) => {
    const result = parsePipelineYaml(wrap(strategyStage(kind, { stageId: "deploy", environment: "production", service: "checkout", infrastructure: "fleet" })));
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("prefixes every step id with the stage id, so two deployment stages can coexist", () => {
    const a = strategyStage("ecs-canary", { stageId: "eu" });
    const b = strategyStage("ecs-canary", { stageId: "us" });
    const ids = (s: typeof a) => [...(s.steps ?? []), ...(s.rollbackSteps ?? [])].map((x) => (x as { id: string }).id);
    expect(ids(a).some((x) => ids(b).includes(x))).toBe(false);
  });

  it("uses the canary weights given", () => {
    const stage = strategyStage("ecs-canary", { stageId: "d", steps: [5, 25, 100] });
    expect((stage.steps ?? []).filter((s) => (s as { type: string }).type === "ecsTrafficShift").map((s) => (s as { greenWeight: number }).greenWeight)).toEqual([5, 25, 100]);
  });

  it("rolls back every strategy in its rollback steps", () => {
    for (const kind of STRATEGY_TEMPLATES) expect(strategyStage(kind, { stageId: "d" }).rollbackSteps?.length).toBeGreaterThan(0);
  });
});
