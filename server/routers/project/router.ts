import { z } from "zod";
import { userActor } from "../../audit/record-audit";
import { AppError } from "../../errors";
import { createProject } from "../../projects/create-project";
import { getProjectBySlug, listProjects } from "../../projects/list-projects";
import { createTRPCRouter, orgProcedure, protectedProcedure } from "../../trpc";

export const CreateProjectRequestSchema = z.object({
  slug: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'Slugs use 2–41 lowercase letters, digits and "-", starting with a letter'),
  name: z.string().trim().min(1).max(100),
  description: z.string().max(500).optional(),
});

export const projectRouter = createTRPCRouter({
  /** Projects the caller can see; visibility is the role check, so any signed-in user may ask. */
  list: protectedProcedure.query(({ ctx }) => listProjects({ db: ctx.db, user: ctx.user })),

  bySlug: protectedProcedure.input(z.object({ slug: z.string().min(1) })).query(async ({ ctx, input }) => {
    const project = await getProjectBySlug({ db: ctx.db, user: ctx.user, slug: input.slug });
    if (!project) throw new AppError("NOT_FOUND", "Project not found", { field: "slug" });
    return project;
  }),

  create: orgProcedure("project.create")
    .input(CreateProjectRequestSchema)
    .mutation(({ ctx, input }) => createProject({ db: ctx.db, ...input, userId: ctx.user.id, actor: userActor(ctx.user), request: ctx.request })),
});
