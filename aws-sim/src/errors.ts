/**
 * The one error type handlers throw. Each protocol adapter turns it into that protocol's real error format, so the
 * SDK raises the matching typed exception (and its retry strategy classifies throttling correctly).
 */
export class AwsError extends Error {
  /**
   * @param code the wire error code: `__type` for awsJson, `<Code>` for awsQuery, and for CloudWatch's
   *   query-compatible JSON the query code carried in `x-amzn-query-error` (see `jsonType`).
   * @param jsonType CloudWatch only: the Smithy shape name sent as `__type` when it differs from the query code
   *   (e.g. code `InvalidParameterValue`, shape `InvalidParameterValueException`).
   */
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly jsonType?: string,
  ) {
    super(message);
    this.name = code;
  }

  get fault(): "Sender" | "Receiver" {
    return this.status >= 500 ? "Receiver" : "Sender";
  }
}
