/**
 * A deterministic in-memory step log for the viewer's demo and end-to-end tests: line n's text is a pure function of
 * n (nothing is stored, so 10M lines cost nothing), with ANSI colours, long lines, stderr, system lines, and the word
 * "needle" on every 997th line and nowhere else (1,000,000 lines → exactly 1,003 matches). Used by the client page
 * and by the download route, so both see the same log.
 */
import { stripAnsi } from "~/components/executions/log-viewer/ansi";
import type { LogLine, LogSource, SearchQuery } from "~/components/executions/log-viewer/types";

const T0 = Date.UTC(2025, 0, 15, 9, 30, 0);

/** Cheap integer hash so the "random" parts of a line are stable per line number. */
function mix(n: number): number {
  let x = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** hh:mm:ss.mmm by arithmetic: this runs a million times per search, so no Date objects. */
function clock(ms: number): string {
  const day = ms % 86_400_000;
  const p = (v: number) => (v < 10 ? `0${v}` : `${v}`);
  const milli = day % 1000;
  const m3 = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : `${milli}`;
  return `${p(Math.floor(day / 3_600_000))}:${p(Math.floor(day / 60_000) % 60)}:${p(Math.floor(day / 1000) % 60)}.${m3}`;
}

export function synthLine(n: number): LogLine {
  const h = mix(n);
  const ts = T0 + n * 3;
  const at = `[${clock(ts)}]`;
  if (n % 997 === 0)
    return { n, ts, stream: "stdout", text: `${at} scan: found the needle in line ${n} (haystack ${h % 1000})` };
  if (n % 100_000 === 0)
    return { n, ts, stream: "system", text: `exit code 1 (attempt ${n / 100_000} failed at line ${n})` };
  if (n % 100_000 === 1 && n > 1)
    return { n, ts, stream: "system", text: `Attempt ${Math.floor(n / 100_000) + 1} starting (line ${n})` };
  if (n % 89 === 0)
    return {
      n,
      ts,
      stream: "stderr",
      text: `${at} \x1b[1;31merror\x1b[0m: connection reset by peer (retry ${h % 5}) line ${n}`,
    };
  if (n % 331 === 0)
    return {
      n,
      ts,
      stream: "stderr",
      text: `${at} \x1b[33mwarning\x1b[0m: flag --legacy-peer-deps is deprecated (line ${n})`,
    };
  if (n % 211 === 0) {
    const chunk = `${h.toString(36)}-${(h >>> 7).toString(16)}`;
    return { n, ts, stream: "stdout", text: `${at} payload line ${n}: ${`${chunk} `.repeat(40 + (h % 40))}end` };
  }
  if (n % 13 === 0)
    return {
      n,
      ts,
      stream: "stdout",
      text: `${at} \x1b[32m✓\x1b[0m suite-${h % 97} case ${n} passed \x1b[90m(${h % 400} ms)\x1b[0m`,
    };
  return { n, ts, stream: "stdout", text: `${at} INFO  worker-${h % 8} processed item ${n} in ${h % 100} ms` };
}

export type SyntheticOptions = { lines: number; live: boolean; rate: number; latencyMs: number };

/** Lines scanned between yields to the UI (about 10 ms of work). */
const SLICE = 20_000;

const abortError = () => new DOMException("Aborted", "AbortError");

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError());
    };
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The "server": paged fetches with latency, a real scan for search, and growth at `rate` lines/s while live. */
export function createSyntheticSource(o: SyntheticOptions): LogSource {
  let count = o.lines;
  const listeners = new Set<(count: number, lines: LogLine[]) => void>();
  let timer: ReturnType<typeof setInterval> | null = null;
  let carry = 0;
  const tick = () => {
    carry += o.rate / 10;
    const add = Math.floor(carry);
    carry -= add;
    if (add === 0) return;
    const lines = Array.from({ length: add }, (_, i) => synthLine(count + i + 1));
    count += add;
    for (const l of listeners) l(count, lines);
  };
  return {
    lineCount: () => count,
    downloadUrl: `/dev/log-viewer/download?lines=${o.lines}`,
    async fetchLines(from, to, signal) {
      await delay(o.latencyMs, signal);
      const end = Math.min(to, count + 1);
      return Array.from({ length: Math.max(0, end - from) }, (_, i) => synthLine(from + i));
    },
    async search(query: SearchQuery, limit, signal) {
      const flags = query.caseSensitive ? "" : "i";
      const re = new RegExp(query.regex ? query.text : query.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), flags);
      await delay(o.latencyMs, signal);
      const lines: number[] = [];
      let total = 0;
      const upTo = count;
      // Scan in slices, yielding between them: this "server" shares the page's main thread.
      for (let start = 1; start <= upTo; start += SLICE) {
        for (let n = start; n < Math.min(start + SLICE, upTo + 1); n++) {
          if (re.test(stripAnsi(synthLine(n).text))) {
            total++;
            if (lines.length < limit) lines.push(n);
          }
        }
        await delay(0, signal);
      }
      return { lines, total, truncated: total > lines.length };
    },
    subscribe(onGrow) {
      listeners.add(onGrow);
      if (o.live && timer === null) timer = setInterval(tick, 100);
      return () => {
        listeners.delete(onGrow);
        if (listeners.size === 0 && timer !== null) {
          clearInterval(timer);
          timer = null;
        }
      };
    },
  };
}
