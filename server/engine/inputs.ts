/**
 * Execution inputs: the value of every pipeline variable for one run. Given values are checked against the
 * declared variables (unknown names, missing required values, types); secret values are sealed before storage.
 */
import type { PipelineSpec } from "@slipway/pipeline-spec";
import { AppError } from "../errors";
import { seal, unseal } from "../secrets/crypto";

export type StoredInputs = { values: Record<string, string | number | boolean>; sealed: Record<string, string> };

export function prepareInputs(spec: PipelineSpec, given: Record<string, string>, executionRef: string): StoredInputs {
  const declared = new Map((spec.variables ?? []).map((v) => [v.name, v]));
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) throw new AppError("INVALID_INPUT", `The pipeline has no variable "${name}"`, { field: `variables.${name}` });
  }
  const out: StoredInputs = { values: {}, sealed: {} };
  for (const v of declared.values()) {
    const raw = Object.hasOwn(given, v.name) ? given[v.name]! : v.default;
    const field = `variables.${v.name}`;
    if (raw === undefined || raw === "<+input>" || raw === "") {
      if (v.required || v.default === "<+input>") throw new AppError("INVALID_INPUT", `Variable "${v.name}" needs a value to start`, { field });
      if (raw === undefined) continue;
    }
    if (v.type === "secret") {
      out.sealed[v.name] = seal(String(raw), `input:${executionRef}:${v.name}`).toString("base64");
      continue;
    }
    out.values[v.name] = coerce(v.type, raw!, field);
  }
  return out;
}

function coerce(type: "string" | "number" | "boolean", raw: string | number | boolean, field: string): string | number | boolean {
  if (type === "number") {
    const n = typeof raw === "number" ? raw : Number(String(raw).trim());
    if (!Number.isFinite(n) || String(raw).trim() === "") throw new AppError("INVALID_INPUT", `${field} must be a number, got "${raw}"`, { field });
    return n;
  }
  if (type === "boolean") {
    if (typeof raw === "boolean") return raw;
    if (/^(true|false)$/i.test(String(raw))) return String(raw).toLowerCase() === "true";
    throw new AppError("INVALID_INPUT", `${field} must be true or false, got "${raw}"`, { field });
  }
  return String(raw);
}

export function parseStoredInputs(json: unknown): StoredInputs {
  const v = (json ?? {}) as Partial<StoredInputs>;
  return { values: v.values ?? {}, sealed: v.sealed ?? {} };
}

/** Secret variable values in clear, for the claim that hands a task to a delegate. */
export function unsealInputs(inputs: StoredInputs, executionRef: string): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs.sealed).map(([name, b64]) => [name, unseal(Buffer.from(b64, "base64"), `input:${executionRef}:${name}`)]));
}

/** The values shown to users: secrets masked. */
export function displayInputs(inputs: StoredInputs): Record<string, string | number | boolean> {
  return { ...inputs.values, ...Object.fromEntries(Object.keys(inputs.sealed).map((k) => [k, "••••••"])) };
}
