import { describe, expect, it } from "vitest";
import { DurationSchema, formatDuration, parseDuration } from "./duration";

describe("parseDuration", () => {
  it("reads each unit", () => {
    expect([
      parseDuration("250ms"),
      parseDuration("30s"),
      parseDuration("5m"),
      parseDuration("2h"),
      parseDuration("1d"),
    ]).toEqual([250, 30_000, 300_000, 7_200_000, 86_400_000]);
  });

  it("adds combined parts", () => {
    expect(parseDuration("1h30m")).toBe(5_400_000);
  });

  it("reads 100ms as milliseconds, not 100 minutes and a stray s", () => {
    expect(parseDuration("100ms")).toBe(100);
  });

  it("rejects text that is not a duration", () => {
    expect(() => parseDuration("5 minutes")).toThrow('"5 minutes" is not a duration');
  });
});

describe("formatDuration", () => {
  it("writes the largest units first", () => {
    expect(formatDuration(5_400_000)).toBe("1h30m");
  });

  it("writes zero as 0s", () => {
    expect(formatDuration(0)).toBe("0s");
  });

  it("keeps milliseconds", () => {
    expect(formatDuration(90_500)).toBe("1m30s500ms");
  });

  it("round-trips through parseDuration", () => {
    for (const text of ["1d2h3m4s5ms", "45s", "1h", "10ms"]) expect(formatDuration(parseDuration(text))).toBe(text);
  });
});

describe("DurationSchema", () => {
  it("accepts combined durations and rejects units it does not know", () => {
    expect([DurationSchema.safeParse("1h30m").success, DurationSchema.safeParse("1w").success]).toEqual([true, false]);
  });
});
