import { describe, expect, it } from "vitest";
import { PIPELINE_JSON_SCHEMA_ID, pipelineJsonSchema } from "./json-schema";
import { FAILURE_ACTIONS } from "./failure-strategy";
import { RESERVED_STEP_TYPES, STEP_LIST_TYPES, STEP_TYPES } from "./steps/index";

type Json = Record<string, unknown>;

/** Every sub-schema, with its JSON pointer. */
function* walk(node: unknown, pointer = "#"): Generator<[string, Json]> {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* walk(item, `${pointer}/${i}`);
  } else if (typeof node === "object" && node !== null) {
    yield [pointer, node as Json];
    for (const [key, value] of Object.entries(node)) yield* walk(value, `${pointer}/${key}`);
  }
}

const schema = pipelineJsonSchema() as Json;
const stepItems = (((schema.properties as Json).stages as Json).items as Json).properties as Json;
const stepVariants = ((stepItems.steps as Json).items as Json).oneOf as Json[];
const constOf = (variant: Json, key: string) => ((variant.properties as Json)[key] as Json).const;

describe("pipelineJsonSchema", () => {
  it("targets draft-07 and carries its $id", () => {
    expect([schema.$schema, schema.$id]).toEqual(["http://json-schema.org/draft-07/schema#", PIPELINE_JSON_SCHEMA_ID]);
  });

  it("gives every property a description (Monaco hover docs)", () => {
    const missing: string[] = [];
    for (const [pointer, node] of walk(schema)) {
      for (const [key, property] of Object.entries((node.properties as Json | undefined) ?? {})) {
        if (!(property as Json).description) missing.push(`${pointer}/properties/${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("lists every step type and the parallel group as one flat list of variants", () => {
    expect(stepVariants.map((variant) => constOf(variant, "type"))).toEqual([...STEP_TYPES, "parallel"]);
  });

  it("describes each step variant", () => {
    expect(stepVariants.every((variant) => typeof variant.description === "string")).toBe(true);
  });

  it("does not offer the reserved step types", () => {
    const offered = new Set(stepVariants.map((variant) => constOf(variant, "type")));
    expect(RESERVED_STEP_TYPES.filter((type) => offered.has(type))).toEqual([]);
  });

  it("lists every failure action", () => {
    const onFailure = ((stepItems.onFailure as Json).oneOf as Json[]).map((variant) => constOf(variant, "action"));
    expect(onFailure).toEqual(FAILURE_ACTIONS);
  });

  it("keeps objects closed (additionalProperties: false)", () => {
    const open = [...walk(schema)].filter(
      ([, node]) => node.type === "object" && node.properties && node.additionalProperties !== false,
    );
    expect(open.map(([pointer]) => pointer)).toEqual([]);
  });

  it("does not require fields that have defaults", () => {
    const shell = stepVariants.find((variant) => constOf(variant, "type") === "shell") as Json;
    expect(shell.required).toEqual(["id", "type", "script"]);
  });

  it("has no $ref that cannot be resolved", () => {
    const resolve = (ref: string) =>
      ref
        .replace(/^#\/?/, "")
        .split("/")
        .filter(Boolean)
        .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], schema);
    const broken = [...walk(schema)].flatMap(([, node]) =>
      typeof node.$ref === "string" && resolve(node.$ref) === undefined ? [node.$ref] : [],
    );
    expect(broken).toEqual([]);
  });

  it("returns a copy that callers may change", () => {
    (pipelineJsonSchema() as Json).title = "changed";
    expect((pipelineJsonSchema() as Json).title).toBe("Slipway pipeline (slipway/v1)");
  });

  it("lists the same step list types as the error messages", () => {
    expect(stepVariants.map((variant) => constOf(variant, "type"))).toEqual(STEP_LIST_TYPES);
  });
});
