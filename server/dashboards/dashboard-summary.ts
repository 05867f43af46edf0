/** Everything the dashboards page shows for one range and filter, in one call (each part is its own read). */
import type { Tx } from "../db";
import { deploymentStats } from "./deployment-stats";
import { deploymentsOverTime } from "./deployments-over-time";
import { doraMetrics } from "./dora-metrics";
import { filterOptions } from "./filter-options";
import type { DashboardScope } from "./types";

export async function dashboardSummary(db: Tx, scope: DashboardScope) {
  const [activity, stats, dora, options] = await Promise.all([deploymentsOverTime(db, scope), deploymentStats(db, scope), doraMetrics(db, scope), filterOptions(db, scope.projectId)]);
  return { range: { from: scope.from, to: scope.to, unit: activity.unit, timeZone: activity.timeZone }, activity, stats, dora, options };
}
