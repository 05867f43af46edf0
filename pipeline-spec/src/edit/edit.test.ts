/**
 * The structural editor, one behaviour per test, with the exact text expected for the tricky cases. The
 * property test (edit.property.test.ts) covers the same invariants on random edit sequences over a corpus.
 */
import { describe, expect, it } from "vitest";
import { parseOk } from "../../test/helpers";
import { parseText } from "./doc";
import { compareWithFullParse } from "./incremental";
import { applyEdit, applyEdits, locateNode, nodeAtOffset, wouldCreateCycle } from "./index";
import type { Edit, EditResult } from "./index";

const HEAD = ["apiVersion: slipway/v1", "kind: Pipeline", "name: Test"];

/** Lines joined with LF and a final line break. */
const doc = (...lines: string[]) => `${lines.join("\n")}\n`;

function applied(text: string, edit: Edit): string {
  const result = applyEdit(text, edit);
  if (!result.ok) throw new Error(`edit refused: ${result.error}`);
  parseOk(result.text);
  return result.text;
}

function refused(text: string, edit: Edit): string {
  const result = applyEdit(text, edit);
  if (result.ok) throw new Error(`edit applied:\n${result.text}`);
  return result.error;
}

const wait = (id: string) => ({ id, type: "wait" as const, duration: "1s" });

const TWO_STAGES = doc(
  ...HEAD,
  "stages:",
  "  - id: build",
  "    steps:",
  "      - id: compile",
  "        type: shell",
  "        script: make",
  "  - id: deploy",
  "    steps:",
  "      - id: ship",
  "        type: shell",
  "        script: ./ship.sh",
);

describe("comments around flow items", () => {
  it("removing an item of a one-per-line flow list keeps the comment lines above the next item", () => {
    const text = doc(
      ...HEAD,
      "stages:",
      "  - id: build",
      "    steps: [",
      "      { id: a, type: shell, script: ./a.sh }, # about a",
      "      # about b",
      "      { id: b, type: shell, script: ./b.sh },",
      "    ]",
    );
    expect(applied(text, { op: "removeStep", stepId: "a" })).toBe(
      doc(...HEAD, "stages:", "  - id: build", "    steps: [", "      # about b", "      { id: b, type: shell, script: ./b.sh },", "    ]"),
    );
  });

  it("moving a commented block step into a one-line flow list keeps its comments above the list", () => {
    const text = doc(
      ...HEAD,
      "stages:",
      "  - id: build",
      "    steps: [ { id: a, type: shell, script: ./a.sh } ]",
      "  - id: publish",
      "    steps:",
      "      - id: upload",
      "        type: shell",
      "        script: ./upload.sh",
      "      # the CDN forgets the old pages",
      "      - id: invalidate # at once",
      "        type: shell",
      "        script: ./invalidate.sh",
    );
    expect(applied(text, { op: "moveStep", stepId: "invalidate", toStageId: "build", index: 1 })).toBe(
      doc(
        ...HEAD,
        "stages:",
        "  - id: build",
        "    # the CDN forgets the old pages",
        "    # at once",
        "    steps: [ { id: a, type: shell, script: ./a.sh }, { id: invalidate, type: shell, script: ./invalidate.sh } ]",
        "  - id: publish",
        "    steps:",
        "      - id: upload",
        "        type: shell",
        "        script: ./upload.sh",
      ),
    );
  });
});

