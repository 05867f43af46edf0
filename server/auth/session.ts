/**
 * The principal behind a request, read from the database on every call (sessions are database rows, so a
 * disabled user, a revoked session or a changed role mapping takes effect on the next request — open streams
 * re-check every few seconds). Used by the tRPC context, route handlers and pages.
 */
import { db } from "../db";
import { auth } from "./auth";
import { API_KEY_PREFIX, apiKeyPrincipal, effectiveOrgRole, type Principal } from "./principal";

export type SessionUser = Principal;

export async function getSessionUser(headers: Headers): Promise<SessionUser | null> {
  const bearer = headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer?.startsWith(API_KEY_PREFIX)) return apiKeyPrincipal(db(), bearer);
  const session = await auth().api.getSession({ headers, query: { disableCookieCache: true } }).catch(() => null);
  if (!session) return null;
  // Role, groups and the disabled flag are authoritative in our tables, not in the session payload.
  const user = await db().user.findUnique({ where: { id: session.user.id }, select: { id: true, email: true, name: true, orgRole: true, disabled: true, ssoGroups: true } });
  if (!user || user.disabled) return null;
  const mfa = Boolean((session.session as { mfa?: boolean }).mfa);
  return {
    kind: "user",
    id: user.id,
    email: user.email,
    name: user.name,
    orgRole: await effectiveOrgRole(db(), user.orgRole, user.ssoGroups),
    ssoGroups: user.ssoGroups,
    mfa,
    sessionId: session.session.id,
    apiKey: null,
  };
}
