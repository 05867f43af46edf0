/**
 * The one application error. Domain functions throw `AppError(code, …)`; the tRPC error formatter and the route
 * handlers turn it into the right status with a message a user can act on. Anything else that escapes is a bug:
 * it is logged in full and the client gets a generic message.
 */
import type { Problem } from "@slipway/pipeline-spec";

export const APP_ERROR_CODES = {
  /** No valid session, API key or delegate token. */
  UNAUTHORIZED: 401,
  /** Signed in, but the role (or the environment rule) does not allow this. */
  FORBIDDEN: 403,
  /** The thing does not exist, or exists in a project the caller cannot see (we do not say which). */
  NOT_FOUND: 404,
  /** Input failed validation; `field` names the offending input. */
  INVALID_INPUT: 400,
  /** A pipeline document has problems; `problems` carries each with its line:column. */
  INVALID_SPEC: 422,
  /** Someone else saved first (stale base revision), or a state change raced another one. */
  CONFLICT: 409,
  /** A unique name is taken. */
  ALREADY_EXISTS: 409,
  /** The request is valid but the current state does not allow it (e.g. resuming a finished execution). */
  PRECONDITION_FAILED: 412,
  /** Too large to accept. */
  PAYLOAD_TOO_LARGE: 413,
  /** A dependency (database, delegate) is not available right now. */
  UNAVAILABLE: 503,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;

export type AppErrorOptions = {
  /** Shown to the user as is. Defaults to `message`. */
  userMessage?: string;
  /** The input field at fault, as a dotted path (e.g. "name", "hosts.2.port"). */
  field?: string;
  /** Positioned problems of a pipeline document. */
  problems?: Problem[];
  /** Anything else the client may use (e.g. the current revision on a conflict). */
  details?: Record<string, unknown>;
  cause?: unknown;
};

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly userMessage: string;
  readonly field?: string;
  readonly problems?: Problem[];
  readonly details?: Record<string, unknown>;

  constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.userMessage = options.userMessage ?? message;
    this.field = options.field;
    this.problems = options.problems;
    this.details = options.details;
  }

  get status(): number {
    return APP_ERROR_CODES[this.code];
  }

  /** The JSON shape clients receive (tRPC `error.data.appError`, route handlers' body). */
  toJSON() {
    return {
      code: this.code,
      message: this.userMessage,
      ...(this.field ? { field: this.field } : {}),
      ...(this.problems ? { problems: this.problems } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export type AppErrorJSON = ReturnType<AppError["toJSON"]>;

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Unique-constraint violations from Prisma become ALREADY_EXISTS naming the field. */
export function fromPrismaUnique(e: unknown, field: string, what: string): never {
  const code = (e as { code?: string } | null)?.code;
  if (code === "P2002") throw new AppError("ALREADY_EXISTS", `${what} already exists`, { field, cause: e });
  throw e;
}