describe("addStep", () => {
  it("inserts a flow item into a flow-style list, in its padding and separator style", () => {
    const text = doc(
      ...HEAD,
      "stages:",
      "  - id: build",
      "    steps: [ { id: install, type: shell, script: npm ci }, { id: site, type: shell, script: npm run build } ]",
    );
    expect(applied(text, { op: "addStep", stageId: "build", index: 1, step: wait("pause") })).toBe(
      doc(
        ...HEAD,
        "stages:",
        "  - id: build",
        "    steps: [ { id: install, type: shell, script: npm ci }, { id: pause, type: wait, duration: 1s }, { id: site, type: shell, script: npm run build } ]",
      ),
    );
  });

  it("keeps CRLF line endings", () => {
    const text = TWO_STAGES.replace(/\n/g, "\r\n");
    const result = applied(text, {
      op: "addStep",
      stageId: "build",
      step: { id: "test", type: "shell", script: "make test\nmake lint\n" },
    });
    expect(result).toBe(
      doc(
        ...HEAD,
        "stages:",
        "  - id: build",
        "    steps:",
        "      - id: compile",
        "        type: shell",
        "        script: make",
        "      - id: test",
        "        type: shell",
        "        script: |",
        "          make test",
        "          make lint",
        "  - id: deploy",
        "    steps:",
        "      - id: ship",
        "        type: shell",
        "        script: ./ship.sh",
      ).replace(/\n/g, "\r\n"),
    );
  });

  it("appends to a document without a final line break without adding one", () => {
    const text = TWO_STAGES.slice(0, -1);
    expect(applied(text, { op: "addStep", stageId: "deploy", step: wait("settle") })).toBe(
      `${TWO_STAGES}      - id: settle\n        type: wait\n        duration: 1s`,
    );
  });

  it("follows four-space indentation and wide dashes", () => {
    const text = doc(
      ...HEAD,
      "stages:",
      "    -   id: build",
      "        steps:",
      "            -   id: compile",
      "                type: shell",
      "                script: make",
    );
    expect(
      applied(text, {
        op: "addStep",
        stageId: "build",
        step: { id: "check", type: "shell", script: "make check", env: { CI: "true" } },
      }),
    ).toBe(
      doc(
        ...HEAD,
        "stages:",
        "    -   id: build",
        "        steps:",
        "            -   id: compile",
        "                type: shell",
        "                script: make",
        "            -   id: check",
        "                type: shell",
        "                script: make check",
        "                env:",
        '                    CI: "true"',
      ),
    );
  });

  it("follows unindented lists (dashes under their key)", () => {
    const text = doc(...HEAD, "stages:", "- id: build", "  steps:", "  - id: compile", "    type: shell", "    script: make");
    expect(applied(text, { op: "addStep", stageId: "build", index: 0, step: wait("first") })).toBe(
      doc(
        ...HEAD,
        "stages:",
        "- id: build",
        "  steps:",
        "  - id: first",
        "    type: wait",
        "    duration: 1s",
        "  - id: compile",
        "    type: shell",
        "    script: make",
      ),
    );
  });

  it("creates a missing rollbackSteps list where the schema puts it (after steps)", () => {
    const text = doc(...HEAD, "stages:", "  - id: build", "    when: always", "    steps:", "      - id: compile", "        type: shell", "        script: make");
    expect(applied(text, { op: "addStep", stageId: "build", list: "rollbackSteps", step: wait("undo") })).toBe(
      doc(
        ...HEAD,
        "stages:",
        "  - id: build",
        "    when: always",
        "    steps:",
        "      - id: compile",
        "        type: shell",
        "        script: make",
        "    rollbackSteps:",
        "      - id: undo",
        "        type: wait",
        "        duration: 1s",
      ),
    );
  });

  it("quotes a string only when it needs quotes, in the document's quote style", () => {
    const text = doc(...HEAD, "stages:", "  - id: build", "    name: 'Build'", "    steps:", "      - id: a", "        type: wait", "        duration: 1s");
    const result = applied(text, {
      op: "addStep",
      stageId: "build",
      step: { id: "b", name: "yes", type: "shell", script: "echo a: b" },
    });
    expect(result).toContain("      - id: b\n        name: 'yes'\n        type: shell\n        script: 'echo a: b'\n");
  });

  it("writes a flow item into a list whose items are flow maps", () => {
    const text = doc(...HEAD, "stages:", "  - id: build", "    steps:", "      - { id: a, type: wait, duration: 1s }");
    expect(applied(text, { op: "addStep", stageId: "build", step: { id: "b", type: "shell", script: "echo a: b" } })).toBe(
      `${text}      - { id: b, type: shell, script: "echo a: b" }\n`,
    );
  });

  it("keeps a blank line between items when the list separates them so", () => {
    const text = doc(...HEAD, "stages:", "  - id: a", "    steps: [{id: a1, type: wait, duration: 1s}]", "", "  - id: b", "    steps: [{id: b1, type: wait, duration: 1s}]");
    const result = applied(text, {
      op: "addStage",
      stage: { id: "c", steps: [wait("c1")] },
    });
    expect(result.endsWith("    steps: [{id: b1, type: wait, duration: 1s}]\n\n  - id: c\n    steps:\n      - id: c1\n        type: wait\n        duration: 1s\n")).toBe(true);
  });

  it("refuses a step id that is already used", () => {
    expect(refused(TWO_STAGES, { op: "addStep", stageId: "deploy", step: wait("compile") })).toMatch(/already used/);
  });

  it("refuses an invalid step", () => {
    expect(
      refused(TWO_STAGES, { op: "addStep", stageId: "deploy", step: { id: "x", type: "wait" } as never }),
    ).toMatch(/not valid: duration/);
  });
});

