import { z } from "zod";
import { userActor } from "../../audit/record-audit";
import { listDelegates } from "../../delegates/list-delegates";
import { createDelegateToken, revokeDelegateToken } from "../../delegates/tokens";
import { createTRPCRouter, orgProcedure } from "../../trpc";

/** Delegates are organisation-wide: any project's steps may run on them (selected by tags). */
export const delegateRouter = createTRPCRouter({
  list: orgProcedure("delegate.read").query(({ ctx }) => listDelegates({ db: ctx.db })),
  createToken: orgProcedure("delegate.manage")
    .input(z.object({ name: z.string().trim().min(1).max(100) }))
    .mutation(({ ctx, input }) => createDelegateToken({ db: ctx.db, name: input.name, userId: ctx.user.id, actor: userActor(ctx.user), request: ctx.request })),
  revokeToken: orgProcedure("delegate.manage")
    .input(z.object({ tokenId: z.string().min(1) }))
    .mutation(({ ctx, input }) => revokeDelegateToken({ db: ctx.db, tokenId: input.tokenId, actor: userActor(ctx.user), request: ctx.request })),
});
