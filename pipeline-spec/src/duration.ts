/**
 * Durations as users write them in YAML: `500ms`, `30s`, `5m`, `1h30m`, `1d`.
 *
 * Kept as strings in the spec (so the YAML round-trips exactly as typed) and converted to milliseconds only where
 * time is computed: the engine's timers and the delegate's timeouts.
 */
import { z } from "zod";

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

/** One or more `<number><unit>` parts; `ms` is listed before `m` so `100ms` is not read as `100m` + `s`. */
export const DURATION_PATTERN = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

/** A duration string such as `30s`, `5m` or `1h30m`. */
export const DurationSchema = z
  .string()
  .regex(DURATION_PATTERN)
  .describe("A duration: a number followed by ms, s, m, h or d. Parts can be combined, e.g. 30s, 5m, 1h30m, 1d.");
export type Duration = z.infer<typeof DurationSchema>;

/** `"1h30m"` → 5_400_000. Throws a RangeError on text that is not a duration (the schema has already rejected it). */
export function parseDuration(text: string): number {
  if (!DURATION_PATTERN.test(text)) {
    throw new RangeError(`"${text}" is not a duration (expected e.g. 30s, 5m, 1h30m)`);
  }
  let total = 0;
  for (const match of text.matchAll(PART)) {
    total += Number(match[1]) * UNIT_MS[match[2] as Unit];
  }
  return total;
}

/** 5_400_000 → `"1h30m"`; the inverse of parseDuration for whole milliseconds (fractions are rounded). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot format ${ms} as a duration`);
  let rest = Math.round(ms);
  if (rest === 0) return "0s";
  let out = "";
  for (const unit of ["d", "h", "m", "s", "ms"] as const) {
    const size = UNIT_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