describe("removeStep", () => {
  const text = doc(
    ...HEAD,
    "stages:",
    "  - id: build",
    "    steps:",
    "      - id: compile",
    "        type: shell",
    "        script: make",
    "",
    "      # Kept: separated from the step below by a blank line.",
    "",
    "      # Removed: this comment is attached to lint.",
    "      - id: lint",
    "        type: shell",
    "        script: make lint # inline, removed too",
    "      # Kept: it belongs to the next step.",
    "      - id: test",
    "        type: shell",
    "        script: make test",
  );

  it("removes the step's attached comment lines but keeps comments after a blank line or of the next step", () => {
    expect(applied(text, { op: "removeStep", stepId: "lint" })).toBe(
      doc(
        ...HEAD,
        "stages:",
        "  - id: build",
        "    steps:",
        "      - id: compile",
        "        type: shell",
        "        script: make",
        "",
        "      # Kept: separated from the step below by a blank line.",
        "",
        "      # Kept: it belongs to the next step.",
        "      - id: test",
        "        type: shell",
        "        script: make test",
      ),
    );
  });

  it("unwraps a parallel group left with one step", () => {
    const grouped = doc(
      ...HEAD,
      "stages:",
      "  - id: test",
      "    steps:",
      "      # Both suites at once.",
      "      - id: suites",
      "        type: parallel # side by side",
      "        steps:",
      "          - id: unit",
      "            type: shell",
      "            script: |",
      "              npm test",
      "          # the slow one",
      "          - id: e2e",
      "            type: shell",
      "            script: npm run e2e",
      "      - id: report",
      "        type: wait",
      "        duration: 1s",
    );
    expect(applied(grouped, { op: "removeStep", stepId: "unit" })).toBe(
      doc(
        ...HEAD,
        "stages:",
        "  - id: test",
        "    steps:",
        "      # Both suites at once.",
        "      # the slow one",
        "      - id: e2e",
        "        type: shell",
        "        script: npm run e2e",
        "      - id: report",
        "        type: wait",
        "        duration: 1s",
      ),
    );
  });

  it("refuses to remove the only step of a stage", () => {
    expect(refused(TWO_STAGES, { op: "removeStep", stepId: "ship" })).toMatch(/only step of stage "deploy"/);
  });

  it("leaves `rollbackSteps: []` (and its comment) when the last rollback step goes", () => {
    const text2 = doc(...HEAD, "stages:", "  - id: a", "    steps: [{id: a1, type: wait, duration: 1s}]", "    rollbackSteps: # undo", "      - id: undo", "        type: wait", "        duration: 1s");
    expect(applied(text2, { op: "removeStep", stepId: "undo" })).toBe(
      doc(...HEAD, "stages:", "  - id: a", "    steps: [{id: a1, type: wait, duration: 1s}]", "    rollbackSteps: [] # undo"),
    );
  });

  it("removes the last item of a document without a final line break without adding one", () => {
    const text2 = TWO_STAGES.replace("        script: ./ship.sh\n", "        script: ./ship.sh\n      - id: last\n        type: wait\n        duration: 1s");
    expect(applied(text2, { op: "removeStep", stepId: "last" })).toBe(TWO_STAGES.slice(0, -1));
  });
});

