/**
 * Failure strategies (`onFailure`), for a step or a whole stage, discriminated on `action` like steps are on `type`.
 * Absent `onFailure` means `fail`. The engine interprets them; this file only defines what can be written.
 */
import { z } from "zod";
import { DurationSchema } from "./duration";

const TERMINAL_ACTION_DOC =
  "fail: the step (or stage) fails. ignore: the failure is recorded and the pipeline continues. abort: the whole " +
  "execution stops. rollback: the stage's rollbackSteps run.";

function simpleStrategy<const A extends string>(action: A, doc: string) {
  return z.strictObject({ action: z.literal(action).describe(doc) }).describe(doc);
}

export const FailStrategySchema = simpleStrategy("fail", "Mark the step (or stage) failed. This is the default.");
export const IgnoreStrategySchema = simpleStrategy(
  "ignore",
  "Record the failure and carry on as if the step (or stage) succeeded.",
);
export const AbortStrategySchema = simpleStrategy("abort", "Stop the whole execution at once; nothing else runs.");
export const RollbackStrategySchema = simpleStrategy(
  "rollback",
  "Run the stage's rollbackSteps, then mark the stage rolled back.",
);

export const RetryStrategySchema = z
  .strictObject({
    action: z.literal("retry").describe("Run the failed step again, waiting longer between attempts."),
    retries: z.number().int().min(1).max(20).describe("How many more attempts after the first failure (1 to 20)."),
    backoff: DurationSchema.default("5s").describe(
      "Wait before the first retry; doubles after each attempt up to maxBackoff. Default 5s.",
    ),
    maxBackoff: DurationSchema.default("5m").describe("The longest wait between two attempts. Default 5m."),
    then: z
      .enum(["fail", "ignore", "abort", "rollback", "manualIntervention"])
      .default("fail")
      .describe(`What to do when every retry failed. ${TERMINAL_ACTION_DOC} manualIntervention: ask a person.`),
  })
  .describe("Retry the step with exponential backoff, then fall back to another action.");

export const ManualInterventionStrategySchema = z
  .strictObject({
    action: z
      .literal("manualIntervention")
      .describe("Pause and let a person choose: retry, ignore, abort or roll back."),
    timeout: DurationSchema.default("1d").describe("How long to wait for a person before `then` applies. Default 1d."),
    then: z
      .enum(["fail", "ignore", "abort", "rollback"])
      .default("fail")
      .describe(`What happens if nobody decides before the timeout. ${TERMINAL_ACTION_DOC}`),
  })
  .describe("Pause the execution until a person decides what to do with the failure.");

export const OnFailureSchema = z
  .discriminatedUnion("action", [
    FailStrategySchema,
    IgnoreStrategySchema,
    AbortStrategySchema,
    RollbackStrategySchema,
    RetryStrategySchema,
    ManualInterventionStrategySchema,
  ])
  .describe(`What happens when this fails. Absent means fail. ${TERMINAL_ACTION_DOC} Also retry, manualIntervention.`);

export type FailStrategy = z.infer<typeof FailStrategySchema>;
export type IgnoreStrategy = z.infer<typeof IgnoreStrategySchema>;
export type AbortStrategy = z.infer<typeof AbortStrategySchema>;
export type RollbackStrategy = z.infer<typeof RollbackStrategySchema>;
export type RetryStrategy = z.infer<typeof RetryStrategySchema>;
export type ManualInterventionStrategy = z.infer<typeof ManualInterventionStrategySchema>;
export type OnFailure = z.infer<typeof OnFailureSchema>;
export type FailureAction = OnFailure["action"];

/** Every `action` value, in the order shown in error messages. */
export const FAILURE_ACTIONS = OnFailureSchema.options.map((option) => option.shape.action.value);
