import type { DelegateError } from "@slipway/pipeline-spec/protocol";

const STATUS: Record<DelegateError["error"], number> = {
  unauthorized: 401,
  revoked: 401,
  unknown_instance: 404,
  not_found: 404,
  lease_lost: 409,
  log_gap: 409,
  logs_incomplete: 409,
  conflict: 409,
  invalid: 400,
  unavailable: 503,
};

/** The delegate API's error: a protocol code the delegate switches on, and a message for its log. */
export class DelegateProtocolError extends Error {
  constructor(
    readonly code: DelegateError["error"],
    message: string,
    readonly expectedSeq?: number,
  ) {
    super(message);
  }
  get status() {
    return STATUS[this.code];
  }
  toJSON(): DelegateError {
    return { error: this.code, message: this.message, ...(this.expectedSeq !== undefined ? { expectedSeq: this.expectedSeq } : {}) };
  }
}
