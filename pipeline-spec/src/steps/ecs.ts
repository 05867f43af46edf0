/**
 * Amazon ECS steps. The cluster, service, listener and target groups come from the stage's `infrastructure` (an
 * ECS record); the image and task-definition template from its `service`. Strategies are built from these steps
 * (templates.ts):
 *   rolling     ecsDeploy (mode rolling)                               rollback: ecsRollback
 *   blue-green  ecsDeploy (green) → verify → (approval) → ecsTrafficShift 100 → ecsPromote → wait → ecsScaleDown
 *   canary      ecsDeploy (green) → ecsTrafficShift 10 → verify → 50 → verify → 100 → ecsPromote
 * Each step reads live state first and converges to what it describes, so repeating it (another delegate after a
 * lost one) changes nothing twice.
 */
import { z } from "zod";
import { DurationSchema } from "../duration";
import { stepHeadShape, stepTailShape } from "./common";

export const EcsDeployStepSchema = z
  .strictObject({
    ...stepHeadShape,
    type: z.literal("ecsDeploy").describe("Register the task definition and run it: update the service (rolling) or the green service (blue-green, canary)."),
    mode: z.enum(["rolling", "green"]).describe("rolling: update the live service in place. green: create or update the service beside it on the stage target group."),
    desiredCount: z
      .union([z.number().int().min(0), z.string().regex(/^\d{1,3}%$/)])
      .optional()
      .describe("green mode: task count, or a share of the live service's count (\"20%\" for a canary). Default: the live count."),
    minimumHealthyPercent: z.number().int().min(0).max(100).default(100).describe("rolling: minimum healthy percent during the deployment. Default 100."),
    maximumPercent: z.number().int().min(100).max(200).default(200).describe("rolling: maximum percent during the deployment. Default 200."),
    circuitBreaker: z.boolean().default(true).describe("rolling: ECS deployment circuit breaker with automatic rollback. Default on."),
    pollInterval: DurationSchema.default("5s").describe("How often to check progress while waiting for steady state. Default 5s."),
    ...stepTailShape,
  })
  .describe("ecsDeploy: register the rendered task definition, deploy it, and wait until the deployment we created is COMPLETED (a service ECS rolled back is a failure).");
export type EcsDeployStep = z.infer<typeof EcsDeployStepSchema>;

export const EcsTrafficShiftStepSchema = z
  .strictObject({
    ...stepHeadShape,
    type: z.literal("ecsTrafficShift").describe("Set the listener (or rule) forward weights between the blue and green target groups."),
    greenWeight: z.number().int().min(0).max(100).describe("Percent of traffic to the green (new) target group; blue gets the rest."),
    ...stepTailShape,
  })
  .describe("ecsTrafficShift: set and then verify the forward weights (blue = 100 − green).");
export type EcsTrafficShiftStep = z.infer<typeof EcsTrafficShiftStepSchema>;

export const EcsPromoteStepSchema = z
  .strictObject({
    ...stepHeadShape,
    type: z.literal("ecsPromote").describe("Make green the live side: all traffic to it, and remember it as the stable side for the next deployment."),
    ...stepTailShape,
  })
  .describe("ecsPromote: swap roles; the old blue keeps running for instant rollback until ecsScaleDown.");
export type EcsPromoteStep = z.infer<typeof EcsPromoteStepSchema>;

export const EcsScaleDownStepSchema = z
  .strictObject({
    ...stepHeadShape,
    type: z.literal("ecsScaleDown").describe("Scale a side down to zero tasks (and optionally delete it)."),
    side: z.enum(["idle", "green"]).default("idle").describe("idle: the side not receiving traffic (old blue after a promote). green: the new side (used by rollbacks). Default idle."),
    delete: z.boolean().default(false).describe("Delete the service after scaling it down."),
    ...stepTailShape,
  })
  .describe("ecsScaleDown: scale the idle (or green) service to 0 tasks; blue-green keeps it until after a hold (a wait step before this one).");
export type EcsScaleDownStep = z.infer<typeof EcsScaleDownStepSchema>;

export const EcsRollbackStepSchema = z
  .strictObject({
    ...stepHeadShape,
    type: z.literal("ecsRollback").describe("Undo this execution's ECS changes for the stage."),
    ...stepTailShape,
  })
  .describe("ecsRollback: rolling → the service goes back to the task definition it ran before; blue-green/canary → all traffic back to blue, green scaled to 0.");
export type EcsRollbackStep = z.infer<typeof EcsRollbackStepSchema>;
