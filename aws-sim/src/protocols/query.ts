/**
 * awsQuery wire format (ELBv2, and CloudWatch's older protocol): form-encoded requests with `Action`/`Version` and
 * dotted member paths (`DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight=10`), XML responses in
 * a `<XxxResponse><XxxResult>` envelope, errors in `<ErrorResponse><Error><Type/><Code/><Message/>`.
 */
import type { AwsError } from "../errors.js";
import type { WireResponse } from "./json.js";

export interface QueryRequest {
  action: string;
  version: string | undefined;
  params: Record<string, unknown>;
}

export function decodeForm(body: string): QueryRequest {
  const form = new URLSearchParams(body);
  const root: Record<string, unknown> = {};
  let action = "";
  let version: string | undefined;
  for (const [key, value] of form) {
    if (key === "Action") action = value;
    else if (key === "Version") version = value;
    else setPath(root, key.split("."), value);
  }
  return { action, version, params: listify(root) as Record<string, unknown> };
}

function setPath(target: Record<string, unknown>, path: string[], value: string): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = node[key];
    if (next === undefined || typeof next !== "object") node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Turns `{ member: { "1": a, "2": b } }` (and flattened `{ "1": a }`) into arrays, and `entry` maps into objects. */
function listify(node: unknown): unknown {
  if (node === null || typeof node !== "object") return node;
  const record = node as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && (keys[0] === "member" || keys[0] === "entry")) {
    const inner = record[keys[0]] as Record<string, unknown>;
    const items = Object.keys(inner)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => listify(inner[k]));
    if (keys[0] === "member") return items;
    const map: Record<string, unknown> = {};
    for (const item of items as Record<string, unknown>[]) map[String(item.key)] = item.value;
    return map;
  }
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => listify(record[k]));
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = listify(record[k]);
  return out;
}

export function xmlOk(action: string, result: unknown, xmlns: string, requestId: string): WireResponse {
  const inner = result === undefined ? "" : `<${action}Result>${toXml(result)}</${action}Result>`;
  const body =
    `<${action}Response xmlns="${xmlns}">${inner}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body };
}

export function xmlError(err: AwsError, xmlns: string, requestId: string): WireResponse {
  const body =
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${err.fault}</Type><Code>${escape(err.code)}</Code>` +
    `<Message>${escape(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: err.status, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body };
}

/**
 * Serialises a result object: arrays become `<member>` lists, plain objects nest, Dates become ISO 8601.
 * Objects marked with `XML_MAP` become `<entry><key/><value/></entry>` maps (CloudWatch ExtendedStatistics).
 */
export const XML_MAP = Symbol("xml-map");

function toXml(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join("");
  if (typeof value === "object") {
    const record = value as Record<string | symbol, unknown>;
    if (record[XML_MAP]) {
      return Object.entries(record)
        .map(([k, v]) => `<entry><key>${escape(k)}</key><value>${toXml(v)}</value></entry>`)
        .join("");
    }
    return Object.entries(record)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join("");
  }
  return escape(String(value));
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
