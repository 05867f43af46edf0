/**
 * DORA performance bands. The cut-offs follow the DORA research clusters as the Four Keys project buckets them
 * (GoogleCloudPlatform/fourkeys: daily / weekly / monthly; one day / one week / one month; one hour / one day / one
 * week), with the change failure rate's collapsed middle clusters split evenly:
 *
 *   deployment frequency   elite ≥ 1 per day        high ≥ 1 per week       medium ≥ 1 per month     low below
 *   lead time for changes  elite < 1 day            high < 1 week           medium < 30 days         low above
 *   change failure rate    elite ≤ 15 %             high ≤ 30 %             medium ≤ 45 %            low above
 *   time to restore        elite < 1 hour           high < 1 day            medium < 1 week          low above
 *
 * No data → no band (null), never "low".
 */
import type { DoraBand } from "./types";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type DoraKey = "deploymentFrequency" | "leadTime" | "changeFailureRate" | "timeToRestore";

export function doraBand(key: DoraKey, value: number | null): DoraBand | null {
  if (value === null || !Number.isFinite(value)) return null;
  switch (key) {
    case "deploymentFrequency": // deployments per day
      return value >= 1 ? "elite" : value >= 1 / 7 ? "high" : value >= 1 / 30 ? "medium" : "low";
    case "leadTime": // milliseconds
      return value < DAY ? "elite" : value < 7 * DAY ? "high" : value < 30 * DAY ? "medium" : "low";
    case "changeFailureRate": // 0..1
      return value <= 0.15 ? "elite" : value <= 0.3 ? "high" : value <= 0.45 ? "medium" : "low";
    case "timeToRestore": // milliseconds
      return value < HOUR ? "elite" : value < DAY ? "high" : value < 7 * DAY ? "medium" : "low";
  }
}
