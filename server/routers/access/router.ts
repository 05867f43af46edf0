import { z } from "zod";
import { userActor } from "../../audit/record-audit";
import { createApiKey, listApiKeys, revokeApiKey } from "../../access/api-keys";
import { changeMemberRole, deleteRoleMapping, inviteMember, listMembers, removeMember, saveRoleMapping } from "../../access/members";
import { samlConfigured } from "../../auth/saml";
import { oidcConfigured } from "../../env";
import { ROLES } from "../../rbac";
import { createTRPCRouter, orgProcedure, projectProcedure } from "../../trpc";

const RoleSchema = z.enum(ROLES);
const common = (ctx: { user: { id: string; email: string; kind: "user" | "apikey"; apiKey: { id: string; name: string } | null }; request: import("../../context").RequestInfo }) => ({ actor: userActor(ctx.user), request: ctx.request });

/** Members, group→role mappings and API keys of a project; organisation-wide mappings for organisation Admins. */
export const accessRouter = createTRPCRouter({
  members: projectProcedure("project.read").query(({ ctx }) => listMembers({ db: ctx.db, projectId: ctx.project.id })),
  invite: projectProcedure("member.manage")
    .input(z.object({ email: z.email(), name: z.string().max(100).optional(), role: RoleSchema }))
    .mutation(({ ctx, input }) => inviteMember({ db: ctx.db, ...input, projectId: ctx.project.id, ssoConfigured: oidcConfigured() || samlConfigured(), ...common(ctx) })),
  changeRole: projectProcedure("member.manage")
    .input(z.object({ membershipId: z.string().min(1), role: RoleSchema }))
    .mutation(({ ctx, input }) => changeMemberRole({ db: ctx.db, ...input, projectId: ctx.project.id, ...common(ctx) })),
  remove: projectProcedure("member.manage")
    .input(z.object({ membershipId: z.string().min(1) }))
    .mutation(({ ctx, input }) => removeMember({ db: ctx.db, projectId: ctx.project.id, membershipId: input.membershipId, ...common(ctx) })),

  saveProjectMapping: projectProcedure("member.manage")
    .input(z.object({ group: z.string().trim().min(1).max(200), role: RoleSchema }))
    .mutation(({ ctx, input }) => saveRoleMapping({ db: ctx.db, group: input.group, role: input.role, projectId: ctx.project.id, userId: ctx.user.id, ...common(ctx) })),
  deleteProjectMapping: projectProcedure("member.manage")
    .input(z.object({ mappingId: z.string().min(1) }))
    .mutation(({ ctx, input }) => deleteRoleMapping({ db: ctx.db, mappingId: input.mappingId, projectId: ctx.project.id, ...common(ctx) })),
  orgMappings: orgProcedure("mapping.manage").query(({ ctx }) => ctx.db.roleMapping.findMany({ where: { projectId: null }, orderBy: { group: "asc" } })),
  saveOrgMapping: orgProcedure("mapping.manage")
    .input(z.object({ group: z.string().trim().min(1).max(200), role: RoleSchema }))
    .mutation(({ ctx, input }) => saveRoleMapping({ db: ctx.db, group: input.group, role: input.role, projectId: null, userId: ctx.user.id, ...common(ctx) })),
  deleteOrgMapping: orgProcedure("mapping.manage")
    .input(z.object({ mappingId: z.string().min(1) }))
    .mutation(({ ctx, input }) => deleteRoleMapping({ db: ctx.db, mappingId: input.mappingId, projectId: null, ...common(ctx) })),

  apiKeys: projectProcedure("apikey.manage").query(({ ctx }) => listApiKeys({ db: ctx.db, projectId: ctx.project.id })),
  createApiKey: projectProcedure("apikey.manage")
    .input(z.object({ name: z.string().trim().min(1).max(100), role: RoleSchema, expiresInDays: z.number().int().min(1).max(3650).optional() }))
    .mutation(({ ctx, input }) => createApiKey({ db: ctx.db, ...input, projectId: ctx.project.id, creator: { id: ctx.user.id, role: ctx.project.role }, ...common(ctx) })),
  revokeApiKey: projectProcedure("apikey.manage")
    .input(z.object({ keyId: z.string().min(1) }))
    .mutation(({ ctx, input }) => revokeApiKey({ db: ctx.db, projectId: ctx.project.id, keyId: input.keyId, ...common(ctx) })),
});
