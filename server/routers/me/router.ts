import { permissionsOf } from "../../rbac";
import { createTRPCRouter, protectedProcedure } from "../../trpc";

export const meRouter = createTRPCRouter({
  /** The signed-in user and their organisation-wide permissions (project permissions come with each project). */
  get: protectedProcedure.query(({ ctx }) => ({
    id: ctx.user.id,
    email: ctx.user.email,
    name: ctx.user.name,
    orgRole: ctx.user.orgRole,
    orgPermissions: permissionsOf(ctx.user.orgRole),
  })),
});
