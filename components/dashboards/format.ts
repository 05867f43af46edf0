/** Formatting shared by the dashboard components. */
import { formatDuration } from "../executions/format";

const DAY = 86_400_000;

export function formatPercent(rate: number | null | undefined, digits = 1): string {
  return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(digits)} %`;
}

/** Durations from seconds to weeks: 850 ms, 3 m 04 s, 5 h 10 m, 3.2 d. */
export function formatSpan(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return ms >= 2 * DAY ? `${(ms / DAY).toFixed(1)} d` : formatDuration(ms);
}

/** A rate per day as people say it: 7.1 / day, 2 / week, 1.3 / month. */
export function formatFrequency(perDay: number): string {
  if (perDay >= 1) return `${perDay.toFixed(perDay >= 10 ? 0 : 1)} / day`;
  if (perDay * 7 >= 1) return `${(perDay * 7).toFixed(1)} / week`;
  return `${(perDay * 30).toFixed(1)} / month`;
}

export function formatBucket(at: Date, unit: "hour" | "day"): string {
  return unit === "hour" ? at.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }) : at.toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

/** Series colours for charts (distinct, readable on white). */
export const SERIES_COLOURS = ["#2f6fed", "#1f8a4c", "#b7791f", "#8a5cf6", "#d03b3b", "#0e9aa7", "#6b7280", "#e05aa8", "#5b8c00", "#1b3f9c"];

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
