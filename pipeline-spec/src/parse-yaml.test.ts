import { describe, expect, it } from "vitest";
import { HEADER, covered, problemsOf, yaml } from "../test/helpers";
import { parsePipelineYaml } from "./parse";
import { MAX_PROBLEMS } from "./problem";

describe("YAML syntax problems", () => {
  it("points at an over-indented line", () => {
    expect(problemsOf(yaml(...HEADER, "stages:", "  - id: build", "     steps: []"))).toEqual([
      {
        at: "6:6",
        code: "yaml-syntax",
        message:
          "bad indentation: this line is indented further than the key above it (or the line above is missing a ':')",
      },
    ]);
  });

  it("points at a line that belongs to no list item", () => {
    expect(problemsOf(yaml(...HEADER, "stages:", "  - id: build", "   steps: []"))).toEqual([
      {
        at: "6:4",
        code: "yaml-syntax",
        message:
          'this line is not indented like the list item above it; line it up with that item\'s keys, or start a new item with "- "',
      },
    ]);
  });

  it("points at the opening quote of an unclosed string", () => {
    expect(problemsOf(yaml("apiVersion: slipway/v1", "kind: Pipeline", 'name: "Checkout', "stages: []"))).toEqual([
      { at: "3:7", code: "yaml-syntax", message: 'this string has no closing "; add one where the text should end' },
    ]);
  });

  it("points at a tab used for indentation", () => {
    expect(problemsOf(yaml(...HEADER, "stages:", "\t- id: build"))).toEqual([
      { at: "5:1", code: "yaml-syntax", message: "tabs cannot be used for indentation in YAML; indent with spaces" },
    ]);
  });

  it("reports a duplicate key at the second one", () => {
    expect(problemsOf(yaml(...HEADER, "name: Again"))).toEqual([
      { at: "4:1", code: "yaml-syntax", message: 'duplicate key "name"; each key may appear once in a map' },
    ]);
  });

  it("refuses several documents in one file, at the separator", () => {
    expect(problemsOf(yaml(...HEADER, "---", "kind: Pipeline"))).toEqual([
      {
        at: "4:1",
        code: "yaml-syntax",
        message: 'a pipeline file holds one YAML document; remove the "---" line and everything after it',
      },
    ]);
  });

  it("returns a YAML warning as a warning, without failing the parse", () => {
    const result = parsePipelineYaml(
      yaml(
        "apiVersion: slipway/v1",
        "kind: Pipeline",
        "name: !fancy Test",
        "stages:",
        "  - id: a",
        "    steps: [{ id: w, type: wait, duration: 1s }]",
      ),
    );
    expect([
      result.ok,
      result.problems.map((p) => [p.severity, p.range.start.line, p.range.start.column, p.message]),
    ]).toEqual([true, [["warning", 3, 7, "unknown YAML tag !fancy; it is ignored, remove it"]]]);
  });

  it("reports an empty document at 1:1", () => {
    expect(problemsOf("")).toEqual([
      { at: "1:1", code: "empty", message: 'the document is empty; a pipeline starts with "apiVersion: slipway/v1"' },
    ]);
  });

  it("treats a document of only comments as empty", () => {
    expect(problemsOf("# to do\n\n").map((p) => p.code)).toEqual(["empty"]);
  });

  it("returns the yaml Document along with syntax problems, for the editor", () => {
    const result = parsePipelineYaml("a: [1\n");
    expect(result.ok === false && result.document !== undefined).toBe(true);
  });
});

describe("size limits", () => {
  it("refuses an alias bomb instead of expanding it", () => {
    const lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let i = 1; i < 9; i++) {
      const [self, previous] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
      lines.push(`${self}: &${self} [${Array(9).fill(`*${previous}`).join(", ")}]`);
    }
    expect(problemsOf(yaml(...lines))).toEqual([
      {
        at: "1:1",
        code: "yaml-syntax",
        message: "the document repeats aliases (*name) too many times; write the values out instead",
      },
    ]);
  });

  it("refuses a document over 2 MB without parsing it", () => {
    const result = parsePipelineYaml(`name: "${"x".repeat(2 * 1024 * 1024)}"\n`);
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          code: "too-large",
          message: "the document is larger than 2 MB; split the pipeline or remove unused parts",
          path: [],
          severity: "error",
          range: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
        },
      ],
    });
  });

  it("counts the limit in UTF-8 bytes, not characters", () => {
    const text = `name: "${"é".repeat(1024 * 1024 + 10)}"\n`; // about 1 M characters, over 2 MB in UTF-8
    expect(parsePipelineYaml(text).problems.map((p) => p.code)).toEqual(["too-large"]);
  });

  it("answers 1 MB of random garbage quickly, with valid ranges and at most MAX_PROBLEMS + 1 problems", () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = "abcxyz019:-_ \n\t\"'[]{}#&*!|>%@`,?\u00e9\u4e2d\u0000\u001b";
    let text = "";
    for (let i = 0; i < 1024 * 1024; i++) text += alphabet[Math.floor(random() * alphabet.length)];

    const started = performance.now();
    const result = parsePipelineYaml(text);
    const elapsed = performance.now() - started;

    expect(elapsed).toBeLessThan(750);
    expect(result.ok).toBe(false);
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems.length).toBeLessThanOrEqual(MAX_PROBLEMS + 1);
    for (const problem of result.problems) {
      const { start, end } = problem.range;
      expect(start.line >= 1 && start.column >= 1 && start.offset <= end.offset && end.offset <= text.length).toBe(
        true,
      );
      expect(covered(text, problem).length).toBe(end.offset - start.offset);
    }
  });

  it("ends a long report with a count of the problems left out", () => {
    const lines = ["apiVersion: slipway/v1", "kind: Pipeline", "name: Test", "stages:", "  - id: a", "    steps:"];
    for (let i = 0; i < 150; i++) lines.push(`      - { id: s${i}, type: wait, duration: soon }`);
    const problems = parsePipelineYaml(yaml(...lines)).problems;
    expect([problems.length, problems[MAX_PROBLEMS]?.message]).toEqual([MAX_PROBLEMS + 1, "… and 50 more problems"]);
  });
});
