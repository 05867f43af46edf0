/**
 * Fields every step shares. Spread into each step's `z.strictObject` (rather than `.extend`-ing a base object) so
 * each step type stays a plain object schema that `z.discriminatedUnion` and `z.toJSONSchema` understand, and so
 * the key order (id, name, type, …) is the order `stringifyPipeline` prints.
 */
import { z } from "zod";
import { DescriptionSchema, DisplayNameSchema, SelectorsSchema, StepIdSchema, WhenSchema } from "../common";
import { DurationSchema } from "../duration";
import { OnFailureSchema } from "../failure-strategy";

/** Fields written before `type`, so that in YAML a step reads `- id: …, name: …, type: …`. */
export const stepHeadShape = {
  id: StepIdSchema,
  name: DisplayNameSchema.optional().describe("Display name of the step in the studio. Defaults to the id."),
};

/** Fields written after the type-specific ones. */
export const stepTailShape = {
  description: DescriptionSchema.optional(),
  timeout: DurationSchema.optional().describe(
    "Fail the step if it runs longer than this (e.g. 10m). Without it, only the stage and delegate limits apply.",
  ),
  selectors: SelectorsSchema.optional(),
  when: WhenSchema.default("onSuccess"),
  onFailure: OnFailureSchema.optional(),
};
