import { z } from "zod";
import { StringValueSchema } from "../common";
import { DurationSchema } from "../duration";
import { stepHeadShape, stepTailShape } from "./common";

/** `<+` is allowed at the start because the whole URL may come from an expression. */
export const HTTP_URL_PATTERN = /^(?:https?:\/\/|<\+)/;

const StatusCodeSchema = z.number().int().min(100).max(599).describe("An HTTP status code, e.g. 200.");

export const HttpExpectSchema = z
  .strictObject({
    status: z
      .union([StatusCodeSchema, z.array(StatusCodeSchema).min(1)])
      .default(200)
      .describe("The expected status code, or a list of accepted codes. Default 200."),
    bodyContains: z
      .string()
      .min(1)
      .optional()
      .describe('Text the response body must contain, e.g. "ok". Checked after the status.'),
  })
  .describe("What counts as success. Anything else fails the attempt (and is retried if retries > 0).");
export type HttpExpect = z.infer<typeof HttpExpectSchema>;

export const HttpStepSchema = z
  .strictObject({
    ...stepHeadShape,
    type: z.literal("http").describe("Send an HTTP request from a delegate and check the response."),
    url: z
      .string()
      .regex(HTTP_URL_PATTERN)
      .describe("The URL to call, starting with http:// or https://. Expressions are allowed."),
    method: z
      .enum(["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"])
      .default("GET")
      .describe("The HTTP method. Default GET."),
    headers: z
      .record(z.string().min(1).describe("Header name"), StringValueSchema.describe("Header value"))
      .optional()
      .describe('Request headers, e.g. { Authorization: Bearer <+secrets.getValue("api-token")> }.'),
    body: z.string().optional().describe("The request body, sent as is. Use a block (body: |) for JSON."),
    expect: HttpExpectSchema.default({ status: 200 }),
    retries: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(0)
      .describe("How many more times to try when the check fails (e.g. while a service starts). Default 0."),
    retryInterval: DurationSchema.default("5s").describe(
      "Wait before the first retry; doubles after each attempt up to maxRetryInterval. Default 5s.",
    ),
    maxRetryInterval: DurationSchema.default("1m").describe("The longest wait between two attempts. Default 1m."),
    requestTimeout: DurationSchema.default("10s").describe("Give up on a single request after this long. Default 10s."),
    ...stepTailShape,
  })
  .describe("http: call a URL from a delegate and check the status and body, e.g. a health check after a deploy.");
export type HttpStep = z.infer<typeof HttpStepSchema>;
