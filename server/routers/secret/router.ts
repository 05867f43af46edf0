import { z } from "zod";
import { userActor } from "../../audit/record-audit";
import { deleteSecret, listSecrets, saveSecret } from "../../secrets/save-secret";
import { createTRPCRouter, projectProcedure } from "../../trpc";

const SecretNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "Secret names use letters, digits, '_', '.', '-' (at most 100)");

export const secretRouter = createTRPCRouter({
  /** Names, kinds and dates only: values never leave the server to a browser. */
  list: projectProcedure("secret.read").query(({ ctx }) => listSecrets({ db: ctx.db, projectId: ctx.project.id })),
  save: projectProcedure("secret.write")
    .input(z.object({ name: SecretNameSchema, kind: z.enum(["TEXT", "FILE"]).default("TEXT"), value: z.string().min(1, "A secret needs a value").max(1_000_000), description: z.string().max(500).default("") }))
    .mutation(({ ctx, input }) => saveSecret({ db: ctx.db, ...input, projectId: ctx.project.id, userId: ctx.user.id, actor: userActor(ctx.user), request: ctx.request })),
  delete: projectProcedure("secret.write")
    .input(z.object({ name: SecretNameSchema }))
    .mutation(({ ctx, input }) => deleteSecret({ db: ctx.db, projectId: ctx.project.id, name: input.name, actor: userActor(ctx.user), request: ctx.request })),
});
