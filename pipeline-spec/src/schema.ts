/**
 * Pipeline v1: the document a user writes. The zod schema is the single source of truth: the TypeScript types are
 * inferred from it, the JSON Schema for Monaco is generated from it (json-schema.ts), and every `.describe()` text
 * becomes hover documentation in the editor, so those texts are written for users.
 *
 * Rules that need the whole document (unique ids, `needs` references, cycles, expressions) are not here but in
 * graph.ts and expressions.ts, because they need positions in the YAML to be useful.
 */
import { z } from "zod";
import {
  DescriptionSchema,
  DisplayNameSchema,
  IDENTIFIER_PATTERN,
  SECRET_NAME_PATTERN,
  SelectorsSchema,
  StageIdSchema,
  WhenSchema,
} from "./common";
import { OnFailureSchema } from "./failure-strategy";
import { StepOrGroupSchema } from "./steps/index";
import type { ParallelGroup, Step } from "./steps/index";

export const API_VERSION = "slipway/v1" as const;
export const PIPELINE_KIND = "Pipeline" as const;

const INPUT_EXPRESSION = "<+input>";
const SECRET_SOURCE = SECRET_NAME_PATTERN.source.slice(1, -1);
const SECRET_REFERENCE = new RegExp(`^<\\+\\s*secrets\\.getValue\\(\\s*"${SECRET_SOURCE}"\\s*\\)\\s*>$`);

export const PipelineVariableSchema = z
  .strictObject({
    name: z
      .string()
      .regex(IDENTIFIER_PATTERN)
      .describe(
        "Variable name, used as <+pipeline.variables.NAME>: letters, digits and '_', not starting with a digit.",
      ),
    type: z
      .enum(["string", "number", "boolean", "secret"])
      .default("string")
      .describe("string (default), number, boolean, or secret (its value is masked in every log)."),
    default: z
      .union([z.string(), z.number(), z.boolean()])
      .optional()
      .describe(
        "Value used when the execution does not set one. <+input> asks for it when the pipeline starts. A secret " +
          'variable can only default to <+secrets.getValue("name")>.',
      ),
    required: z.boolean().default(false).describe("If true, an execution cannot start without a value."),
    description: DescriptionSchema.optional(),
  })
  .superRefine((variable, ctx) => {
    const message = checkVariableDefault(variable.type, variable.default);
    if (message) ctx.addIssue({ code: "custom", path: ["default"], message, input: variable.default });
  })
  .describe("A pipeline variable, readable anywhere as <+pipeline.variables.NAME>.");
export type PipelineVariable = z.infer<typeof PipelineVariableSchema>;
export type PipelineVariableType = PipelineVariable["type"];

/** Why a variable's default does not fit its type, or undefined when it does. */
function checkVariableDefault(type: PipelineVariableType, value: PipelineVariable["default"]): string | undefined {
  if (value === undefined || value === INPUT_EXPRESSION) return undefined;
  if (type === "secret") {
    // A plain default would put the secret in the pipeline's YAML, in clear, in every revision.
    if (typeof value === "string" && SECRET_REFERENCE.test(value)) return undefined;
    return `a secret variable cannot have a plain "default"; use <+secrets.getValue("name")> or <+input>`;
  }
  if (typeof value === type) return undefined;
  const got = typeof value === "string" ? JSON.stringify(value) : String(value);
  const hint = type === "string" ? "; put it in quotes" : "";
  return `"default" must be a ${type} because "type" is ${type}, got ${got}${hint}`;
}

export const StageSchema = z
  .strictObject({
    id: StageIdSchema,
    name: DisplayNameSchema.optional().describe("Display name of the stage in the studio. Defaults to the id."),
    description: DescriptionSchema.optional(),
    needs: z
      .array(z.string().min(1).describe("The id of another stage."))
      .optional()
      .describe(
        "Stages that must finish first. Leave it out to run after the previous stage in the list; write [] to " +
          "start as soon as the execution starts; list ids to wait for those stages (they can run in parallel).",
      ),
    environment: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe("Name of the environment this stage deploys to (e.g. staging); available as <+env.name>."),
    service: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe("Name of the service this stage deploys; available as <+service.name>."),
    infrastructure: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe("Name of the infrastructure definition to deploy onto; available as <+infra.name>."),
    selectors: SelectorsSchema.optional(),
    when: WhenSchema.default("onSuccess"),
    onFailure: OnFailureSchema.optional(),
    steps: z
      .array(StepOrGroupSchema)
      .min(1)
      .describe("The steps of the stage, run one after the other. Use a parallel group to run some side by side."),
    rollbackSteps: z
      .array(StepOrGroupSchema)
      .optional()
      .describe("Steps that undo the stage. They run when a failure strategy with action rollback fires."),
  })
  .describe("A stage: a named list of steps, run after the stages it needs.");
export type Stage = z.infer<typeof StageSchema>;

export const PipelineSpecSchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION).describe("The version of the pipeline language. Always slipway/v1."),
    kind: z.literal(PIPELINE_KIND).describe("The kind of document. Always Pipeline."),
    name: DisplayNameSchema.describe("The pipeline's name, shown everywhere in the studio (1 to 100 characters)."),
    description: DescriptionSchema.optional(),
    variables: z
      .array(PipelineVariableSchema)
      .optional()
      .describe("Values that can change between executions, read as <+pipeline.variables.NAME>."),
    stages: z
      .array(StageSchema)
      .min(1)
      .describe("The stages, in order. Each runs after the previous one unless its `needs` says otherwise."),
  })
  .describe("A Slipway pipeline: stages of steps that build, test and deploy a service.");
export type PipelineSpec = z.infer<typeof PipelineSpecSchema>;
/** The document as written, before defaults are filled in (what templates and the printer take). */
export type PipelineSpecInput = z.input<typeof PipelineSpecSchema>;

/** One step as visited by walkSteps. */
export type StepVisit = {
  stage: Stage;
  step: Step;
  /** The parallel group the step belongs to, if any. */
  group?: ParallelGroup;
  /** True for steps listed under the stage's `rollbackSteps`. */
  inRollback: boolean;
};

/** Every step of the pipeline in document order (per stage: steps, then rollbackSteps), looking inside groups. */
export function* walkSteps(spec: PipelineSpec): Generator<StepVisit> {
  for (const stage of spec.stages) {
    for (const [list, inRollback] of [
      [stage.steps, false],
      [stage.rollbackSteps ?? [], true],
    ] as const) {
      for (const item of list) {
        if (item.type === "parallel") {
          for (const step of item.steps) yield { stage, step, group: item, inRollback };
        } else {
          yield { stage, step: item, inRollback };
        }
      }
    }
  }
}