describe("moveStep", () => {
  it("moves a step with its comments and re-indents it", () => {
    const text = doc(
      ...HEAD,
      "stages:",
      "  - id: build",
      "    steps:",
      "      - id: compile",
      "        type: shell",
      "        script: make",
      "      # runs the checks",
      "      - id: check",
      "        type: shell # fast",
      "        script: |",
      "          make check",
      "  - id: deploy",
      "    steps:",
      "    - id: ship",
      "      type: shell",
      "      script: ./ship.sh",
    );
    expect(applied(text, { op: "moveStep", stepId: "check", toStageId: "deploy", index: 0 })).toBe(
      doc(
        ...HEAD,
        "stages:",
        "  - id: build",
        "    steps:",
        "      - id: compile",
        "        type: shell",
        "        script: make",
        "  - id: deploy",
        "    steps:",
        "    # runs the checks",
        "    - id: check",
        "      type: shell # fast",
        "      script: |",
        "        make check",
        "    - id: ship",
        "      type: shell",
        "      script: ./ship.sh",
      ),
    );
  });
});

describe("stages", () => {
  const chain = doc(
    ...HEAD,
    "stages:",
    "  - id: build",
    "    steps: [{id: b, type: wait, duration: 1s}]",
    "  - id: test",
    "    steps: [{id: t, type: wait, duration: 1s}]",
    "  - id: deploy",
    "    needs: [test, build]",
    "    steps: [{id: d, type: wait, duration: 1s}]",
  );

  it("renameStage replaces only the id's bytes and every needs entry naming it", () => {
    const result = applyEdit(chain, { op: "renameStage", stageId: "build", newId: "compile" }) as EditResult & { ok: true };
    expect(result.text).toBe(chain.replace("id: build", "id: compile").replace("[test, build]", "[test, compile]"));
    expect(result.changes.map((c) => chain.slice(c.start, c.end))).toEqual(["build", "build"]);
  });

  it("renameStage keeps the id's quote style, and quotes an id that would read as a boolean", () => {
    const quoted = chain.replace("id: build", "id: 'build'").replace("[test, build]", '[test, "build"]');
    expect(applied(quoted, { op: "renameStage", stageId: "build", newId: "compile" })).toBe(
      quoted.replace("'build'", "'compile'").replace('"build"', '"compile"'),
    );
    expect(applied(chain, { op: "renameStage", stageId: "test", newId: "true" })).toBe(
      chain.replace("id: test", 'id: "true"').replace("[test, build]", '["true", build]'),
    );
  });

  it("removeStage drops it from other needs; a stage with omitted needs then follows the stage before", () => {
    expect(applied(chain, { op: "removeStage", stageId: "test" })).toBe(
      doc(
        ...HEAD,
        "stages:",
        "  - id: build",
        "    steps: [{id: b, type: wait, duration: 1s}]",
        "  - id: deploy",
        "    needs: [build]",
        "    steps: [{id: d, type: wait, duration: 1s}]",
      ),
    );
  });

  it("removeStage leaves `needs: []` when it was the only need (the stage then starts at once)", () => {
    const text = applied(chain, { op: "setNeeds", stageId: "deploy", needs: ["test"] });
    expect(applied(text, { op: "removeStage", stageId: "test" })).toContain("  - id: deploy\n    needs: []\n");
  });

  it("addStage inserts at the index with the stage's keys in schema order", () => {
    expect(
      applied(chain, { op: "addStage", index: 1, stage: { steps: [wait("l")], needs: [], id: "lint" } }),
    ).toContain("    steps: [{id: b, type: wait, duration: 1s}]\n  - id: lint\n    needs: []\n    steps:\n      - id: l\n");
  });

  it("refuses to remove the only stage", () => {
    const one = doc(...HEAD, "stages:", "  - id: a", "    steps: [{id: a1, type: wait, duration: 1s}]");
    expect(refused(one, { op: "removeStage", stageId: "a" })).toMatch(/at least one stage/);
  });
});

