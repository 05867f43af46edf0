/**
 * SAML 2.0 single sign-on through Better Auth's SSO plugin (@better-auth/sso), configured from SAML_* (samlEnv below,
 * .env.example). The studio is the service provider; the one IdP is registered at boot as the plugin's
 * "default" provider, so nothing is stored in the database and no one can register another IdP from the browser
 * (provider management endpoints are disabled, see SAML_DISABLED_PATHS).
 *
 * Flow (SP-initiated only): POST /api/auth/sign-in/sso {providerId: "saml"} → AuthnRequest by HTTP-Redirect to
 * SAML_ENTRY_POINT → the IdP POSTs a signed Response to /api/auth/sso/saml2/sp/acs/saml. The plugin requires the
 * assertion to be signed by SAML_IDP_CERT, addressed to this SP (audience, recipient), in response to a request it
 * issued (InResponseTo), unexpired and not replayed; unsolicited (IdP-initiated) responses are refused.
 *
 * Groups: the plugin hands the verified assertion's attributes to `resolveUser` before it creates the user and the
 * session. We keep the groups (and whether the IdP reports MFA) in Better Auth's per-request state, and the session
 * hooks in auth.ts store them on the user (ssoGroups), exactly as for OIDC, where role mappings pick them up.
 */
import { readFileSync } from "node:fs";
import { APIError, createAuthMiddleware } from "better-auth/api";
import type { BetterAuthPlugin } from "better-auth";
import { sso, type SSOOptions } from "@better-auth/sso";
import { defineRequestState, hasRequestState } from "@better-auth/core/context";
import { z } from "zod";
import { env as studioEnv } from "../env";

const optional = z.string().trim().transform((v) => (v === "" ? undefined : v)).optional();

/** SAML_* settings, documented in .env.example (kept here beside their only user rather than in server/env.ts). */
const SamlEnvSchema = z.object({
  SLIPWAY_URL: z.string().url().default("http://localhost:3000"),
  SAML_ENTRY_POINT: optional.describe("The IdP's single sign-on URL (HTTP-Redirect binding)"),
  SAML_IDP_ENTITY_ID: optional.describe("The IdP's entity ID (the Issuer of its responses)"),
  SAML_IDP_CERT: optional.describe("The IdP's signing certificate: PEM (newlines may be written as \\n) or its base64 body; several PEM blocks for rotation"),
  SAML_IDP_CERT_FILE: optional.describe("Path to a PEM file with the IdP's signing certificate(s), instead of SAML_IDP_CERT"),
  SAML_ISSUER: optional.describe("The studio's SP entity ID (default: its SAML metadata URL)"),
  SAML_DISPLAY_NAME: z.string().default("SAML"),
  SAML_GROUPS_ATTRIBUTE: z.string().default("groups").describe("Assertion attribute holding the user's groups"),
  SAML_EMAIL_ATTRIBUTE: z.string().default("email").describe("Assertion attribute holding the email (the NameID when absent)"),
  SAML_NAME_ATTRIBUTE: z.string().default("displayName").describe("Assertion attribute holding the display name"),
  SAML_MFA_ATTRIBUTE: z.string().default("amr").describe("Assertion attribute listing the authentication methods the IdP used"),
  SAML_EMAIL_DOMAINS: optional.describe("Comma-separated email domains whose SAML users may be linked to existing (invited) accounts"),
});
export type SamlEnv = z.infer<typeof SamlEnvSchema>;

