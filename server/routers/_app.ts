/**
 * The root router: one entry per noun. Add a router here when adding a noun; each procedure in it must come from a
 * tier in server/trpc.ts (the access test walks this router).
 */
import { createCallerFactory, createTRPCRouter } from "../trpc";
import { accessRouter } from "./access/router";
import { auditRouter } from "./audit/router";
import { dashboardRouter } from "./dashboard/router";
import { delegateRouter } from "./delegate/router";
import { executionRouter } from "./execution/router";
import { meRouter } from "./me/router";
import { pipelineRouter } from "./pipeline/router";
import { projectRouter } from "./project/router";
import { recordRouter } from "./record/router";
import { secretRouter } from "./secret/router";

export const appRouter = createTRPCRouter({
  me: meRouter,
  project: projectRouter,
  pipeline: pipelineRouter,
  record: recordRouter,
  secret: secretRouter,
  execution: executionRouter,
  delegate: delegateRouter,
  access: accessRouter,
  audit: auditRouter,
  dashboard: dashboardRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