describe("needs", () => {
  const serial = doc(
    ...HEAD,
    "stages:",
    "  - id: build",
    "    steps: [{id: b, type: wait, duration: 1s}]",
    "  - id: test",
    "    name: Test",
    "    steps: [{id: t, type: wait, duration: 1s}]",
    "  - id: deploy",
    "    steps: [{id: d, type: wait, duration: 1s}]",
  );

  it("connect materialises the implicit need, so the previous stage stays connected", () => {
    expect(applied(serial, { op: "connect", from: "build", to: "deploy" })).toBe(
      serial.replace("  - id: deploy\n", "  - id: deploy\n    needs: [test, build]\n"),
    );
  });

  it("connect adds to a block needs list in its style", () => {
    const block = serial.replace("  - id: deploy\n", "  - id: deploy\n    needs:\n      - build # first\n");
    const result = applied(block, { op: "connect", from: "test", to: "deploy" });
    expect(result).toContain("    needs:\n      - build # first\n      - test\n");
  });

  it("writes a new needs list in the style of the document's other needs", () => {
    const block = `${serial.replace("  - id: deploy\n", "  - id: deploy\n    needs:\n      - build\n")}  - id: docs\n    steps: [{id: o, type: wait, duration: 1s}]\n`;
    expect(applied(block, { op: "connect", from: "build", to: "docs" })).toContain(
      "  - id: docs\n    needs:\n      - deploy\n      - build\n    steps:",
    );
  });

  it("connect refuses a cycle and says which", () => {
    expect(refused(serial, { op: "connect", from: "deploy", to: "build" })).toBe(
      "would create a cycle deploy → build → test → deploy",
    );
    expect(refused(serial, { op: "connect", from: "test", to: "build" })).toBe("would create a cycle test → build → test");
  });

  it("disconnect of an implicit need writes `needs: []`", () => {
    expect(applied(serial, { op: "disconnect", from: "build", to: "test" })).toBe(
      serial.replace("    name: Test\n", "    name: Test\n    needs: []\n"),
    );
  });

  it("setNeeds null removes the key and its comment; a list keeps the entries that stay", () => {
    const text = serial.replace("  - id: deploy\n", "  - id: deploy\n    # why\n    needs: [build, test] # both\n");
    expect(applied(text, { op: "setNeeds", stageId: "deploy", needs: null })).toBe(serial);
    const result = applyEdit(text, { op: "setNeeds", stageId: "deploy", needs: ["test"] }) as EditResult & { ok: true };
    expect(result.text).toContain("    needs: [test] # both\n");
    expect(result.changes).toEqual([{ start: text.indexOf("[build, ") + 1, end: text.indexOf("[build, ") + 8, text: "" }]);
  });

  it("wouldCreateCycle answers for the graph view", () => {
    const spec = parseOk(serial);
    expect(wouldCreateCycle(spec, "deploy", "build")).toBe(true);
    expect(wouldCreateCycle(spec, "build", "deploy")).toBe(false);
    expect(wouldCreateCycle(spec, "test", "test")).toBe(true);
  });
});

describe("setField", () => {
  it("replaces only a scalar's bytes and keeps its inline comment", () => {
    const text = TWO_STAGES.replace("script: make\n", "script: make # the build\n");
    const result = applyEdit(text, { op: "setField", path: ["stages", 0, "steps", 0, "script"], value: "make all" }) as EditResult & { ok: true };
    expect(result.text).toBe(text.replace("script: make #", "script: make all #"));
    expect(result.changes).toEqual([{ start: text.indexOf("make #") + 4, end: text.indexOf("make #") + 4, text: " all" }]);
  });

  it("turns a multi-line string into a literal block, keeping the comment on the key line", () => {
    const text = TWO_STAGES.replace("script: make\n", "script: make # the build\n");
    expect(applied(text, { op: "setField", path: ["stages", 0, "steps", 0, "script"], value: "make\nmake test\n" })).toBe(
      text.replace("script: make # the build\n", "script: | # the build\n          make\n          make test\n"),
    );
  });

  it("rewrites a block scalar in place with its header comment and indentation", () => {
    const text = TWO_STAGES.replace("script: make\n", "script: |-  # keep me\n            make\n");
    expect(applied(text, { op: "setField", path: ["stages", 0, "steps", 0, "script"], value: "make\nmake test\n" })).toBe(
      TWO_STAGES.replace("script: make\n", "script: |  # keep me\n            make\n            make test\n"),
    );
  });

  it("adds a missing key in schema order and deletes a key with its attached comment", () => {
    const added = applied(TWO_STAGES, { op: "setField", path: ["stages", 0, "steps", 0, "timeout"], value: "10m" });
    expect(added).toContain("        script: make\n        timeout: 10m\n");
    const named = applied(TWO_STAGES, { op: "setField", path: ["stages", 0, "steps", 0, "name"], value: "Compile: all" });
    expect(named).toContain('      - id: compile\n        name: "Compile: all"\n');
    const commented = TWO_STAGES.replace("        script: make\n", "        # how long\n        timeout: 5m\n        script: make\n");
    expect(applied(commented, { op: "setField", path: ["stages", 0, "steps", 0, "timeout"], value: undefined })).toBe(
      TWO_STAGES,
    );
  });

  it("creates missing parents and merges maps key by key", () => {
    const result = applied(TWO_STAGES, {
      op: "setField",
      path: ["stages", 0, "steps", 0, "onFailure"],
      value: { action: "retry", retries: 2 },
    });
    expect(result).toContain("        script: make\n        onFailure:\n          action: retry\n          retries: 2\n");
    const merged = applied(result, { op: "setField", path: ["stages", 0, "steps", 0, "onFailure"], value: { action: "retry", retries: 3 } });
    expect(merged).toBe(result.replace("retries: 2", "retries: 3"));
  });
});

