import { z } from "zod";

const executionId = z.string().min(1).describe("Execution id");
const stepRunId = z.string().min(1).describe("Step attempt id");

export const StartExecutionRequestSchema = z.object({
  pipelineId: z.string().min(1),
  revision: z.number().int().min(1).optional().describe("Defaults to the newest revision"),
  inputs: z.record(z.string(), z.string().max(100_000)).default({}).describe("Variable values by name"),
  triggerInfo: z
    .object({ commitSha: z.string().max(100).optional(), commitTime: z.iso.datetime({ offset: true }).optional(), artifactTime: z.iso.datetime({ offset: true }).optional() })
    .optional()
    .describe("What a CI trigger knows about the change; commitTime (or artifactTime) starts DORA lead time"),
});
export const ListExecutionsRequestSchema = z.object({ pipelineId: z.string().optional(), take: z.number().int().min(1).max(200).default(50) });
export const ExecutionByIdRequestSchema = z.object({ executionId });
/** `lane` (an SSH host) reads that lane alone, numbered 1… within it; without it, the whole log with each line's lane. */
const lane = z.string().min(1).max(300).optional();
export const LogLinesRequestSchema = z.object({ stepRunId, lane, from: z.number().int().min(1), to: z.number().int().min(1) });
export const SearchLogRequestSchema = z.object({ stepRunId, lane, text: z.string().min(1).max(500), caseSensitive: z.boolean().default(false), regex: z.boolean().default(false), limit: z.number().int().min(1).max(10_000).default(10_000) });
export const ApprovalRequestSchema = z.object({ stepRunId, comment: z.string().max(2_000).default("") });
export const InterveneRequestSchema = z.object({ executionId, stepRunId, choice: z.enum(["retry", "ignore", "abort", "rollback", "fail"]) });
