/**
 * awsJson1_0 / awsJson1_1 wire format: JSON bodies, timestamps as epoch seconds, errors as `{"__type", "message"}`.
 * CloudWatch's client is query-compatible (`awsQueryCompatible: true`), so its errors also carry
 * `x-amzn-query-error: <QueryCode>;<Sender|Receiver>`, from which the SDK fills `error.Code`.
 */
import type { AwsError } from "../errors.js";

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** JSON.stringify calls Date#toJSON before a replacer sees the value, so look at the holder's raw value. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value ?? {}, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return raw.getTime() / 1000;
    return v;
  });
}

export function jsonOk(version: "1.0" | "1.1", result: unknown, requestId: string): WireResponse {
  return {
    status: 200,
    headers: { "content-type": `application/x-amz-json-${version}`, "x-amzn-requestid": requestId },
    body: encodeJson(result),
  };
}

export function jsonError(
  version: "1.0" | "1.1",
  err: AwsError,
  requestId: string,
  queryCompatible: boolean,
): WireResponse {
  const headers: Record<string, string> = {
    "content-type": `application/x-amz-json-${version}`,
    "x-amzn-requestid": requestId,
  };
  if (queryCompatible) headers["x-amzn-query-error"] = `${err.code};${err.fault}`;
  const type = queryCompatible ? (err.jsonType ?? err.code) : err.code;
  return { status: err.status, headers, body: JSON.stringify({ __type: type, message: err.message }) };
}
