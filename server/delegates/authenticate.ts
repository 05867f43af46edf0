/**
 * Every delegate endpoint starts here: a bearer delegate token (never a user session — and user sessions never
 * reach these routes), and for calls after registration the instance id in X-Slipway-Delegate, which must belong
 * to that token. Revoked tokens are refused with `revoked`, which a delegate treats as "exit, do not retry".
 */
import { DELEGATE_INSTANCE_HEADER } from "@slipway/pipeline-spec/protocol";
import type { Tx } from "../db";
import { DelegateProtocolError } from "./protocol-error";
import { hashToken } from "./tokens";

export type DelegateCaller = { tokenId: string; tokenName: string; delegate: { id: string; name: string; tags: string[]; maxTasks: number } | null };

export async function authenticateDelegate(db: Tx, headers: Headers, opts: { instance: "required" | "none" }): Promise<DelegateCaller> {
  const auth = headers.get("authorization") ?? "";
  const token = auth.startsWith("Bearer ") ? auth.slice(7).trim() : "";
  if (!token) throw new DelegateProtocolError("unauthorized", "missing delegate token (Authorization: Bearer …)");
  const id = opts.instance === "none" ? null : headers.get(DELEGATE_INSTANCE_HEADER);
  // The token and (when named) its instance in one round trip: every delegate call starts here.
  const [row] = await db.$queryRaw<{ id: string; name: string; revokedAt: Date | null; delegateId: string | null; delegateName: string | null; tags: string[] | null; maxTasks: number | null; status: string | null }[]>`
    SELECT t.id, t.name, t."revokedAt", d.id AS "delegateId", d.name AS "delegateName", d.tags, d."maxTasks", d.status::text AS status
    FROM "delegate_token" t LEFT JOIN "delegate" d ON d.id = ${id ?? ""} AND d."tokenId" = t.id
    WHERE t."tokenHash" = ${hashToken(token)}`;
  if (!row) throw new DelegateProtocolError("unauthorized", "unknown delegate token");
  if (row.revokedAt) throw new DelegateProtocolError("revoked", "this delegate token was revoked");
  if (opts.instance === "none") return { tokenId: row.id, tokenName: row.name, delegate: null };
  if (!id) throw new DelegateProtocolError("invalid", `missing ${DELEGATE_INSTANCE_HEADER}; register first`);
  if (!row.delegateId) throw new DelegateProtocolError("unknown_instance", "unknown delegate instance; register again");
  if (row.status === "STOPPED") throw new DelegateProtocolError("revoked", "this delegate was removed");
  const delegate = { id: row.delegateId, name: row.delegateName!, tags: row.tags ?? [], maxTasks: row.maxTasks! };
  return { tokenId: row.id, tokenName: row.name, delegate };
}
