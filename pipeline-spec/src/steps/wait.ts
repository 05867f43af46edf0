import { z } from "zod";
import { DurationSchema } from "../duration";
import { stepHeadShape, stepTailShape } from "./common";

export const WaitStepSchema = z
  .strictObject({
    ...stepHeadShape,
    type: z.literal("wait").describe("Do nothing for a while, e.g. to let traffic settle."),
    duration: DurationSchema.describe("How long to wait, e.g. 30s or 5m."),
    ...stepTailShape,
  })
  .describe("wait: pause for a fixed time; runs in the studio, not on a delegate.");
export type WaitStep = z.infer<typeof WaitStepSchema>;
