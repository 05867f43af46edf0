import { describe, expect, it } from "vitest";
import { parseOk } from "../test/helpers";
import { stringifyPipeline } from "./print";
import { DEMO_PIPELINE_YAML } from "./samples";

describe("stringifyPipeline", () => {
  it("round-trips the demo pipeline through parsePipelineYaml", () => {
    const spec = parseOk(DEMO_PIPELINE_YAML);
    expect(parseOk(stringifyPipeline(spec))).toEqual(spec);
  });

  it("leaves out values equal to their defaults", () => {
    const text = stringifyPipeline({
      apiVersion: "slipway/v1",
      kind: "Pipeline",
      name: "Small",
      stages: [
        {
          id: "build",
          when: "onSuccess",
          steps: [{ id: "run", type: "shell", script: "make", shell: "bash", env: {} }],
        },
      ],
    });
    expect(text).toBe(
      [
        "apiVersion: slipway/v1",
        "kind: Pipeline",
        "name: Small",
        "",
        "stages:",
        "  - id: build",
        "    steps:",
        "      - id: run",
        "        type: shell",
        "        script: make",
        "",
      ].join("\n"),
    );
  });

  it("writes short lists inline and keeps an explicit empty needs", () => {
    const text = stringifyPipeline({
      apiVersion: "slipway/v1",
      kind: "Pipeline",
      name: "Small",
      stages: [
        { id: "docs", needs: [], selectors: ["linux", "eu"], steps: [{ id: "w", type: "wait", duration: "1s" }] },
      ],
    });
    expect(text).toContain("    needs: []\n    selectors: [linux, eu]\n");
  });

  it("writes multi-line scripts as literal blocks", () => {
    const text = stringifyPipeline({
      apiVersion: "slipway/v1",
      kind: "Pipeline",
      name: "Small",
      stages: [{ id: "build", steps: [{ id: "run", type: "shell", script: "echo one\necho two\n" }] }],
    });
    expect(text).toContain("        script: |\n          echo one\n          echo two\n");
  });
});
