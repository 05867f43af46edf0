/**
 * Readers for decoded request parameters. awsJson gives typed JSON while awsQuery gives strings ("60", "true",
 * ISO dates), so handlers read through these to stay protocol-neutral.
 */
import { AwsError } from "./errors.js";

export type Params = Record<string, unknown>;

export function str(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  return String(value);
}

export function num(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function bool(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "boolean") return value;
  return String(value).toLowerCase() === "true";
}

export function list(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === undefined || value === null || value === "") return [];
  return [value];
}

export function obj(value: unknown): Params {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Params) : {};
}

export function strList(value: unknown): string[] {
  return list(value).map((v) => String(v));
}

/** Timestamps arrive as epoch seconds (JSON), ISO 8601 (query) or numeric strings. Returns epoch ms. */
export function time(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number") return value * 1000;
  const s = String(value);
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

/** AWS validation wording for a missing required member. */
export function required<T>(value: T | undefined, name: string, code = "InvalidParameterException"): T {
  if (value === undefined) throw new AwsError(code, `${name} can not be blank.`);
  return value;
}
