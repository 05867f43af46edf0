/**
 * Sign-in: Better Auth with database sessions (no cookie cache, so disabling a user or changing a role takes
 * effect on the next request). Ways in:
 *   - single sign-on by OIDC (generic, issuer discovery: Okta, Entra ID, Google, Keycloak…) when OIDC_* is set;
 *     the IdP's groups claim is stored on the user at each sign-in and mapped to roles by rules (server/auth/
 *     principal.ts), and its `amr` claim says whether the IdP did MFA;
 *   - single sign-on by SAML 2.0 (Better Auth's SSO plugin, one IdP from SAML_*) when SAML_* is set: the groups
 *     attribute of the verified assertion is stored on the user the same way (server/auth/saml.ts);
 *   - email + password (the bootstrap admin, invited local users), with optional TOTP two-factor.
 * Public sign-up is off. Passwords are hashed with scrypt (Better Auth's memory-hard default).
 * Every sign-in is audited. Authorization does not live here: see server/rbac.ts.
 * @see https://www.better-auth.com/docs/concepts/session-management
 */
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { genericOAuth, twoFactor } from "better-auth/plugins";
import { db } from "../db";
import { env, oidcConfigured } from "../env";
import { recordAuditNow } from "../audit/record-audit";
import { ssoClaims } from "./sso-claims";
import { SAML_ACS_PATH, SAML_DISABLED_PATHS, samlClaimsOfThisRequest, samlConfigured, samlEnv, samlPlugin } from "./saml";

export const OIDC_PROVIDER_ID = "oidc";

function createAuth() {
  const e = env();
  const plugins = [];
  if (oidcConfigured(e)) {
    plugins.push(
      genericOAuth({
        config: [
          {
            providerId: OIDC_PROVIDER_ID,
            name: e.OIDC_DISPLAY_NAME,
            discoveryUrl: `${e.OIDC_ISSUER!.replace(/\/$/, "")}/.well-known/openid-configuration`,
            clientId: e.OIDC_CLIENT_ID!,
            clientSecret: e.OIDC_CLIENT_SECRET!,
            scopes: e.OIDC_SCOPES.split(/[\s,]+/).filter(Boolean),
            pkce: true,
            overrideUserInfo: true,
          },
        ],
      }),
    );
  }
  const saml = samlEnv();
  if (samlConfigured(saml)) plugins.push(samlPlugin(saml));
  plugins.push(twoFactor({ issuer: "Slipway" }));
  plugins.push(nextCookies());
  return betterAuth({
    appName: "Slipway",
    baseURL: e.SLIPWAY_URL,
    basePath: "/api/auth",
    secret: e.BETTER_AUTH_SECRET,
    trustedOrigins: [e.SLIPWAY_URL],
    disabledPaths: samlConfigured(saml) ? SAML_DISABLED_PATHS : [],
    database: prismaAdapter(db(), { provider: "postgresql", transaction: true }),
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 12 },
    // An invited user (created by an Admin) signs in through SSO with the same email: link, do not duplicate.
    account: { accountLinking: { enabled: true, trustedProviders: [OIDC_PROVIDER_ID] } },
    session: {
      expiresIn: 60 * 60 * 24 * 7,
      updateAge: 60 * 60 * 24,
      additionalFields: { mfa: { type: "boolean", required: false, defaultValue: false, input: false } },
    },
    user: {
      additionalFields: {
        orgRole: { type: "string", required: false, input: false },
        disabled: { type: "boolean", required: false, defaultValue: false, input: false },
      },
    },
    databaseHooks: {
      session: {
        create: {
          async before(session, ctx) {
            const user = await db().user.findUnique({ where: { id: session.userId }, select: { disabled: true } });
            // A disabled user must not get a new session, whatever the sign-in method.
            if (user?.disabled) return false;
            const path = ctx?.path ?? "";
            let mfa = path.startsWith("/two-factor/");
            if (path.startsWith(SAML_ACS_PATH)) {
              // The groups are stored once the sign-in commits (the user may be new, still inside its transaction).
              mfa = (await samlClaimsOfThisRequest())?.mfa ?? false;
            } else if (path.startsWith("/callback/") || path.startsWith("/oauth2/callback/")) {
              const claims = await ssoClaims(session.userId, OIDC_PROVIDER_ID, e.OIDC_GROUPS_CLAIM);
              if (claims) {
                mfa = claims.mfa;
                await db().user.update({ where: { id: session.userId }, data: { ssoGroups: claims.groups } });
              }
            }
            return { data: { ...session, mfa } };
          },
          async after(session, ctx) {
            const s = session as typeof session & { mfa?: boolean };
            if ((ctx?.path ?? "").startsWith(SAML_ACS_PATH)) {
              // Runs after the SAML sign-in's transaction committed, before the browser gets its session cookie.
              const claims = await samlClaimsOfThisRequest();
              if (claims) await db().user.update({ where: { id: s.userId }, data: { ssoGroups: claims.groups } });
            }
            const user = await db().user.findUnique({ where: { id: s.userId }, select: { email: true, ssoGroups: true } });
            await recordAuditNow(db(), {
              actor: { type: "user", id: s.userId, label: user?.email ?? s.userId },
              action: "auth.signIn",
              target: { type: "session", id: s.id },
              summary: { method: ctx?.path ?? "unknown", mfa: Boolean(s.mfa), groups: user?.ssoGroups ?? [] },
              request: { ip: s.ipAddress ?? null, userAgent: s.userAgent ?? null },
            });
          },
        },
      },
    },
    plugins,
    telemetry: { enabled: false },
  });
}

export type Auth = ReturnType<typeof createAuth>;

const g = globalThis as unknown as { __slipwayAuth?: Auth };

/** One Better Auth instance per process (route handlers and pages are separate module instances in Next). */
export function auth(): Auth {
  g.__slipwayAuth ??= createAuth();
  return g.__slipwayAuth;
}
