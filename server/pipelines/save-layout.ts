import { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";

/** Node positions are presentation, not pipeline: a map of node id → {x, y}, bounded in size, kept beside the YAML. */
export const LayoutSchema = z.record(z.string().max(80), z.object({ x: z.number().finite(), y: z.number().finite() })).refine((l) => Object.keys(l).length <= 5_000, "at most 5,000 positions");

/**
 * Positions the user set by hand, per pipeline and node id. Not a revision and not audited: moving a box is not a
 * change to what the pipeline does. Ids that no longer exist are dropped by the graph when it lays out.
 */
export async function savePipelineLayout(o: { db: Db; projectId: string; pipelineId: string; layout: z.infer<typeof LayoutSchema> }) {
  const done = await o.db.pipeline.updateMany({ where: { id: o.pipelineId, projectId: o.projectId, deletedAt: null }, data: { layout: o.layout } });
  if (!done.count) throw new AppError("NOT_FOUND", "Pipeline not found", { field: "pipelineId" });
  return { ok: true };
}
