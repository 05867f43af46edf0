import { dashboardSummary } from "../../dashboards/dashboard-summary";
import { delegateHealth } from "../../dashboards/delegate-health";
import { deployedWhere } from "../../dashboards/deployed-where";
import { listDeployments } from "../../dashboards/list-deployments";
import { createTRPCRouter, orgProcedure, projectProcedure } from "../../trpc";
import { DashboardScopeSchema, DeployedWhereRequestSchema, ListDeploymentsRequestSchema } from "./dashboard.types";

/** Project dashboards: deployment activity, the four DORA keys, what is deployed where, delegate health. */
export const dashboardRouter = createTRPCRouter({
  summary: projectProcedure("dashboard.read")
    .input(DashboardScopeSchema)
    .query(({ ctx, input }) => dashboardSummary(ctx.db, { ...input, projectId: ctx.project.id })),
  deployedWhere: projectProcedure("dashboard.read")
    .input(DeployedWhereRequestSchema)
    .query(({ ctx, input }) => deployedWhere(ctx.db, { ...input, projectId: ctx.project.id })),
  /** The runs behind a figure (each tile links here). */
  deployments: projectProcedure("dashboard.read")
    .input(ListDeploymentsRequestSchema)
    .query(({ ctx, input }) => listDeployments(ctx.db, { ...input.scope, projectId: ctx.project.id }, { kind: input.kind, skip: input.skip, take: input.take })),
  /**
   * Delegates are organisation-wide infrastructure (names, hosts, versions, tags), not project data, so this is
   * NOT protectedProcedure: a user who only has a role in some project (no organisation role) must not see the
   * organisation's delegates through a project dashboard when the delegates page (delegate.list, the same tier)
   * would refuse them. Every organisation role grants delegate.read, so anyone with an organisation role sees it.
   */
  delegates: orgProcedure("delegate.read").query(({ ctx }) => delegateHealth(ctx.db)),
});