describe("parallel groups", () => {
  const text = doc(
    ...HEAD,
    "stages:",
    "  - id: test",
    "    steps:",
    "      # unit first",
    "      - id: unit",
    "        type: shell",
    "        script: npm test",
    "      - id: e2e",
    "        type: shell",
    "        script: npm run e2e",
    "      - id: report",
    "        type: wait",
    "        duration: 1s",
  );

  const grouped = doc(
    ...HEAD,
    "stages:",
    "  - id: test",
    "    steps:",
    "      - id: suites",
    "        type: parallel",
    "        steps:",
    "          # unit first",
    "          - id: unit",
    "            type: shell",
    "            script: npm test",
    "          - id: e2e",
    "            type: shell",
    "            script: npm run e2e",
    "      - id: report",
    "        type: wait",
    "        duration: 1s",
  );

  it("groups adjacent steps, moving them with their comments", () => {
    expect(applied(text, { op: "groupParallel", stepIds: ["e2e", "unit"], groupId: "suites" })).toBe(grouped);
  });

  it("ungroups back to the same text", () => {
    expect(applied(grouped, { op: "ungroupParallel", groupId: "suites" })).toBe(text);
  });

  it("refuses steps that are not adjacent", () => {
    expect(refused(text, { op: "groupParallel", stepIds: ["unit", "report"], groupId: "g" })).toMatch(/adjacent/);
  });
});

describe("anchors and aliases", () => {
  const shared = doc(
    ...HEAD,
    "stages:",
    "  - id: build",
    "    steps:",
    "      - id: a",
    "        type: shell",
    "        env: &common-env",
    "          LEVEL: info",
    "        script: make a",
    "      - id: b",
    "        type: shell",
    "        env: *common-env",
    "        script: make b",
  );

  it("refuses to edit inside an alias, naming the anchor", () => {
    expect(refused(shared, { op: "setField", path: ["stages", 0, "steps", 1, "env", "LEVEL"], value: "debug" })).toBe(
      '"stages[0].steps[1].env" is the alias *common-env, a copy of the value anchored as &common-env (line 9); edit the anchor, or set the whole value to replace the alias',
    );
  });

  it("edits the anchor's definition in place (every alias sees the change)", () => {
    const result = applied(shared, { op: "setField", path: ["stages", 0, "steps", 0, "env", "LEVEL"], value: "debug" });
    expect(result).toBe(shared.replace("LEVEL: info", "LEVEL: debug"));
    expect(parseOk(result).stages[0]?.steps[1]).toMatchObject({ env: { LEVEL: "debug" } });
  });

  it("replaces an alias by a value of its own", () => {
    expect(applied(shared, { op: "setField", path: ["stages", 0, "steps", 1, "env"], value: { LEVEL: "warn" } })).toBe(
      shared.replace("env: *common-env", "env:\n          LEVEL: warn"),
    );
  });

  it("refuses to remove a node whose anchor an alias still uses", () => {
    expect(refused(shared, { op: "removeStep", stepId: "a" })).toMatch(
      /would break the alias \*common-env \(line 14\): its anchor &common-env would be removed/,
    );
  });
});

