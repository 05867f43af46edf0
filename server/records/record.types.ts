import { EnvironmentRecordSchema, InfrastructureRecordSchema, RECORD_NAME, ServiceRecordSchema } from "@slipway/pipeline-spec/records";
import { z } from "zod";

export const RecordNameSchema = z.string().regex(RECORD_NAME, 'Names use lowercase letters, digits and "-", starting with a letter (at most 63)');

// The request bodies are the record documents themselves (the schemas the studio's record editor validates), plus
// the project id the procedure tier reads. Still strict: an unknown top-level field is an error, not dropped.
const projectId = { projectId: z.string().min(1) };
export const SaveServiceRequestSchema = ServiceRecordSchema.extend(projectId);
export const SaveEnvironmentRequestSchema = EnvironmentRecordSchema.extend(projectId);
export const SaveInfrastructureRequestSchema = InfrastructureRecordSchema.extend(projectId);
export const RecordByNameRequestSchema = z.object({ name: RecordNameSchema });

export type SaveServiceRequest = z.infer<typeof SaveServiceRequestSchema>;
export type SaveEnvironmentRequest = z.infer<typeof SaveEnvironmentRequestSchema>;
export type SaveInfrastructureRequest = z.infer<typeof SaveInfrastructureRequestSchema>;
