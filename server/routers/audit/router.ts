import { z } from "zod";
import { listAudit } from "../../audit/list-audit";
import { verifyAuditChain } from "../../audit/verify-audit";
import { createTRPCRouter, orgProcedure } from "../../trpc";

const FilterSchema = z.object({
  projectId: z.string().optional(),
  action: z.string().max(100).optional(),
  actor: z.string().max(200).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
});

/** The audit trail, for organisation Admins: filter, page, and check the hash chain. */
export const auditRouter = createTRPCRouter({
  list: orgProcedure("audit.read")
    .input(z.object({ filter: FilterSchema.default({}), cursor: z.string().regex(/^\d+$/).nullish(), take: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => listAudit({ db: ctx.db, filter: input.filter, before: input.cursor ?? undefined, take: input.take })),
  verify: orgProcedure("audit.read").query(({ ctx }) => verifyAuditChain(ctx.db)),
});
