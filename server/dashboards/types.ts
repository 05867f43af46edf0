/** What every dashboard read is scoped by. */
export type EnvironmentType = "PRODUCTION" | "PRE_PRODUCTION";

export type DashboardScope = {
  projectId: string;
  /** Deployments that ENDED in [from, to) count. */
  from: Date;
  to: Date;
  service?: string;
  environment?: string;
  environmentType?: EnvironmentType;
  /** IANA zone the day/hour buckets are cut in (the viewer's); UTC when absent. */
  timeZone?: string;
};

/** DORA performance bands (see dora-bands.ts for the cut-offs). */
export type DoraBand = "elite" | "high" | "medium" | "low";
