import { describe, expect, it } from "vitest";
import { compression, toReal, toVirtual } from "./scroll-space";

describe("scroll space", () => {
  it("is the identity while the log fits the browser's height limit", () => {
    expect(compression(18_000_000, 30_000_000)).toBe(1);
    expect(toVirtual(1234, 18_000_000, 18_000_000, 800)).toBe(1234);
    expect(toReal(1234, 18_000_000, 18_000_000, 800)).toBe(1234);
  });

  it("maps both ends of a compressed log exactly: top to top, bottom to the last line", () => {
    const [virtual, real, viewport] = [54_000_000, 30_000_000, 800];
    expect(compression(virtual, real)).toBeCloseTo(1.8);
    expect(toVirtual(0, virtual, real, viewport)).toBe(0);
    expect(toVirtual(real - viewport, virtual, real, viewport)).toBeCloseTo(virtual - viewport);
    const v = 27_000_000;
    expect(toVirtual(toReal(v, virtual, real, viewport), virtual, real, viewport)).toBeCloseTo(v);
  });

  it("clamps virtual offsets to the scrollable range", () => {
    expect(toReal(-50, 54_000_000, 30_000_000, 800)).toBe(0);
    expect(toReal(1e12, 54_000_000, 30_000_000, 800)).toBeCloseTo(30_000_000 - 800);
  });
});
