/**
 * The one tRPC instance and its procedure tiers. Routers import ONLY these tiers:
 *
 *   publicProcedure                  no session (sign-in page data only)
 *   protectedProcedure               any signed-in user
 *   orgProcedure(permission)         the user's organisation-wide role must grant `permission`
 *   projectProcedure(permission)     input carries `projectId`; the effective role there must grant `permission`
 *
 * Every tier records its access rule in the procedure's meta, and a test walks the router to prove every procedure
 * declares one (deny by default). Domain errors (`AppError`) are mapped to tRPC codes here, once.
 * @see https://trpc.io/docs/server/procedures  server/rbac.ts  server/errors.ts
 */
import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Role } from "~/generated/prisma/enums";
import type { Context } from "./context";
import { AppError, type AppErrorCode } from "./errors";
import { resolveProjectAccess } from "./projects/resolve-project-access";
import { can, type Permission } from "./rbac";

export type ProcedureAccess = { kind: "public" } | { kind: "session" } | { kind: "org"; permission: Permission } | { kind: "project"; permission: Permission };
export type ProcedureMeta = { access?: ProcedureAccess };

const TRPC_CODE: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  INVALID_INPUT: "BAD_REQUEST",
  INVALID_SPEC: "UNPROCESSABLE_CONTENT",
  CONFLICT: "CONFLICT",
  ALREADY_EXISTS: "CONFLICT",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const appError = cause instanceof AppError ? cause.toJSON() : null;
      const zodError = cause instanceof ZodError ? z.flattenError(cause) : null;
      const field = zodError ? cause instanceof ZodError && cause.issues[0]?.path.join(".") : undefined;
      const internal = error.code === "INTERNAL_SERVER_ERROR" && !appError;
      return {
        ...shape,
        // Never leak internals: unexpected errors are logged in full server-side (see `errors` middleware).
        message: internal ? "Something went wrong on our side. It has been logged." : shape.message,
        data: { ...shape.data, stack: undefined, appError, zodError, field: appError?.field ?? field ?? null },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps AppError to its tRPC code (so the HTTP status is right) and logs anything unexpected. */
const errors = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) {
      throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.userMessage, cause });
    }
    if (result.error.code === "INTERNAL_SERVER_ERROR") ctx.logger.error({ err: cause ?? result.error, path }, "procedure failed");
  }
  return result;
});

const base = t.procedure.use(errors);

export const publicProcedure = base.meta({ access: { kind: "public" } });

export const protectedProcedure = base.meta({ access: { kind: "session" } }).use(({ ctx, next }) => {
  if (!ctx.user) throw new AppError("UNAUTHORIZED", "Sign in to continue");
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export function orgProcedure(permission: Permission) {
  return protectedProcedure.meta({ access: { kind: "org", permission } }).use(({ ctx, next }) => {
    if (!can(ctx.user.orgRole, permission)) throw new AppError("FORBIDDEN", `Permission required: ${permission}`);
    return next();
  });
}

export type ProjectScope = { id: string; slug: string; name: string; role: Role };

export function projectProcedure(permission: Permission) {
  return protectedProcedure
    .meta({ access: { kind: "project", permission } })
    .input(z.object({ projectId: z.string().min(1).describe("The project the call acts in") }))
    .use(async ({ ctx, input, next }) => {
      const project = await resolveProjectAccess(ctx.db, ctx.user, input.projectId);
      if (!can(project.role, permission)) {
        throw new AppError("FORBIDDEN", `Permission required: ${permission}`, {
          userMessage: `Your role in this project (${project.role}) does not allow this (${permission}).`,
        });
      }
      return next({ ctx: { ...ctx, project, logger: ctx.logger.child({ projectId: project.id }) } });
    });
}
