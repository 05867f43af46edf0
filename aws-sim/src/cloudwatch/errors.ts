/**
 * CloudWatch errors. The installed client speaks awsJson1_0 with `awsQueryCompatible`, so each error has a query
 * code (sent in `x-amzn-query-error`, surfaced as `error.Code`) and a Smithy shape name (sent as `__type`, which
 * picks the exception class). Codes without a modeled shape reuse the query code.
 */
import { AwsError } from "../errors.js";

const SHAPES: Record<string, string> = {
  InvalidParameterValue: "InvalidParameterValueException",
  InvalidParameterCombination: "InvalidParameterCombinationException",
  MissingParameter: "MissingRequiredParameterException",
  ValidationError: "ValidationException",
  ResourceNotFound: "ResourceNotFound",
  LimitExceeded: "LimitExceededFault",
  InternalServiceError: "InternalServiceFault",
  InvalidNextToken: "InvalidNextToken",
  // Not modeled. The SDK names the error after the query code (`Throttling`), which its retry strategy treats as
  // throttling; __type only matters to clients that are not query-compatible.
  Throttling: "ThrottlingException",
};

export function cwError(code: string, message: string, status = code === "InternalServiceError" ? 500 : 400): AwsError {
  return new AwsError(code, message, status, SHAPES[code] ?? code);
}

/** Re-types a generic error (e.g. an injected fault) with CloudWatch's shape name. */
export function asCloudWatchError(err: AwsError): AwsError {
  return err.jsonType ? err : new AwsError(err.code, err.message, err.status, SHAPES[err.code] ?? err.code);
}
