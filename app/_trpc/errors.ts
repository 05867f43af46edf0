/** What the client shows for a failed call: the server's user message, the field it names, and any problems. */
import type { Problem } from "@slipway/pipeline-spec";

export type ClientAppError = { code: string; message: string; field?: string; problems?: Problem[]; details?: Record<string, unknown> };

export function appErrorOf(error: unknown): ClientAppError {
  const data = (error as { data?: { appError?: ClientAppError | null; field?: string | null; code?: string } } | null)?.data;
  if (data?.appError) return data.appError;
  const message = error instanceof Error ? error.message : "Something went wrong";
  return { code: data?.code ?? "UNKNOWN", message, ...(data?.field ? { field: data.field } : {}) };
}
