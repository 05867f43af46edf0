import { describe, expect, it } from "vitest";
import { Backoff } from "./backoff";

describe("Backoff", () => {
  it("doubles the window from 500 ms and caps it at 30 s", () => {
    const b = new Backoff({ random: () => 0.999999 });
    const windows: number[] = [];
    for (let i = 0; i < 10; i++) {
      windows.push(b.window());
      b.next();
    }
    expect(windows).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  });

  it("draws every delay uniformly within [0, window)", () => {
    let r = 0;
    const values = [0, 0.25, 0.5, 0.999];
    const b = new Backoff({ random: () => values[r++ % values.length]! });
    expect(b.next()).toBe(0);
    expect(b.next()).toBe(250); // window 1000
    expect(b.next()).toBe(1000); // window 2000
    expect(b.next()).toBe(3996); // window 4000
    const real = new Backoff({ capMs: 2000 });
    for (let i = 0; i < 200; i++) {
      const w = real.window();
      const d = real.next();
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(w);
    }
  });

  it("resets after a healthy session, not after a short one", () => {
    const b = new Backoff({ healthyAfterMs: 10_000 });
    b.next();
    b.next();
    b.sessionEnded(2_000);
    expect(b.attempts).toBe(2);
    b.sessionEnded(10_000);
    expect(b.attempts).toBe(0);
    expect(b.window()).toBe(500);
  });

  it("noWait returns at once but still advances the window", async () => {
    const b = new Backoff({ noWait: true, random: () => 0.5 });
    const started = Date.now();
    expect(await b.wait()).toBe(250);
    expect(await b.wait()).toBe(500);
    expect(Date.now() - started).toBeLessThan(50);
  });

  it("wait ends early when aborted, and honours a floor", async () => {
    const b = new Backoff({ initialMs: 10_000, random: () => 0.9 });
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 20);
    const started = Date.now();
    await b.wait(ctrl.signal);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await new Backoff({ noWait: true, random: () => 0 }).wait(undefined, 300)).toBe(300);
  });
});
