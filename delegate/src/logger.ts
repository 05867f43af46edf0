/**
 * The delegate's own log (not task logs): one human-readable line per event on stdout, with the component that
 * wrote it (`[sse]`, `[worker]`, `[task abc]`), buildkite-style, so an operator can follow one loop with grep.
 * Deliberately tiny: the bundle should not carry a logging framework for a few lines a minute.
 */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines carry `[component]`. */
  child(component: string): Logger;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where a finished line goes (default stdout). Tests pass a collector. */
  write?: (line: string) => void;
  component?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const threshold = LOG_LEVELS.indexOf(options.level);
  const make = (component: string | undefined): Logger => {
    const emit = (level: LogLevel, message: string, fields?: LogFields) => {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const where = component ? ` [${component}]` : "";
      write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)}${where} ${message}${formatFields(fields)}\n`);
    };
    return {
      debug: (m, f) => emit("debug", m, f),
      info: (m, f) => emit("info", m, f),
      warn: (m, f) => emit("warn", m, f),
      error: (m, f) => emit("error", m, f),
      child: (name) => make(component ? `${component} ${name}` : name),
    };
  };
  return make(options.component);
}

function formatFields(fields: LogFields | undefined): string {
  if (!fields) return "";
  let out = "";
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = String(value);
    out += ` ${key}=${/[\s"=]/.test(text) || text === "" ? JSON.stringify(text) : text}`;
  }
  return out;
}

/** A logger that drops everything (tests that do not care). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };
