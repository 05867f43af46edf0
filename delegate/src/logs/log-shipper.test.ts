import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../logger";
import { ApiError, classifyResponse } from "../transport/api-client";
import { LogShipper, type LogSink } from "./log-shipper";

type Chunk = { seq: number; stream: string; lines: string[] };

/** A studio in miniature: stores contiguous chunks, ignores repeats, answers log_gap like the real one. */
function fakeStudio(fault: (call: number) => "ok" | "fail" | "lose" | "lease_lost" = () => "ok") {
  const stored: Chunk[] = [];
  let calls = 0;
  const sink: LogSink = async (body) => {
    const { chunks } = JSON.parse(body) as { chunks: Chunk[] };
    const what = fault(++calls);
    if (what === "fail") throw new ApiError("retryable", "503");
    if (what === "lease_lost") throw new ApiError("protocol", "409", 409, "lease_lost");
    for (const c of chunks) {
      const last = stored.at(-1)?.seq ?? 0;
      if (c.seq === last + 1) stored.push(c);
      else if (c.seq > last + 1) throw new ApiError("protocol", "gap", 409, "log_gap", last + 1);
    }
    if (what === "lose") throw new ApiError("retryable", "connection reset after storing");
    return { ackedThrough: stored.at(-1)?.seq ?? 0 };
  };
  return { stored, sink, calls: () => calls };
}

const dirs: string[] = [];
function shipper(sink: LogSink, extra: Partial<ConstructorParameters<typeof LogShipper>[0]> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "shipper-"));
  dirs.push(dir);
  return new LogShipper({ sink, log: silentLogger, firstSeq: 1, fencingToken: () => 1, spillPath: join(dir, "spill.jsonl"), flushIntervalMs: 5, backoff: { initialMs: 1, capMs: 5 }, onFatal: () => {}, ...extra });
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("LogShipper", () => {
  it("stores every line once and in order through failures and lost answers", async () => {
    const studio = fakeStudio((n) => (n % 3 === 0 ? "fail" : n % 5 === 0 ? "lose" : "ok"));
    const s = shipper(studio.sink);
    for (let i = 1; i <= 3000; i++) {
      s.push(i % 7 === 0 ? "stderr" : "stdout", `line ${i}`);
      if (i % 500 === 0) await new Promise((r) => setTimeout(r, 10));
    }
    s.close();
    await s.drained(AbortSignal.timeout(10_000));
    expect(studio.stored.flatMap((c) => c.lines)).toEqual(Array.from({ length: 3000 }, (_, i) => `line ${i + 1}`));
    expect(studio.stored.map((c) => c.seq)).toEqual(studio.stored.map((_, i) => i + 1));
    expect(s.ackedThrough).toBe(s.lastSeq);
  });

  it("keeps one stream per chunk, in the order lines arrived", async () => {
    const studio = fakeStudio();
    const s = shipper(studio.sink);
    s.push("stdout", "a");
    s.push("stdout", "b");
    s.push("stderr", "c");
    s.push("system", "d");
    s.push("stdout", "e");
    s.close();
    await s.drained(AbortSignal.timeout(5_000));
    expect(studio.stored.map((c) => [c.stream, c.lines])).toEqual([["stdout", ["a", "b"]], ["stderr", ["c"]], ["system", ["d"]], ["stdout", ["e"]]]);
  });

  it("spills past its memory cap instead of dropping, and removes the spill file when done", async () => {
    let down = true;
    const studio = fakeStudio(() => (down ? "fail" : "ok"));
    const s = shipper(studio.sink, { memoryCapBytes: 2_000 });
    const spill = join(dirs[0]!, "spill.jsonl");
    for (let i = 1; i <= 500; i++) {
      s.push("stdout", `line ${i} ${"x".repeat(40)}`);
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 8));
    }
    s.close();
    expect(existsSync(spill)).toBe(true);
    down = false;
    await s.drained(AbortSignal.timeout(10_000));
    expect(studio.stored.flatMap((c) => c.lines)).toHaveLength(500);
    expect(studio.stored.flatMap((c) => c.lines)[499]).toMatch(/^line 500 /);
    expect(existsSync(spill)).toBe(false);
  });

  it("resends from the seq the studio asks for, starting at the claim's nextLogSeq", async () => {
    const studio = fakeStudio();
    studio.stored.push({ seq: 1, stream: "stdout", lines: ["from an earlier claim"] }, { seq: 2, stream: "stdout", lines: ["x"] });
    const s = shipper(studio.sink, { firstSeq: 2 }); // the studio already has 2: the repeat is ignored
    s.push("stdout", "next");
    s.close();
    await s.drained(AbortSignal.timeout(5_000));
    expect(studio.stored.map((c) => c.seq)).toEqual([1, 2]);
    expect(s.ackedThrough).toBe(2);
  });

  it("stops and reports a lost lease", async () => {
    const fatal: ApiError[] = [];
    const s = shipper(fakeStudio(() => "lease_lost").sink, { onFatal: (e) => fatal.push(e) });
    s.push("stdout", "x");
    s.close();
    await expect(s.drained(AbortSignal.timeout(5_000))).rejects.toMatchObject({ code: "lease_lost" });
    expect(fatal).toHaveLength(1);
  });
});

describe("classifyResponse", () => {
  it("splits unrecoverable, retryable and protocol errors", () => {
    expect(classifyResponse(401, '{"error":"unauthorized","message":"bad"}', "x").kind).toBe("unrecoverable");
    expect(classifyResponse(409, '{"error":"revoked","message":"gone"}', "x").kind).toBe("unrecoverable");
    expect(classifyResponse(403, "<html>", "x").kind).toBe("unrecoverable");
    expect(classifyResponse(502, "<html>bad gateway</html>", "x").kind).toBe("retryable");
    expect(classifyResponse(429, "", "x").kind).toBe("retryable");
    expect(classifyResponse(409, '{"error":"log_gap","message":"m","expectedSeq":4}', "x")).toMatchObject({ kind: "protocol", code: "log_gap", expectedSeq: 4 });
  });
});
