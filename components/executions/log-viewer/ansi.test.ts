import { describe, expect, it } from "vitest";
import { applySgr, parseAnsi, stripAnsi } from "./ansi";

const E = "\x1b";

describe("parseAnsi", () => {
  it("takes the fast path for plain lines (no spans, same string)", () => {
    const raw = "plain\ttext with tab";
    const p = parseAnsi(raw);
    expect(p.text).toBe(raw);
    expect(p.spans).toBeNull();
  });

  it("renders SGR 30–37 and 90–97 as palette indexes 0–7 and 8–15", () => {
    const p = parseAnsi(`${E}[31mred${E}[0m ${E}[92mbright green${E}[39m done`);
    expect(p.text).toBe("red bright green done");
    expect(p.spans).toEqual([
      { from: 0, to: 3, fg: 1, bold: false },
      { from: 3, to: 4, fg: null, bold: false },
      { from: 4, to: 16, fg: 10, bold: false },
      { from: 16, to: 21, fg: null, bold: false },
    ]);
  });

  it("handles bold, combined parameters, 22 (normal intensity) and reset", () => {
    const p = parseAnsi(`${E}[1;33mwarn${E}[22m thin${E}[m plain`);
    expect(p.text).toBe("warn thin plain");
    expect(p.spans).toEqual([
      { from: 0, to: 4, fg: 3, bold: true },
      { from: 4, to: 9, fg: 3, bold: false },
      { from: 9, to: 15, fg: null, bold: false },
    ]);
  });

  it("an empty parameter list and an empty parameter both mean reset", () => {
    expect(applySgr("", 3, true)).toEqual([null, false]);
    expect(applySgr("1;", 3, false)).toEqual([null, false]);
    expect(applySgr("31;1", null, false)).toEqual([1, true]);
  });

  it("maps 38;5;0–15 onto the palette and skips other extended colours and backgrounds", () => {
    expect(applySgr("38;5;9", null, false)).toEqual([9, false]);
    expect(applySgr("38;5;208", 2, false)).toEqual([2, false]);
    expect(applySgr("38;2;255;0;0;1", null, false)).toEqual([null, true]); // r;g;b consumed, then bold
    expect(applySgr("41;4;3", 5, false)).toEqual([5, false]); // background, underline, italic: ignored
  });

  it("returns null spans when escapes only reset (nothing styled)", () => {
    const p = parseAnsi(`${E}[0mhello${E}[0m`);
    expect(p).toEqual({ text: "hello", spans: null });
  });

  it("strips non-SGR CSI sequences (cursor moves, erase line)", () => {
    expect(stripAnsi(`${E}[2K${E}[1Gdone ${E}[10;20H!`)).toBe("done !");
    expect(stripAnsi(`${E}[?25lhidden cursor${E}[?25h`)).toBe("hidden cursor");
  });

  it("strips OSC titles and hyperlinks (BEL and ESC\\ terminated), charsets and two-byte escapes", () => {
    expect(stripAnsi(`${E}]0;title\x07after`)).toBe("after");
    expect(stripAnsi(`${E}]8;;https://x.test${E}\\link${E}]8;;${E}\\`)).toBe("link");
    expect(stripAnsi(`${E}(Bcharset ${E}7saved${E}8`)).toBe("charset saved");
  });

  it("strips other C0 controls but keeps tabs", () => {
    expect(stripAnsi("a\x07b\x08c\td\x7f")).toBe("abc\td");
  });

  it("shows the last redraw of a carriage-return progress line, keeping its colour state", () => {
    const p = parseAnsi(`${E}[32m 10%\r 55%\r100%${E}[0m`);
    expect(p.text).toBe("100%");
    expect(p.spans).toEqual([{ from: 0, to: 4, fg: 2, bold: false }]);
    expect(stripAnsi("done\r")).toBe("done");
    expect(stripAnsi(`done\r${E}[0m`)).toBe("done");
  });

  describe("malformed input never hides log text", () => {
    it("a trailing ESC or ESC[ is dropped", () => {
      expect(stripAnsi(`text${E}`)).toBe("text");
      expect(stripAnsi(`text${E}[`)).toBe("text");
      expect(stripAnsi(`text${E}[31`)).toBe("text");
    });

    it("a CSI broken by a control character drops only the introducer and parameters", () => {
      expect(stripAnsi(`a${E}[31\nb`)).toBe("ab");
      expect(stripAnsi(`a${E}[12${E}[32mgreen`)).toBe("agreen");
      expect(parseAnsi(`a${E}[12${E}[32mgreen`).spans).toEqual([
        { from: 0, to: 1, fg: null, bold: false },
        { from: 1, to: 6, fg: 2, bold: false },
      ]);
    });

    it("an unterminated OSC drops the introducer and keeps the rest", () => {
      expect(stripAnsi(`${E}]0;no terminator`)).toBe("0;no terminator");
    });

    it("non-numeric SGR parameters are ignored", () => {
      expect(parseAnsi(`${E}[3x;31mred`).text).toBe(";31mred"); // 'x' is a final byte: an unknown CSI, stripped
      expect(applySgr("abc;31", null, false)).toEqual([1, false]);
    });

    it("the 8-bit CSI (U+009B) is understood", () => {
      expect(parseAnsi("\x9b31mred").spans).toEqual([{ from: 0, to: 3, fg: 1, bold: false }]);
    });
  });
});
