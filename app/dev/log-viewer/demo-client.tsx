"use client";
import { useMemo } from "react";
import { LogViewer } from "~/components/executions/log-viewer";
import { createSyntheticSource, type SyntheticOptions } from "./synthetic-log";

/** The client half of the demo: one synthetic source per set of options, mounted in a full-height viewer. */
export function LogViewerDemo(o: SyntheticOptions) {
  const { lines, live, rate, latencyMs } = o;
  const source = useMemo(() => createSyntheticSource({ lines, live, rate, latencyMs }), [lines, live, rate, latencyMs]);
  return (
    <main style={{ display: "flex", flexDirection: "column", gap: 10, height: "100vh", padding: 16 }}>
      <div>
        <h1>Log viewer (development)</h1>
        <p className="hint" style={{ margin: "4px 0 0" }}>
          Synthetic step log: {lines.toLocaleString("en-US")} lines
          {live ? `, growing by ${rate.toLocaleString("en-US")} lines/s` : ""}, {latencyMs} ms per page fetch. Query:
          lines, live=1, rate, latency.
        </p>
      </div>
      <LogViewer source={source} title="build › compile" live={live} height="100%" />
    </main>
  );
}
