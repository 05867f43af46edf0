/**
 * Single sign-on end to end: a real OpenID Connect provider (e2e/sso/idp.mjs, npm `oidc-provider`) and the studio
 * started the way a user starts it (`npm start`: embedded PostgreSQL in its own fresh folder, the local build) with
 * OIDC_* pointing at that provider, driven through Debian's Chromium. Run after the main suite by `npm test`
 * (stage e2e-sso), or alone: `npx playwright test -c e2e/sso.config.ts`.
 *
 * The studio's origin is http://localhost:PORT everywhere (browser, redirect URI, SLIPWAY_URL): Next rewrites
 * loopback hosts to `localhost`, and an OAuth redirect URI must match exactly (../shared/reference/stack-notes.md §6).
 */
import { defineConfig } from "@playwright/test";
import { studioServer, studioSuite } from "./studio-config";

export const SSO_PORT = Number(process.env.E2E_SSO_PORT ?? 3299);
export const IDP_PORT = Number(process.env.E2E_IDP_PORT ?? 4599);
export const SSO_ORIGIN = `http://localhost:${SSO_PORT}`;
export const IDP_ISSUER = `http://127.0.0.1:${IDP_PORT}`;
export const SSO_ADMIN = { email: "admin@slipway.local", password: "e2e-sso-admin-password" };
/** What the sign-in page's SSO button says ("Continue with …"). */
export const IDP_NAME = "Example IdP";
const client = { id: "slipway-e2e", secret: "slipway-e2e-client-secret-0123456789" };
// Per port, like the main suite's, so two runs on one machine do not delete each other's database.
const dataDir = `.data/e2e-sso-${SSO_PORT}`;

export default defineConfig({
  ...studioSuite(SSO_ORIGIN, 120_000),
  testDir: "./sso",
  testMatch: /.*\.spec\.ts$/,
  outputDir: "../test-results/sso",
  // In order: the IdP must answer discovery before the studio's first sign-in.
  webServer: [
    {
      command: "exec node e2e/sso/idp.mjs",
      cwd: "..",
      url: `${IDP_ISSUER}/.well-known/openid-configuration`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: { IDP_PORT: String(IDP_PORT), STUDIO_ORIGIN: SSO_ORIGIN, OIDC_CLIENT_ID: client.id, OIDC_CLIENT_SECRET: client.secret },
    },
    // A fresh embedded database every run. The build is the default one (`.next`, shared with the main e2e config,
    // which runs before this one); set SLIPWAY_NEXT_DIST to use another.
    studioServer({
      root: "..",
      port: SSO_PORT,
      dataDir,
      env: {
        SLIPWAY_URL: SSO_ORIGIN,
        SLIPWAY_ADMIN_EMAIL: SSO_ADMIN.email,
        SLIPWAY_ADMIN_PASSWORD: SSO_ADMIN.password,
        SLIPWAY_LOCAL_DELEGATE: "0",
        OIDC_ISSUER: IDP_ISSUER,
        OIDC_CLIENT_ID: client.id,
        OIDC_CLIENT_SECRET: client.secret,
        OIDC_DISPLAY_NAME: IDP_NAME,
        OIDC_SCOPES: "openid email profile groups",
        OIDC_GROUPS_CLAIM: "groups",
      },
    }),
  ],
});
