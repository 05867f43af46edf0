/** The execution page imports from here; everything else in this folder is an implementation detail. */
export { LogViewer, type LogViewerProps } from "./log-viewer";
export { ROW_PX } from "./use-log-virtualizer";
export type { LogLine, LogSource, LogStream, SearchQuery, SearchResult } from "./types";
export { stripAnsi } from "./ansi";
