import { userActor } from "../../audit/record-audit";
import { listRecords } from "../../records/list-records";
import { RecordByNameRequestSchema, SaveEnvironmentRequestSchema, SaveInfrastructureRequestSchema, SaveServiceRequestSchema } from "../../records/record.types";
import { deleteRecord, saveEnvironment, saveInfrastructure, saveService } from "../../records/save-records";
import { createTRPCRouter, projectProcedure } from "../../trpc";

const write = projectProcedure("record.write");
const common = (ctx: { db: import("../../db").Db; project: { id: string }; user: { id: string; email: string }; request: import("../../context").RequestInfo }) => ({
  db: ctx.db,
  projectId: ctx.project.id,
  actor: userActor(ctx.user),
  request: ctx.request,
});

/** Services, environments and infrastructure definitions of a project. */
export const recordRouter = createTRPCRouter({
  list: projectProcedure("record.read").query(({ ctx }) => listRecords({ db: ctx.db, projectId: ctx.project.id })),
  saveService: write.input(SaveServiceRequestSchema).mutation(({ ctx, input }) => saveService({ ...common(ctx), input })),
  saveEnvironment: write.input(SaveEnvironmentRequestSchema).mutation(({ ctx, input }) => saveEnvironment({ ...common(ctx), input })),
  saveInfrastructure: write.input(SaveInfrastructureRequestSchema).mutation(({ ctx, input }) => saveInfrastructure({ ...common(ctx), input })),
  deleteService: write.input(RecordByNameRequestSchema).mutation(({ ctx, input }) => deleteRecord({ ...common(ctx), kind: "service", name: input.name })),
  deleteEnvironment: write.input(RecordByNameRequestSchema).mutation(({ ctx, input }) => deleteRecord({ ...common(ctx), kind: "environment", name: input.name })),
  deleteInfrastructure: write.input(RecordByNameRequestSchema).mutation(({ ctx, input }) => deleteRecord({ ...common(ctx), kind: "infrastructure", name: input.name })),
});
