import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_LOG_LINE_CHARS } from "@slipway/pipeline-spec/protocol";
import { LINE_CUT_MARKER, LineSplitter } from "./line-splitter";

function collect(options: { partialFlushMs?: number; maxLineChars?: number } = {}) {
  const lines: string[] = [];
  const splitter = new LineSplitter({ onLine: (l) => lines.push(l), partialFlushMs: 0, ...options });
  return { lines, splitter };
}

afterEach(() => vi.useRealTimers());

describe("LineSplitter", () => {
  it("decodes a multi-byte character split across chunks, at every byte boundary", () => {
    const bytes = Buffer.from("zażółć 🚀 done\n");
    for (let i = 0; i <= bytes.length; i++) {
      const { lines, splitter } = collect();
      splitter.write(bytes.subarray(0, i));
      splitter.write(bytes.subarray(i));
      expect(lines, `split at ${i}`).toEqual(["zażółć 🚀 done"]);
    }
  });

  it("ends lines on LF and CRLF, including a CRLF split across chunks", () => {
    const { lines, splitter } = collect();
    splitter.write("one\r\ntwo\nthree\r");
    splitter.write("\nfour\n\n");
    expect(lines).toEqual(["one", "two", "three", "four", ""]);
  });

  it("keeps only the final state of a \\r progress line", () => {
    const { lines, splitter } = collect();
    splitter.write("downloading 10%\rdownloading 50%\r");
    splitter.write("downloading 100%\nnext\n");
    expect(lines).toEqual(["downloading 100%", "next"]);
  });

  it("flushes a partial line after 500 ms of silence, and starts a new line after it", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const splitter = new LineSplitter({ onLine: (l) => lines.push(l) });
    splitter.write("Password: ");
    vi.advanceTimersByTime(499);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(lines).toEqual(["Password: "]);
    splitter.write("ok\n");
    expect(lines).toEqual(["Password: ", "ok"]);
  });

  it("resets the silence timer on every write", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const splitter = new LineSplitter({ onLine: (l) => lines.push(l) });
    for (let i = 0; i < 5; i++) {
      splitter.write(".");
      vi.advanceTimersByTime(300);
    }
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(lines).toEqual(["....."]);
  });

  it("cuts an over-long line with a marker, keeps the rest, and never exceeds the limit", () => {
    const { lines, splitter } = collect({ maxLineChars: LINE_CUT_MARKER.length + 10 });
    splitter.write("0123456789abcdefghijXYZ\n");
    expect(lines).toEqual([`0123456789${LINE_CUT_MARKER}`, `abcdefghij${LINE_CUT_MARKER}`, "XYZ"]);
    const real = collect();
    real.splitter.write(`${"x".repeat(40_000)}\n`);
    expect(real.lines.map((l) => l.length <= MAX_LOG_LINE_CHARS)).toEqual([true, true, true]);
    expect(real.lines.join("").replaceAll(LINE_CUT_MARKER, "")).toBe("x".repeat(40_000));
  });

  it("never cuts a surrogate pair in half", () => {
    const { lines, splitter } = collect({ maxLineChars: LINE_CUT_MARKER.length + 4 });
    splitter.write("abc🚀def\n");
    expect(lines).toEqual([`abc${LINE_CUT_MARKER}`, `🚀de${LINE_CUT_MARKER}`, "f"]);
  });

  it("emits a final partial line at end", () => {
    const { lines, splitter } = collect();
    splitter.write("no newline");
    splitter.end();
    expect(lines).toEqual(["no newline"]);
  });
});
