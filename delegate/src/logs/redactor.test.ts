import { describe, expect, it } from "vitest";
import { MASK, Redactor } from "./redactor";
import { base64Core, secretNeedles } from "./secret-variants";

/** Feed `parts` one write at a time, then end: the text that would reach the log. */
function through(values: string[], parts: (string | Uint8Array)[]): string {
  const r = new Redactor(values);
  return parts.map((p) => r.write(p)).join("") + r.end();
}

describe("Redactor", () => {
  it("masks a whole value, every occurrence", () => {
    expect(through(["hunter22"], ["pw=hunter22 and again hunter22\n"])).toBe(`pw=${MASK} and again ${MASK}\n`);
  });

  it("masks a value split across two writes, at every split point", () => {
    const secret = "supersecret";
    const text = `before ${secret} after\n`;
    for (let i = 0; i <= text.length; i++) {
      expect(through([secret], [text.slice(0, i), text.slice(i)]), `split at ${i}`).toBe(`before ${MASK} after\n`);
    }
  });

  it("masks a value written one character at a time", () => {
    const text = "x=supersecret;";
    expect(through(["supersecret"], [...text])).toBe(`x=${MASK};`);
  });

  it("masks a value split inside a multi-byte character", () => {
    const secret = "pässwörd";
    const bytes = Buffer.from(`[${secret}]`);
    for (let i = 0; i <= bytes.length; i++) {
      expect(through([secret], [bytes.subarray(0, i), bytes.subarray(i)])).toBe(`[${MASK}]`);
    }
  });

  it("masks base64, base64url, URL-encoded and JSON-escaped forms", () => {
    const secret = 'p@ss w/rd+"?~~>';
    const forms = [
      Buffer.from(secret).toString("base64"),
      Buffer.from(secret).toString("base64url"),
      encodeURIComponent(secret),
      JSON.stringify(secret).slice(1, -1),
    ];
    for (const form of forms) expect(through([secret], [`<${form}>`]), form).toBe(`<${MASK}>`);
  });

  it("masks the base64 of a value inside a longer base64'd text, at any alignment", () => {
    const secret = "correct-horse-battery";
    for (const prefix of ["", "a", "ab", "user:"]) {
      const encoded = Buffer.from(`${prefix}${secret}\n`).toString("base64");
      expect(through([secret], [encoded]), `prefix ${JSON.stringify(prefix)}`).toContain(MASK);
      expect(through([secret], [encoded])).not.toContain(base64Core(Buffer.from(secret), 0).slice(0, 8));
    }
  });

  it("masks a multi-line secret whole, and each of its lines alone", () => {
    const key = "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nbm90IGEgcmVhbCBrZXkgYXQgYWxs\n-----END KEY-----";
    expect(through([key], [`key:\n${key}\ndone\n`])).toBe(`key:\n${MASK}\ndone\n`);
    expect(through([key], ["line: bm90IGEgcmVhbCBrZXkgYXQgYWxs\n"])).toBe(`line: ${MASK}\n`);
    const split = `${key}\n`;
    for (let i = 0; i <= split.length; i += 7) expect(through([key], [split.slice(0, i), split.slice(i)])).toBe(`${MASK}\n`);
  });

  it("never leaks a fragment of overlapping secrets", () => {
    // "abcd" is found first; its tail "cd" is also the start of "cdef", so it must stay marked while held back.
    expect(through(["abcd", "cdef"], ["xxabcd", "yy"])).toBe(`xx${MASK}yy`);
    expect(through(["abcd", "cdef"], ["xxabcd", "ef", "yy"])).toBe(`xx${MASK}yy`);
    expect(through(["abcdef", "cde"], ["ab", "cd", "e", "f!"])).toBe(`${MASK}!`);
    expect(through(["abcdef", "cde"], ["ab", "cd", "e", "!"])).toBe(`ab${MASK}!`); // "ab" alone was innocent
    expect(through(["aaa"], ["aaaa"])).toBe(MASK);
  });

  it("holds back only a possible secret prefix, and releases it when it turns out innocent", () => {
    const r = new Redactor(["supersecret"]);
    expect(r.write("hello sup")).toBe("hello ");
    expect(r.write("per\n")).toBe("supper\n");
    expect(r.write("no match here\n")).toBe("no match here\n");
  });

  it("ignores values shorter than 3 characters and counts them", () => {
    const r = new Redactor(["ab", "x", "", "abc"]);
    expect(r.skipped).toBe(2);
    expect(r.write("ab x abc\n")).toBe(`ab x ${MASK}\n`);
    expect(secretNeedles(["a"]).needles).toEqual([]);
  });

  it("passes text through untouched when there is nothing to mask", () => {
    const r = new Redactor([]);
    expect(r.write("anything\n")).toBe("anything\n");
    expect(r.end()).toBe("");
  });

  it("redactAll masks a complete system line", () => {
    expect(new Redactor(["supersecret"]).redactAll("GET https://h/?t=supersecret")).toBe(`GET https://h/?t=${MASK}`);
  });
});
