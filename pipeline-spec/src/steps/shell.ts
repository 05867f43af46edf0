import { z } from "zod";
import { IDENTIFIER_PATTERN, StringValueSchema } from "../common";
import { stepHeadShape, stepTailShape } from "./common";

export const EnvVarNameSchema = z
  .string()
  .regex(IDENTIFIER_PATTERN)
  .describe("Environment variable name: letters, digits and '_', not starting with a digit.");

export const ShellStepSchema = z
  .strictObject({
    ...stepHeadShape,
    type: z.literal("shell").describe("Run a script with bash or sh on a delegate."),
    script: z
      .string()
      .min(1)
      .describe(
        "The script to run. Use a block (script: |) for several lines. A non-zero exit code fails the step. " +
          "Expressions such as <+pipeline.variables.version> are replaced before the script runs.",
      ),
    shell: z.enum(["bash", "sh"]).default("bash").describe("The interpreter: bash (default) or sh."),
    env: z
      .record(EnvVarNameSchema, StringValueSchema.describe("The value; numbers and booleans are turned into text."))
      .default({})
      .describe("Extra environment variables for the script, e.g. { LOG_LEVEL: debug }."),
    workingDir: z
      .string()
      .min(1)
      .optional()
      .describe("Directory to run the script in, on the delegate. Defaults to a fresh temporary directory."),
    ...stepTailShape,
  })
  .describe("shell: run a bash or sh script on a delegate; its output streams to the execution log.");
export type ShellStep = z.infer<typeof ShellStepSchema>;
