/**
 * The log viewer's LogSource for one step attempt: pages by line number through tRPC, search in the database,
 * live growth from the execution stream (via the page's log bus), and the download route.
 *
 * With a `lane` (one SSH host) it reads that lane alone, numbered 1… within it. The stream's events carry the
 * whole log's numbering, so a lane source does not count them itself: a matching event makes it fetch what is new
 * in the lane (coalesced while a fetch is in flight), which can neither skip nor double-count a line.
 */
import type { TRPCClient } from "@trpc/client";
import type { AppRouter } from "~/server/routers/_app";
import type { LogLine, LogSource } from "./log-viewer";
import type { LogBus } from "./use-execution";

type Options = { client: TRPCClient<AppRouter>; projectId: string; executionId: string; stepRunId: string; initialCount: number; bus: LogBus; lane?: string };

export function stepLogSource(o: Options): LogSource {
  let count = o.lane === undefined ? o.initialCount : 0;
  // In a lane every line is that host's: the viewer shows no host tag there.
  const read = async (from: number, to: number, signal?: AbortSignal) => {
    const r = await o.client.execution.logLines.query({ projectId: o.projectId, stepRunId: o.stepRunId, from, to, ...(o.lane === undefined ? {} : { lane: o.lane }) }, { signal });
    return o.lane === undefined ? r : { ...r, lines: r.lines.map((l) => ({ ...l, lane: null })) };
  };
  return {
    lineCount: () => count,
    async fetchLines(from, to, signal) {
      const lines: LogLine[] = [];
      for (let start = from; start < to; ) {
        const r = await read(start, to, signal);
        count = Math.max(count, r.lineCount);
        lines.push(...(r.lines as LogLine[]));
        if (!r.lines.length) break;
        start = r.lines.at(-1)!.n + 1;
      }
      return lines;
    },
    search: (q, limit, signal) =>
      o.client.execution.searchLog.query({ projectId: o.projectId, stepRunId: o.stepRunId, text: q.text, caseSensitive: q.caseSensitive, regex: q.regex, limit, ...(o.lane === undefined ? {} : { lane: o.lane }) }, { signal }),
    subscribe(onGrow) {
      if (o.lane === undefined) {
        return o.bus.on(o.stepRunId, (e) => {
          const lines = e.lines.map((text, i) => ({ n: e.firstLine + i, text, stream: e.stream, ts: e.ts, lane: e.lane }));
          count = Math.max(count, e.firstLine + e.lines.length - 1);
          onGrow(count, lines);
        });
      }
      const lane = o.lane;
      const stop = new AbortController();
      let inFlight = false;
      let again = false;
      const catchUp = async (): Promise<void> => {
        if (inFlight) return void (again = true);
        inFlight = true;
        try {
          do {
            again = false;
            const r = await read(count + 1, count + 5_001, stop.signal);
            count = Math.max(count, r.lineCount);
            onGrow(count, r.lines as LogLine[]);
          } while (again && !stop.signal.aborted);
        } catch {
          // Aborted on unsubscribe, or a failed read: the next event (or a reopened panel) catches up.
        } finally {
          inFlight = false;
        }
      };
      void catchUp();
      const off = o.bus.on(o.stepRunId, (e) => {
        if (e.lane === lane) void catchUp();
      });
      return () => {
        stop.abort();
        off();
      };
    },
    downloadUrl: `/api/executions/${o.executionId}/steps/${o.stepRunId}/log`,
  };
}
