"use client";

const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [["year", 31536e6], ["month", 2592e6], ["day", 864e5], ["hour", 36e5], ["minute", 6e4], ["second", 1e3]];

export function relativeTime(date: Date | string, now = Date.now()): string {
  const d = typeof date === "string" ? new Date(date) : date;
  const diff = d.getTime() - now;
  for (const [unit, ms] of UNITS) if (Math.abs(diff) >= ms || unit === "second") return rtf.format(Math.round(diff / ms), unit);
  return "";
}

/** A relative time with the exact timestamp on hover. */
export function Time({ value }: { value: Date | string }) {
  const d = typeof value === "string" ? new Date(value) : value;
  return <time dateTime={d.toISOString()} title={d.toLocaleString()}>{relativeTime(d)}</time>;
}
