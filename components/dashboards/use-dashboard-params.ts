"use client";
/**
 * The dashboards' state lives in the URL query, so a view can be bookmarked and shared:
 *   range=24h|7d|30d|90d|custom (default 7d), from / to (custom; datetime-local values, the viewer's time),
 *   service, environment, stack=environment|service, runs=all|production-success|production-failures, page.
 * Preset ranges end "now", fixed when the page opened (or Refresh was pressed), so queries keep a stable key.
 */
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo, useState } from "react";

const HOUR = 3_600_000;
export const PRESETS = { "24h": { label: "24 h", ms: 24 * HOUR }, "7d": { label: "7 d", ms: 7 * 24 * HOUR }, "30d": { label: "30 d", ms: 30 * 24 * HOUR }, "90d": { label: "90 d", ms: 90 * 24 * HOUR } } as const;
export type RangeKey = keyof typeof PRESETS | "custom";
export type RunsKind = "all" | "production-success" | "production-failures";

const RUNS: RunsKind[] = ["all", "production-success", "production-failures"];

/** A datetime-local value ("2026-03-01T09:30") for an instant, in the viewer's time. */
export function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function useDashboardParams() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const [now, setNow] = useState(() => Math.ceil(Date.now() / 60_000) * 60_000);
  const query = params.toString();

  const state = useMemo(() => {
    const p = new URLSearchParams(query);
    const raw = p.get("range");
    const range: RangeKey = raw === "custom" || (raw !== null && raw in PRESETS) ? (raw as RangeKey) : "7d";
    let from: Date;
    let to: Date;
    let invalid: string | null = null;
    if (range === "custom") {
      from = new Date(p.get("from") ?? "");
      to = new Date(p.get("to") ?? "");
      if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
        invalid = "Choose a start before the end for a custom range.";
        to = new Date(now);
        from = new Date(now - PRESETS["7d"].ms);
      }
    } else {
      to = new Date(now);
      from = new Date(now - PRESETS[range].ms);
    }
    const runs = RUNS.find((r) => r === p.get("runs")) ?? "all";
    return {
      range,
      from,
      to,
      invalid,
      service: p.get("service") || undefined,
      environment: p.get("environment") || undefined,
      stack: p.get("stack") === "service" ? ("service" as const) : ("environment" as const),
      runs,
      page: Math.max(0, Number(p.get("page")) || 0),
    };
  }, [query, now]);

  const hrefWith = useCallback(
    (patch: Record<string, string | null | undefined>, hash = "") => {
      const next = new URLSearchParams(query);
      for (const [k, v] of Object.entries(patch)) {
        if (v === null || v === undefined || v === "") next.delete(k);
        else next.set(k, v);
      }
      const s = next.toString();
      return `${pathname}${s ? `?${s}` : ""}${hash}`;
    },
    [query, pathname],
  );
  const update = useCallback((patch: Record<string, string | null | undefined>) => router.replace(hrefWith(patch), { scroll: false }), [router, hrefWith]);
  const refresh = useCallback(() => setNow(Math.ceil(Date.now() / 60_000) * 60_000), []);
  const timeZone = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", []);

  return { ...state, timeZone, hrefWith, update, refresh };
}

export type DashboardParams = ReturnType<typeof useDashboardParams>;
