/**
 * A real OpenID Connect provider for the SSO end-to-end tests (npm `oidc-provider`, the certified implementation),
 * on loopback. Its development interactions give a login form (any password) and a consent page, so the browser
 * goes through the same redirects as with Okta, Entra ID or Keycloak.
 *
 * Users and what their ID tokens say:
 *   alice  groups [platform-admins]     amr [pwd, otp]  (signed in with a second factor)
 *   bob    groups [team-a-deployers]    amr [pwd]
 *   carol  groups [viewers]             amr [pwd]
 * The `groups` claim comes with the `groups` scope; `amr` is in every ID token.
 *
 *   IDP_PORT       where to listen on 127.0.0.1 (default 4599); the issuer is http://127.0.0.1:IDP_PORT
 *   STUDIO_ORIGIN  the studio's public origin for the redirect URI (default http://localhost:3299)
 *   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET   the studio's client (defaults for running it by hand)
 * Started by e2e/sso.config.ts; `node e2e/sso/idp.mjs` runs it by hand.
 * @see https://github.com/panva/node-oidc-provider/blob/main/docs/README.md
 */
import Provider from "oidc-provider";

const port = Number(process.env.IDP_PORT ?? 4599);
const studio = (process.env.STUDIO_ORIGIN ?? "http://localhost:3299").replace(/\/$/, "");
const issuer = `http://127.0.0.1:${port}`;

/** The studio's client registration: the same OIDC_CLIENT_ID / OIDC_CLIENT_SECRET the studio is started with. */
const IDP_CLIENT = { id: process.env.OIDC_CLIENT_ID ?? "slipway-e2e", secret: process.env.OIDC_CLIENT_SECRET ?? "slipway-e2e-client-secret-0123456789" };

/** @type {Record<string, { email: string; name: string; groups: string[]; amr: string[] }>} */
const USERS = {
  alice: { email: "alice@example.test", name: "Alice Admin", groups: ["platform-admins"], amr: ["pwd", "otp"] },
  bob: { email: "bob@example.test", name: "Bob Deployer", groups: ["team-a-deployers"], amr: ["pwd"] },
  carol: { email: "carol@example.test", name: "Carol Viewer", groups: ["viewers"], amr: ["pwd"] },
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: IDP_CLIENT.id,
      client_secret: IDP_CLIENT.secret,
      redirect_uris: [`${studio}/api/auth/callback/oidc`],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  scopes: ["openid", "email", "profile", "groups", "offline_access"],
  claims: { openid: ["sub", "amr"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
  // Scope claims go into the ID token too (Better Auth and the studio read groups and amr from it).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ["slipway-e2e-idp-cookie-key-0123456789"] },
  async findAccount(_ctx, sub) {
    const user = USERS[sub];
    if (!user) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: user.email, email_verified: true, name: user.name, groups: user.groups };
      },
    };
  },
  async renderError(ctx, out) {
    ctx.type = "html";
    ctx.body = `<h1>IdP error</h1><pre>${JSON.stringify(out, null, 2).replace(/</g, "&lt;")}</pre>`;
  },
});

// The development login form accepts any login and records no authentication methods; give each user the `amr`
// their real IdP would report (alice passed a second factor), so the studio's MFA rule has something to read.
const finish = provider.interactionFinished.bind(provider);
provider.interactionFinished = (req, res, result, options) => {
  const login = result?.login;
  if (login?.accountId && USERS[login.accountId]) login.amr = USERS[login.accountId].amr;
  return finish(req, res, result, options);
};

provider.on("server_error", (_ctx, err) => console.error("[idp] server error", err));
provider.listen(port, "127.0.0.1", () => console.log(`[idp] OpenID provider ${issuer} (client ${IDP_CLIENT.id}, redirect ${studio}/api/auth/callback/oidc)`));
