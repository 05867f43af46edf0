import { parsePipelineYaml, STEP_TYPES, type Problem } from "@slipway/pipeline-spec";
import { describe, expect, it } from "vitest";
import { fromText, toText } from "./field-values";
import { claimProblems } from "./problems";
import { fieldsOf, labelOf, stageFields, stepFields, toJsonSchema, type FieldSpec } from "./schema-fields";
import { z } from "zod";

const byKey = (fields: FieldSpec[], key: string) => fields.find((f) => f.key === key)!;

describe("schema → form fields", () => {
  it("walks every step type's schema without leaving the id or type in the form", () => {
    for (const type of STEP_TYPES) {
      const fields = stepFields(type);
      expect(fields.length, type).toBeGreaterThan(0);
      expect(fields.map((f) => f.key)).not.toContain("id");
      expect(fields.map((f) => f.key)).not.toContain("type");
      // The common tail is there for every type, in the schema's order.
      expect(fields.map((f) => f.key).slice(-5)).toEqual(["description", "timeout", "selectors", "when", "onFailure"]);
    }
  });

  it("recognises each kind of field", () => {
    const shell = stepFields("shell");
    expect(byKey(shell, "script")).toMatchObject({ kind: "text", multiline: true, required: true, label: "Script" });
    expect(byKey(shell, "script").description).toMatch(/The script to run/);
    expect(byKey(shell, "shell")).toMatchObject({ kind: "enum", options: ["bash", "sh"], required: false, defaultValue: "bash" });
    expect(byKey(shell, "env")).toMatchObject({ kind: "map", required: false });
    expect(byKey(shell, "workingDir")).toMatchObject({ kind: "text", multiline: false });
    expect(byKey(shell, "timeout")).toMatchObject({ kind: "duration", required: false });
    expect(byKey(shell, "selectors")).toMatchObject({ kind: "list" });
    expect(byKey(shell, "selectors")).not.toHaveProperty("options");

    const http = stepFields("http");
    expect(byKey(http, "retries")).toMatchObject({ kind: "number", integer: true, min: 0, max: 100, defaultValue: 0 });
    expect(byKey(http, "expect")).toMatchObject({ kind: "object" });
    const expectFields = (byKey(http, "expect") as Extract<FieldSpec, { kind: "object" }>).fields;
    expect(byKey(expectFields, "status")).toMatchObject({ kind: "scalar", accepts: ["integer", "array"] });

    expect(byKey(stepFields("ecsScaleDown"), "delete")).toMatchObject({ kind: "boolean", defaultValue: false });
    expect(byKey(stepFields("ecsDeploy"), "mode")).toMatchObject({ kind: "enum", required: true });
    expect(byKey(stepFields("ecsDeploy"), "desiredCount")).toMatchObject({ kind: "scalar", accepts: ["integer", "string"] });

    const approvers = byKey(stepFields("approval"), "approvers") as Extract<FieldSpec, { kind: "object" }>;
    expect(approvers.required).toBe(true);
    expect(byKey(approvers.fields, "roles")).toMatchObject({ kind: "list", options: ["Admin", "PipelineAdmin", "PipelineExecutor", "Viewer"] });

    expect(byKey(stepFields("sshDeploy"), "phases")).toMatchObject({ kind: "list", options: expect.arrayContaining(["lbRemove", "healthCheck"]) });
  });

  it("turns discriminated unions into a kind selector with one set of fields per variant", () => {
    const onFailure = byKey(stepFields("shell"), "onFailure") as Extract<FieldSpec, { kind: "union" }>;
    expect(onFailure).toMatchObject({ kind: "union", discriminator: "action", required: false });
    expect(onFailure.variants.map((v) => v.value)).toEqual(["fail", "ignore", "abort", "rollback", "retry", "manualIntervention"]);
    const retry = onFailure.variants.find((v) => v.value === "retry")!;
    expect(retry.fields.map((f) => f.key)).toEqual(["retries", "backoff", "maxBackoff", "then"]);
    expect(byKey(retry.fields, "retries")).toMatchObject({ kind: "number", required: true, min: 1, max: 20 });

    const control = byKey(stepFields("sshDeploy"), "serviceControl") as Extract<FieldSpec, { kind: "union" }>;
    expect(control).toMatchObject({ discriminator: "kind", required: true });
    expect(control.variants.map((v) => v.value)).toEqual(["systemd", "supervisor", "script"]);

    const source = byKey(stepFields("verify"), "source") as Extract<FieldSpec, { kind: "union" }>;
    const cloudwatch = source.variants.find((v) => v.value === "cloudwatch")!;
    expect(byKey(cloudwatch.fields, "queries")).toMatchObject({ kind: "unsupported" });
    expect(byKey(cloudwatch.fields, "errorRate")).toMatchObject({ kind: "object" });
    const action = byKey(stepFields("loadBalancer"), "action") as Extract<FieldSpec, { kind: "union" }>;
    const setState = action.variants.find((v) => v.value === "setServerState")!;
    expect(byKey(setState.fields, "servers")).toMatchObject({ kind: "list", required: true });
    expect(byKey(setState.fields, "state")).toMatchObject({ kind: "enum", options: ["ready", "drain", "maint"] });
  });

  it("gives a stage its settings but not its steps", () => {
    const keys = stageFields().map((f) => f.key);
    expect(keys).toEqual(["name", "description", "needs", "environment", "service", "infrastructure", "selectors", "when", "onFailure"]);
  });

  it("handles unions of several scalar types and labels keys for people", () => {
    const fields = fieldsOf(toJsonSchema(z.object({ v: z.union([z.string(), z.number(), z.boolean()]).optional() })));
    expect(fields[0]).toMatchObject({ kind: "scalar", required: false });
    expect(labelOf("maxRetryInterval")).toBe("Max retry interval");
    expect(labelOf("latencyP95")).toBe("Latency p95");
  });
});

