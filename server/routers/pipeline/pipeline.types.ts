import { z } from "zod";
import { LayoutSchema } from "../../pipelines/save-layout";

/** Documents above this are refused by the parser with a positioned "too large" problem; the transport cap is higher. */
const yaml = z.string().max(8 * 1024 * 1024, "YAML documents are limited to 8 MB").describe("The pipeline document, as YAML text");
const pipelineId = z.string().min(1).describe("Pipeline id");

export const PipelineNameSchema = z.string().trim().min(1, "Name is required").max(100, "Name is at most 100 characters");

export const CreatePipelineRequestSchema = z.object({
  name: PipelineNameSchema,
  description: z.string().max(500).optional(),
  yaml: yaml.optional(),
});
export const PipelineByIdRequestSchema = z.object({ pipelineId });
export const RenamePipelineRequestSchema = z.object({ pipelineId, name: PipelineNameSchema });
export const SavePipelineRevisionRequestSchema = z.object({
  pipelineId,
  yaml,
  message: z.string().max(500).default(""),
  baseRevision: z.number().int().min(0).describe("The revision the edit started from"),
});
export const RevisionByNumberRequestSchema = z.object({ pipelineId, number: z.number().int().min(1) });
export const RestoreRevisionRequestSchema = z.object({ pipelineId, number: z.number().int().min(1), baseRevision: z.number().int().min(0).describe("The revision the editor shows; a newer one makes this a conflict") });
export const SaveLayoutRequestSchema = z.object({ pipelineId, layout: LayoutSchema });
