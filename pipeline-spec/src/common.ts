/**
 * Small schemas shared by the pipeline, its stages and its steps. The patterns are exported so error messages
 * (zod-issues.ts) can explain them in words instead of printing a regular expression.
 */
import { z } from "zod";

/** Stage and step ids: they appear in URLs, log paths and expressions, so lowercase and no spaces. */
export const ID_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
/** Variable names: usable in `<+pipeline.variables.NAME>` and as shell environment variable names. */
export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Delegate selector tags: no whitespace, so a list of them can be shown as `linux eu`. */
export const SELECTOR_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,62}$/;

export const StageIdSchema = z
  .string()
  .regex(ID_PATTERN)
  .describe("Unique id of the stage: lowercase letters, digits, '-' and '_', starting with a letter (max 63).");
export type StageId = z.infer<typeof StageIdSchema>;

export const StepIdSchema = z
  .string()
  .regex(ID_PATTERN)
  .describe(
    "Unique id of the step across the whole pipeline (including rollback steps and parallel groups): lowercase " +
      "letters, digits, '-' and '_', starting with a letter (max 63). Used in logs, URLs and <+step.id>.",
  );
export type StepId = z.infer<typeof StepIdSchema>;

export const DisplayNameSchema = z.string().trim().min(1).max(100);

export const DescriptionSchema = z
  .string()
  .max(2000)
  .describe("Free text shown in the studio next to this item. Not used at run time.");

export const SelectorsSchema = z
  .array(z.string().regex(SELECTOR_PATTERN).describe("A delegate tag, e.g. linux or eu-west-1."))
  .describe(
    "Delegate tags: the work runs only on a delegate that has all of these tags. Steps inherit the stage's " +
      "selectors; a step's own selectors replace them.",
  );
export type Selectors = z.infer<typeof SelectorsSchema>;

export const WhenSchema = z
  .enum(["onSuccess", "onFailure", "always"])
  .describe(
    "When this runs. onSuccess (default): only if everything before it succeeded. onFailure: only if something " +
      "before it failed (for cleanup or notifications). always: in both cases.",
  );
export type When = z.infer<typeof WhenSchema>;

/** Environment variables and HTTP headers: YAML users write `PORT: 8080`, so numbers and booleans become text. */
export const StringValueSchema = z.union([z.string(), z.number(), z.boolean()]).transform((value) => String(value));

/** Names accepted in `<+secrets.getValue("name")>`. */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
