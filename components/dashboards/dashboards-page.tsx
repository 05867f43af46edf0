"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";
import { ActivityChart } from "./activity-chart";
import { ActivityStats } from "./activity-stats";
import styles from "./dashboards.module.css";
import { DelegateHealth } from "./delegate-health";
import { DeployedWhere } from "./deployed-where";
import { DoraTiles } from "./dora-tiles";
import { RangePicker } from "./range-picker";
import { RunsTable } from "./runs-table";
import { useDashboardParams } from "./use-dashboard-params";

export type DashboardProject = { id: string; slug: string; name: string };

/**
 * A project's dashboards: the four DORA keys (production), deployment activity, what is deployed where, and
 * delegate health. Range and filters are in the URL; every figure links to the runs behind it.
 */
export function DashboardsPage({ project, canSeeDelegates }: { project: DashboardProject; canSeeDelegates: boolean }) {
  const trpc = useTRPC();
  const params = useDashboardParams();
  const scope = { from: params.from, to: params.to, service: params.service, environment: params.environment, timeZone: params.timeZone };
  const summary = useQuery({ ...trpc.dashboard.summary.queryOptions({ projectId: project.id, ...scope }), placeholderData: keepPreviousData });
  const where = useQuery(trpc.dashboard.deployedWhere.queryOptions({ projectId: project.id, service: params.service, environment: params.environment }));
  const runsHref = (kind: "all" | "production-success" | "production-failures") => params.hrefWith({ runs: kind === "all" ? null : kind, page: null }, "#runs");
  const refresh = () => {
    params.refresh();
    void where.refetch();
  };

  return (
    <div className={styles.page}>
      <div className="page-head">
        <div>
          <div className="hint">{project.name}</div>
          <h1>Dashboards</h1>
        </div>
        <button className="btn" type="button" onClick={refresh} disabled={summary.isFetching}>Refresh</button>
      </div>
      <RangePicker params={params} options={summary.data?.options} />
      {params.invalid && <div className="banner banner-warn" style={{ marginBottom: 16 }}>{params.invalid}</div>}
      {summary.error && <div className="banner banner-error" style={{ marginBottom: 16 }}>{appErrorOf(summary.error).message}</div>}

      <h2 style={{ margin: "4px 0 10px" }}>DORA keys <span className="hint">production environments</span></h2>
      <DoraTiles dora={summary.data?.dora} runsHref={runsHref} />

      <h2 style={{ margin: "4px 0 10px" }}>Deployments <span className="hint">{params.service || params.environment ? "filtered" : "all services and environments"}</span></h2>
      <ActivityStats stats={summary.data?.stats} runsHref={runsHref("all")}>
        <ActivityChart activity={summary.data?.activity} stack={params.stack} onStack={(s) => params.update({ stack: s === "environment" ? null : s })} />
      </ActivityStats>

      <DeployedWhere slug={project.slug} data={where.data} error={where.error ? appErrorOf(where.error).message : undefined} />
      <RunsTable projectId={project.id} slug={project.slug} params={params} scope={scope} />
      <DelegateHealth allowed={canSeeDelegates} />
    </div>
  );
}