let cached: SamlEnv | undefined;
export function samlEnv(): SamlEnv {
  if (cached) return cached;
  const parsed = SamlEnvSchema.safeParse({ ...process.env, SLIPWAY_URL: studioEnv().SLIPWAY_URL });
  if (!parsed.success) throw new Error(`Invalid SAML configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  cached = parsed.data;
  return cached;
}

/** SAML sign-in is on when the IdP's SSO URL, entity ID and signing certificate are all given. */
export function samlConfigured(e: SamlEnv = samlEnv()): boolean {
  return Boolean(e.SAML_ENTRY_POINT && e.SAML_IDP_ENTITY_ID && (e.SAML_IDP_CERT || e.SAML_IDP_CERT_FILE));
}

export const SAML_PROVIDER_ID = "saml";
/** The ACS path as Better Auth reports it to hooks (ctx.path), without the /api/auth base path. */
export const SAML_ACS_PATH = "/sso/saml2/sp/acs/";

/**
 * The SSO plugin's provider-management and OIDC endpoints: the studio's IdP comes from the environment only. Left
 * enabled, any signed-in user could register their own IdP and sign in as new users claiming any group.
 */
export const SAML_DISABLED_PATHS = [
  "/sso/register",
  "/sso/providers",
  "/sso/get-provider",
  "/sso/update-provider",
  "/sso/delete-provider",
  "/sso/request-domain-verification",
  "/sso/verify-domain",
  "/sso/callback",
  "/sso/callback/:providerId",
];

const MFA_METHODS = new Set(["mfa", "otp", "totp", "hwk", "swk", "sms", "fido", "u2f", "webauthn", "phr", "phrh"]);
const MFA_URIS = ["multipleauthn", "refeds.org/profile/mfa", "multifactor", "timesynctoken", "mobiletwofactor"];

export type SamlClaims = { groups: string[]; mfa: boolean };

const pendingClaims = defineRequestState<SamlClaims | null>(() => null);

/** The groups and MFA flag from the assertion verified during this request, if this request is a SAML sign-in. */
export async function samlClaimsOfThisRequest(): Promise<SamlClaims | null> {
  if (!(await hasRequestState())) return null;
  return pendingClaims.get();
}

function values(raw: string | readonly string[] | undefined): string[] {
  if (raw === undefined) return [];
  const list = typeof raw === "string" ? [raw] : [...raw];
  // Some IdPs send one attribute value with the groups separated by commas or spaces; most send one value each.
  return list.flatMap((v) => (list.length === 1 ? v.split(/[\s,]+/) : [v])).map((v) => v.trim()).filter(Boolean);
}

export function claimsFromAttributes(e: SamlEnv, attributes: Record<string, string | readonly string[]>): SamlClaims {
  const groups = [...new Set(values(attributes[e.SAML_GROUPS_ATTRIBUTE]))].sort();
  const methods = values(attributes[e.SAML_MFA_ATTRIBUTE]).map((m) => m.toLowerCase());
  const mfa = methods.some((m) => MFA_METHODS.has(m) || MFA_URIS.some((u) => m.includes(u)));
  return { groups, mfa };
}

/** SAML_IDP_CERT_FILE, or SAML_IDP_CERT (a PEM with real or escaped newlines, or a bare base64 body); one entry per certificate. */
export function idpCertificates(e: SamlEnv): string[] {
  const raw = e.SAML_IDP_CERT_FILE ? readFileSync(e.SAML_IDP_CERT_FILE, "utf8") : (e.SAML_IDP_CERT ?? "").replace(/\\n/g, "\n");
  const blocks = raw.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (blocks?.length) return blocks;
  const body = raw.replace(/\s+/g, "");
  if (!body) throw new Error("SAML_IDP_CERT / SAML_IDP_CERT_FILE holds no certificate");
  return [`-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----`];
}

export function samlIssuer(e: SamlEnv): string {
  return e.SAML_ISSUER ?? `${e.SLIPWAY_URL.replace(/\/$/, "")}/api/auth/sso/saml2/sp/metadata?providerId=${SAML_PROVIDER_ID}`;
}

export function samlPluginOptions(e: SamlEnv): SSOOptions {
  const certs = idpCertificates(e);
  return {
    // Exactly one IdP, from the environment; registration from the browser is off (also by SAML_DISABLED_PATHS).
    providersLimit: 0,
    defaultSSO: [
      {
        providerId: SAML_PROVIDER_ID,
        // Email domains whose users are linked to an existing account with the same email (e.g. an invited
        // member). Without it, a SAML user whose email already has a local account is refused, not merged.
        domain: e.SAML_EMAIL_DOMAINS ?? "",
        samlConfig: {
          issuer: samlIssuer(e),
          entryPoint: e.SAML_ENTRY_POINT!,
          cert: certs.length === 1 ? certs[0] : certs,
          callbackUrl: "/",
          idpMetadata: { entityID: e.SAML_IDP_ENTITY_ID! },
          wantAssertionsSigned: true,
          identifierFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
          mapping: { email: e.SAML_EMAIL_ATTRIBUTE, name: e.SAML_NAME_ATTRIBUTE },
        },
      },
    ],
    // Linking by email is trusted only for SAML_EMAIL_DOMAINS (the plugin treats the default provider's domain as
    // verified when this is on).
    domainVerification: { enabled: Boolean(e.SAML_EMAIL_DOMAINS) },
    saml: {
      enableInResponseToValidation: true,
      allowIdpInitiated: false,
      requireTimestamps: true,
      algorithms: { onDeprecated: "reject" },
    },
    async resolveUser(input) {
      if (input.protocol === "saml") await pendingClaims.set(claimsFromAttributes(e, input.providerAttributes));
      return { action: "continue" };
    },
  };
}

/** Paths of the plugin that take a provider ID (body, path or query). */
const PROVIDER_PATHS = ["/sign-in/sso", "/sso/saml2/sp/"];

/**
 * The SSO plugin for our one IdP, without its `ssoProvider` table: that table is for IdPs registered at run time;
 * ours comes from the environment (`defaultSSO`) and registration is disabled. Keeping the plugin's schema would
 * make Better Auth's Prisma schema check refuse every transactional sign-in. Any other provider ID is answered
 * 404 up front, instead of the plugin looking for it in the table that is not there.
 */
export function samlPlugin(e: SamlEnv): BetterAuthPlugin {
  const { schema: _table, ...plugin } = sso(samlPluginOptions(e)) as BetterAuthPlugin;
  const onlyOurProvider = {
    matcher: (ctx: { path?: string }) => PROVIDER_PATHS.some((p) => ctx.path?.startsWith(p)),
    handler: createAuthMiddleware(async (ctx) => {
      const asked = (ctx.params as { providerId?: string } | undefined)?.providerId ?? (ctx.body as { providerId?: string } | undefined)?.providerId ?? (ctx.query as { providerId?: string } | undefined)?.providerId;
      if (asked !== undefined && asked !== SAML_PROVIDER_ID) throw new APIError("NOT_FOUND", { message: "No such SSO provider" });
      if (ctx.path === "/sign-in/sso" && asked === undefined) throw new APIError("BAD_REQUEST", { message: "providerId is required" });
    }),
  };
  return { ...plugin, hooks: { ...plugin.hooks, before: [onlyOurProvider, ...(plugin.hooks?.before ?? [])] } };
}
