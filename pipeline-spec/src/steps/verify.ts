/**
 * Verification: watch metrics for a window and fail (so the stage's failure strategy can roll back) when they
 * cross thresholds. Default thresholds are the reference's (000): error rate above 5% fails, p95 latency above
 * 500 ms fails. Sources: CloudWatch (GetMetricData, for ECS/ALB) or HTTP probes the delegate makes (any target).
 */
import { z } from "zod";
import { DurationSchema } from "../duration";
import { stepHeadShape, stepTailShape } from "./common";

export const MetricQuerySchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-zA-Z0-9_]*$/).describe("Short id of the query (used in messages), e.g. errors."),
    namespace: z.string().min(1).describe("e.g. AWS/ApplicationELB or AWS/ECS."),
    metric: z.string().min(1).describe("e.g. HTTPCode_Target_5XX_Count, TargetResponseTime, CPUUtilization."),
    stat: z.string().min(1).default("Sum").describe("Sum, Average, Maximum, Minimum, SampleCount or a percentile such as p95."),
    dimensions: z.record(z.string(), z.string()).default({}).describe("Dimensions; ${TARGET_GROUP}, ${LOAD_BALANCER}, ${CLUSTER}, ${SERVICE} come from the infrastructure (green side)."),
    max: z.number().optional().describe("Fail when a value is above this."),
    min: z.number().optional().describe("Fail when a value is below this."),
  })
  .describe("One CloudWatch metric and its thresholds.");

export const VerifyStepSchema = z
  .strictObject({
    ...stepHeadShape,
    type: z.literal("verify").describe("Watch metrics for a window; fail when they cross thresholds."),
    window: DurationSchema.default("5m").describe("How long to watch. Default 5m."),
    interval: DurationSchema.default("30s").describe("How often to sample. Default 30s."),
    failureLimit: z.number().int().min(0).default(0).describe("Bad samples tolerated before the verification fails (Argo Rollouts' failureLimit). Default 0."),
    inconclusiveLimit: z.number().int().min(0).default(2).describe("Samples without data tolerated before it fails as inconclusive. Default 2."),
    consecutiveErrorLimit: z.number().int().min(0).default(4).describe("Query errors in a row tolerated before it fails (Argo's default 4)."),
    source: z
      .discriminatedUnion("kind", [
        z.strictObject({
          kind: z.literal("cloudwatch").describe("Amazon CloudWatch GetMetricData, with the region and credentials of the stage's ECS infrastructure."),
          errorRate: z
            .strictObject({ maxPercent: z.number().min(0).max(100).default(5).describe("Fail above this 5xx share of requests. Default 5 (reference).") })
            .default({ maxPercent: 5 })
            .describe("ALB 5xx share of the green target group's requests."),
          latencyP95: z
            .strictObject({ maxMs: z.number().min(1).default(500).describe("Fail above this p95 TargetResponseTime. Default 500 ms (reference).") })
            .default({ maxMs: 500 })
            .describe("p95 latency of the green target group."),
          baseline: z.boolean().default(true).describe("Also fail when green is clearly worse than blue over the same samples (error rate > blue's + 2 points)."),
          queries: z.array(MetricQuerySchema).default([]).describe("Extra metrics with their own thresholds (e.g. ECS CPUUtilization)."),
          alarms: z.array(z.string().min(1)).default([]).describe("CloudWatch alarm names; any of them in ALARM fails the verification."),
        }),
        z.strictObject({
          kind: z.literal("http").describe("Probe a URL from the delegate: error rate and latency of the answers."),
          url: z.string().min(1).describe("The URL to probe, e.g. through the load balancer."),
          requestsPerSample: z.number().int().min(1).max(1000).default(20).describe("Requests per sample. Default 20."),
          maxErrorPercent: z.number().min(0).max(100).default(5).describe("Fail above this share of non-2xx/3xx answers or errors. Default 5."),
          maxP95Ms: z.number().min(1).default(500).describe("Fail above this p95 latency. Default 500 ms."),
        }),
      ])
      .describe("Where the numbers come from."),
    ...stepTailShape,
  })
  .describe("verify: sample metrics over a window and fail on thresholds (defaults from the reference: 5% errors, p95 500 ms); each failing sample is kept with the execution.");
export type VerifyStep = z.infer<typeof VerifyStepSchema>;
