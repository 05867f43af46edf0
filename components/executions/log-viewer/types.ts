/**
 * The log viewer's contract with whoever supplies lines (the execution page's tRPC/SSE source, or the synthetic demo
 * source). Kept free of React so the pure modules and their unit tests can import it.
 */

export type LogStream = "stdout" | "stderr" | "system";

export type LogLine = {
  /** 1-based line number in the step log. */
  n: number;
  text: string;
  stream: LogStream;
  ts?: number;
  /** The lane (an SSH host) a multi-target step wrote the line in; shown as a tag when the whole log is read. */
  lane?: string | null;
};

export type SearchQuery = { text: string; caseSensitive: boolean; regex: boolean };

export type SearchResult = { lines: number[]; total: number; truncated: boolean };

export interface LogSource {
  /** Total number of lines known so far (grows while the step runs). */
  lineCount(): number;
  /** Lines [from, to) (1-based, `to` exclusive), fetched from the server in pages; resolves when available. */
  fetchLines(from: number, to: number, signal: AbortSignal): Promise<LogLine[]>;
  /** Server-side search over the whole log (not only loaded lines): returns matching line numbers in order, capped at `limit`, and the true total count. */
  search(query: SearchQuery, limit: number, signal: AbortSignal): Promise<SearchResult>;
  /** Subscribe to growth: called with the new line count and any new lines the live stream delivered (may be empty if only the count is known). Returns unsubscribe. */
  subscribe(onGrow: (lineCount: number, newLines: LogLine[]) => void): () => void;
  /** URL that downloads the full log as text (the viewer just links to it). */
  downloadUrl: string;
}

/** One run of text with one style. `fg` is an ANSI palette index 0–15 (8–15 = bright), null = default colour. */
export type AnsiSpan = { from: number; to: number; fg: number | null; bold: boolean };

/**
 * A line as the viewer renders it: escapes removed once, when its page arrives, so scrolling never re-parses.
 * `spans` is null for the common case of a line without colour (one default-styled run), which saves memory.
 */
export type ParsedLine = { n: number; stream: LogStream; text: string; spans: AnsiSpan[] | null; lane?: string | null };