describe("applyEdits, locateNode, nodeAtOffset", () => {
  it("applies edits in sequence and reports changes against the original text", () => {
    const result = applyEdits(TWO_STAGES, [
      { op: "renameStep", stepId: "compile", newId: "build-all" },
      { op: "setField", path: ["stages", 1, "steps", 0, "script"], value: "./ship.sh --prod" },
    ]);
    if (!result.ok) throw new Error(result.error);
    let rebuilt = "";
    let at = 0;
    for (const change of result.changes) {
      rebuilt += TWO_STAGES.slice(at, change.start) + change.text;
      at = change.end;
    }
    expect(rebuilt + TWO_STAGES.slice(at)).toBe(result.text);
    expect(result.changes.map((c) => c.text)).toEqual(["build-all", " --prod"]);
  });

  it("fails as a whole when one edit fails", () => {
    const result = applyEdits(TWO_STAGES, [
      { op: "renameStep", stepId: "compile", newId: "build-all" },
      { op: "removeStep", stepId: "nope" },
    ]);
    expect(result).toEqual({ ok: false, error: 'edit 2 (removeStep): there is no step "nope"' });
  });

  it("refuses to edit a document with a YAML syntax error", () => {
    expect(refused(`${TWO_STAGES}  - [unclosed\n`, { op: "removeStep", stepId: "compile" })).toMatch(/syntax error/);
  });

  it("locates a step from its `-` to its last character, and finds it back from an offset", () => {
    const range = locateNode(TWO_STAGES, { stepId: "ship" });
    expect(range && TWO_STAGES.slice(range.start, range.end)).toBe("- id: ship\n        type: shell\n        script: ./ship.sh");
    expect(nodeAtOffset(TWO_STAGES, TWO_STAGES.indexOf("./ship.sh"))).toEqual({ stageId: "deploy", stepId: "ship" });
    expect(nodeAtOffset(TWO_STAGES, TWO_STAGES.indexOf("  - id: deploy"))).toEqual({ stageId: "deploy" });
    expect(nodeAtOffset(TWO_STAGES, 0)).toBeNull();
    expect(locateNode(TWO_STAGES, { stageId: "nope" })).toBeNull();
  });
});

describe("incremental parsing of results", () => {
  const stages = Array.from({ length: 12 }, (_, s) => [
    `  # stage ${s}`,
    `  - id: s${s}`,
    ...(s % 4 === 3 ? [`    needs: [s${s - 1}, s${s - 3}]`] : []),
    "    steps:",
    `      - id: s${s}-a`,
    "        type: shell",
    "        script: |",
    `          echo ${s}`,
    `      - { id: s${s}-b, type: wait, duration: 1s }`,
  ]).flat();
  const big = doc(...HEAD, "stages:", ...stages);

  it("assembles the same document a full parse gives, edit after edit", () => {
    const edits: Edit[] = [
      { op: "addStep", stageId: "s0", index: 0, step: wait("first") },
      { op: "addStage", index: 0, stage: { id: "zero", steps: [wait("z")] } },
      { op: "removeStage", stageId: "s11" },
      { op: "renameStage", stageId: "s2", newId: "two" },
      { op: "moveStep", stepId: "s5-a", toStageId: "s9", index: 1 },
      { op: "groupParallel", stepIds: ["s7-a", "s7-b"], groupId: "g7" },
      { op: "connect", from: "s1", to: "s6" },
      { op: "removeStage", stageId: "zero" },
    ];
    let text = big;
    for (const edit of edits) {
      text = applied(text, edit);
      const parsed = parseText(text);
      expect(parsed.incremental, edit.op).toBe(true);
      expect(compareWithFullParse(parsed), edit.op).toBeUndefined();
    }
  });

  it("parses in full when the edit is outside the stage list", () => {
    const text = applied(big, { op: "setField", path: ["name"], value: "Renamed" });
    expect(parseText(text).incremental).toBeFalsy();
  });
});