describe("input text ↔ written value", () => {
  const field = (key: string, type = "shell" as const) => byKey(stepFields(type), key);
  it("removes the key when the input is emptied", () => {
    expect(fromText(field("timeout"), "  ")).toBeUndefined();
    expect(fromText(field("script"), "")).toBeUndefined();
    expect(fromText(field("selectors"), "")).toBeUndefined();
  });
  it("keeps a script's spacing and trims one-line values", () => {
    expect(fromText(field("script"), "echo a\n  echo b\n")).toBe("echo a\n  echo b\n");
    expect(fromText(field("timeout"), " 5m ")).toBe("5m");
  });
  it("converts numbers, lists and mixed scalars", () => {
    expect(fromText(byKey(stepFields("http"), "retries"), "3")).toBe(3);
    expect(fromText(byKey(stepFields("http"), "retries"), "three")).toBe("three"); // the parser will say why
    expect(fromText(field("selectors"), "linux, eu")).toEqual(["linux", "eu"]);
    const desired = byKey(stepFields("ecsDeploy"), "desiredCount");
    expect(fromText(desired, "20%")).toBe("20%");
    expect(fromText(desired, "4")).toBe(4);
    const status = byKey((byKey(stepFields("http"), "expect") as Extract<FieldSpec, { kind: "object" }>).fields, "status");
    expect(fromText(status, "200, 204")).toEqual([200, 204]);
    expect(toText(status, [200, 204])).toBe("200, 204");
  });
});

describe("problems under their fields", () => {
  const doc = `apiVersion: slipway/v1
kind: Pipeline
name: P
stages:
  - id: a
    steps:
      - id: s
        type: shell
        script: echo
        timeout: soon
        onFailure: { action: retry, retries: 99 }
        extra: 1
`;
  it("gives each field exactly the parser's messages for its path, and keeps the rest", () => {
    const result = parsePipelineYaml(doc);
    expect(result.ok).toBe(false);
    const problems = result.problems as Problem[];
    const base = ["stages", 0, "steps", 0];
    const value = { id: "s", type: "shell", script: "echo", timeout: "soon", onFailure: { action: "retry", retries: 99 }, extra: 1 };
    const claimed = claimProblems(stepFields("shell"), base, value, problems);
    const at = (...path: (string | number)[]) => claimed.byField.get([...base, ...path].join("\u0000"))?.map((p) => p.message) ?? [];
    const timeout = problems.find((p) => p.path.join() === [...base, "timeout"].join())!;
    expect(at("timeout")).toEqual([timeout.message]);
    expect(at("onFailure", "retries")).toHaveLength(1);
    expect(claimed.unclaimed.map((p) => p.path.at(-1))).toEqual(["extra"]);
  });
});
