import { describe, expect, it } from "vitest";
import { doraBand } from "./dora-bands";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("DORA bands", () => {
  it.each([
    ["deploymentFrequency", 3, "elite"],
    ["deploymentFrequency", 1, "elite"],
    ["deploymentFrequency", 0.5, "high"],
    ["deploymentFrequency", 1 / 7, "high"],
    ["deploymentFrequency", 0.1, "medium"],
    ["deploymentFrequency", 0.01, "low"],
    ["leadTime", 2 * HOUR, "elite"],
    ["leadTime", 3 * DAY, "high"],
    ["leadTime", 10 * DAY, "medium"],
    ["leadTime", 40 * DAY, "low"],
    ["changeFailureRate", 0.15, "elite"],
    ["changeFailureRate", 0.2, "high"],
    ["changeFailureRate", 0.4, "medium"],
    ["changeFailureRate", 0.5, "low"],
    ["timeToRestore", 30 * 60_000, "elite"],
    ["timeToRestore", 5 * HOUR, "high"],
    ["timeToRestore", 3 * DAY, "medium"],
    ["timeToRestore", 8 * DAY, "low"],
  ] as const)("%s %f → %s", (key, value, band) => {
    expect(doraBand(key, value)).toBe(band);
  });

  it("gives no band without data", () => {
    expect(doraBand("leadTime", null)).toBeNull();
    expect(doraBand("changeFailureRate", Number.NaN)).toBeNull();
  });
});
