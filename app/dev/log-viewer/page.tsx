/**
 * /dev/log-viewer?lines=1000000&live=1&rate=5000&latency=20 — the log viewer over a synthetic log, to develop and
 * prove it (Playwright: e2e/specs/log-viewer) before the execution page wires it to a real step. Outside the (studio)
 * group so it needs no session; 404 in production unless SLIPWAY_DEV_PAGES=1.
 */
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { devPagesEnabled } from "../dev-pages";
import { LogViewerDemo } from "./demo-client";

export const metadata: Metadata = { title: "Log viewer demo · Slipway" };

type SearchParams = Record<string, string | string[] | undefined>;

function intParam(sp: SearchParams, name: string, fallback: number, max: number): number {
  const raw = Number(Array.isArray(sp[name]) ? sp[name][0] : sp[name]);
  return Number.isFinite(raw) && raw >= 0 ? Math.min(Math.floor(raw), max) : fallback;
}

export default async function LogViewerDemoPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await connection(); // render per request, so SLIPWAY_DEV_PAGES is read at run time, not at build time
  if (!devPagesEnabled()) notFound();
  const sp = await searchParams;
  return (
    <LogViewerDemo
      lines={intParam(sp, "lines", 1_000_000, 50_000_000)}
      live={sp.live === "1"}
      rate={intParam(sp, "rate", 5_000, 1_000_000)}
      latencyMs={intParam(sp, "latency", 20, 10_000)}
    />
  );
}
