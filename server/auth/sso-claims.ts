/**
 * What the identity provider said about a user at their latest SSO sign-in, read from the ID token Better Auth
 * just stored on the account (already verified by Better Auth): the groups claim (for role mappings) and `amr`
 * (did the IdP do multi-factor authentication? — used by the "production needs MFA" rule).
 */
import { db } from "../db";

const MFA_METHODS = new Set(["mfa", "otp", "totp", "hwk", "swk", "sms", "fido", "u2f", "webauthn", "phr", "phrh"]);

export async function ssoClaims(userId: string, providerId: string, groupsClaim: string): Promise<{ groups: string[]; mfa: boolean } | null> {
  const account = await db().account.findFirst({ where: { userId, providerId }, orderBy: { updatedAt: "desc" }, select: { idToken: true } });
  const payload = account?.idToken?.split(".")[1];
  if (!payload) return null;
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  const raw = claims[groupsClaim];
  const groups = Array.isArray(raw) ? raw.map(String) : typeof raw === "string" ? raw.split(/[\s,]+/).filter(Boolean) : [];
  const amr = Array.isArray(claims.amr) ? claims.amr.map((x) => String(x).toLowerCase()) : [];
  return { groups: [...new Set(groups)].sort(), mfa: amr.some((m) => MFA_METHODS.has(m)) };
}
