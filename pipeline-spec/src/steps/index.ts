/**
 * The step union. To add a step type: write its schema in `steps/<type>.ts` (head fields, `type` literal, own
 * fields, tail fields), add it to `StepSchema` below and remove its name from `RESERVED_STEP_TYPES`. Parsing,
 * error messages, the JSON Schema and the printer pick it up from the union.
 */
import { z } from "zod";
import { DescriptionSchema, DisplayNameSchema, StepIdSchema } from "../common";
import { ApprovalStepSchema } from "./approval";
import { EcsDeployStepSchema, EcsPromoteStepSchema, EcsRollbackStepSchema, EcsScaleDownStepSchema, EcsTrafficShiftStepSchema } from "./ecs";
import { HttpStepSchema } from "./http";
import { ShellStepSchema } from "./shell";
import { LoadBalancerStepSchema, SshCommandStepSchema, SshDeployStepSchema, SshRollbackStepSchema } from "./ssh";
import { VerifyStepSchema } from "./verify";
import { WaitStepSchema } from "./wait";

export const StepSchema = z
  .discriminatedUnion("type", [
    ShellStepSchema,
    HttpStepSchema,
    ApprovalStepSchema,
    WaitStepSchema,
    SshCommandStepSchema,
    SshDeployStepSchema,
    SshRollbackStepSchema,
    LoadBalancerStepSchema,
    EcsDeployStepSchema,
    EcsTrafficShiftStepSchema,
    EcsPromoteStepSchema,
    EcsScaleDownStepSchema,
    EcsRollbackStepSchema,
    VerifyStepSchema,
  ])
  .describe(
    "A step: set `type` to shell, http, approval, wait, ssh, sshDeploy, sshRollback, loadBalancer, ecsDeploy, ecsTrafficShift, ecsPromote, ecsScaleDown, ecsRollback or verify.",
  );
export type Step = z.infer<typeof StepSchema>;
export type StepType = Step["type"];

/**
 * Step types announced but not implemented yet. They are rejected with their own problem code, so a user who
 * copies a Harness-style `ssh` step learns it is coming rather than that it is a typo.
 */
export const RESERVED_STEP_TYPES = ["k8s", "helm", "lambda"] as const;

export const ParallelGroupSchema = z
  .strictObject({
    id: StepIdSchema,
    name: DisplayNameSchema.optional().describe("Display name of the group in the studio. Defaults to the id."),
    type: z.literal("parallel").describe("Run the steps listed in this group at the same time."),
    description: DescriptionSchema.optional(),
    steps: z.array(StepSchema).min(2).describe("The steps to run side by side (at least 2). Groups cannot be nested."),
  })
  .describe("parallel: a group of steps that start together; the group ends when all of them have ended.");
export type ParallelGroup = z.infer<typeof ParallelGroupSchema>;

/** An entry of a stage's `steps` or `rollbackSteps`: a step, or a parallel group of steps. */
export const StepOrGroupSchema = z
  .discriminatedUnion("type", [StepSchema, ParallelGroupSchema])
  .describe("A step (shell, http, approval, wait, ssh…, ecs…, verify, loadBalancer) or a parallel group of steps.");
export type StepOrGroup = z.infer<typeof StepOrGroupSchema>;

/** Every accepted step `type`, in declaration order. */
export const STEP_TYPES: readonly StepType[] = StepSchema.options.map((option) => option.shape.type.value);
/** What `type` may be in a stage's step list. */
export const STEP_LIST_TYPES: readonly string[] = [...STEP_TYPES, "parallel"];

export * from "./approval";
export * from "./ecs";
export * from "./http";
export * from "./shell";
export * from "./ssh";
export * from "./verify";
export * from "./wait";
