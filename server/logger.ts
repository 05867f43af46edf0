/** The root logger. Requests and jobs log through children carrying their ids (see server/context.ts). */
import pino from "pino";

const g = globalThis as unknown as { __slipwayLogger?: pino.Logger };

export function logger(): pino.Logger {
  g.__slipwayLogger ??= pino({ level: process.env.LOG_LEVEL ?? "info", base: { app: "studio" } });
  return g.__slipwayLogger;
}
