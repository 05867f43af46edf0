import { describe, expect, it } from "vitest";
import { SseParser, type SseMessage } from "./sse-parser";

function parse(chunks: (string | Uint8Array)[]) {
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const parser = new SseParser({ onMessage: (m) => messages.push(m), onComment: (c) => comments.push(c), onRetry: (ms) => retries.push(ms) });
  for (const c of chunks) parser.feed(c);
  return { messages, comments, retries, lastEventId: parser.lastEventId };
}

const STREAM = [
  ": hello comment",
  "retry: 3000",
  "id: 1",
  "event: task.offered",
  'data: {"type":"task.offered",',
  'data:  "taskId":"t-1","kind":"shell"}',
  "",
  ": ping",
  "",
  "data: no id or event, é ✓",
  "",
  "id: 7",
  "data",
  "",
  "id: 8",
  "",
  "",
].join("\n");

const EXPECTED: SseMessage[] = [
  { id: "1", event: "task.offered", data: '{"type":"task.offered",\n "taskId":"t-1","kind":"shell"}' },
  { id: "1", event: "message", data: "no id or event, é ✓" },
  { id: "7", event: "message", data: "" },
];

describe("SseParser", () => {
  it("joins multi-line data, keeps ids, reports comments and retry", () => {
    const out = parse([STREAM]);
    expect(out.messages).toEqual(EXPECTED);
    expect(out.comments).toEqual(["hello comment", "ping"]);
    expect(out.retries).toEqual([3000]);
    expect(out.lastEventId).toBe("8"); // an id-only message still moves the replay position
  });

  it("accepts CRLF and lone CR line endings", () => {
    expect(parse([STREAM.replace(/\n/g, "\r\n")]).messages).toEqual(EXPECTED);
    expect(parse([STREAM.replace(/\n/g, "\r")]).messages).toEqual(EXPECTED);
  });

  it("gives the same result when split at every byte boundary (LF and CRLF)", () => {
    for (const text of [STREAM, STREAM.replace(/\n/g, "\r\n")]) {
      const bytes = Buffer.from(text);
      for (let i = 0; i <= bytes.length; i++) {
        const out = parse([bytes.subarray(0, i), bytes.subarray(i)]);
        expect(out.messages, `split at ${i}`).toEqual(EXPECTED);
        expect(out.lastEventId).toBe("8");
      }
    }
  });

  it("survives one byte at a time", () => {
    const bytes = Buffer.from(STREAM.replace(/\n/g, "\r\n"));
    expect(parse([...bytes].map((b) => Uint8Array.of(b))).messages).toEqual(EXPECTED);
  });

  it("ignores unknown fields, bad retry values, ids with NUL, and a trailing incomplete message", () => {
    const out = parse(["foo: bar\nretry: soon\nid: a\u0000b\ndata: x\n\ndata: never dispatched"]);
    expect(out.messages).toEqual([{ id: "", event: "message", data: "x" }]);
    expect(out.retries).toEqual([]);
  });

  it("strips a leading byte-order mark", () => {
    expect(parse([Uint8Array.of(0xef, 0xbb, 0xbf), "data: a\n\n"]).messages).toEqual([{ id: "", event: "message", data: "a" }]);
  });
});
