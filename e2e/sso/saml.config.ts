/**
 * SAML single sign-on end to end: a real SAML IdP process (e2e/sso/saml-idp.mjs, npm `samlify` as IdP, with a
 * certificate made by openssl for this run) and the studio started the way a user starts it (`npm start`: embedded
 * PostgreSQL in its own fresh folder, the local build) with SAML_* pointing at that IdP, driven through Debian's
 * Chromium. Run after the OIDC suite by `npm test` (stage e2e-saml), or alone:
 * `npx playwright test -c e2e/sso/saml.config.ts`.
 * The OIDC suite is e2e/sso.config.ts; this one uses other studio and IdP ports and its own data folder (run the two
 * one after the other: both start the embedded PostgreSQL on its default port).
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { studioServer, studioSuite } from "../studio-config";
// @ts-expect-error plain ESM test helper without types
import { makeSelfSignedCert } from "./saml-idp.mjs";

export const SAML_SSO_PORT = Number(process.env.E2E_SAML_SSO_PORT ?? 3298);
export const SAML_IDP_PORT = Number(process.env.E2E_SAML_IDP_PORT ?? 4699);
export const SAML_ORIGIN = `http://localhost:${SAML_SSO_PORT}`;
export const SAML_IDP_ORIGIN = `http://127.0.0.1:${SAML_IDP_PORT}`;
export const SAML_IDP_ENTITY_ID = `${SAML_IDP_ORIGIN}/metadata`;
export const SAML_ADMIN = { email: "admin@slipway.local", password: "e2e-saml-admin-password" };
/** What the sign-in page's SAML button says ("Continue with …"). */
export const SAML_NAME = "Example SAML";
const dataDir = `.data/e2e-saml-${SAML_SSO_PORT}`;

// The IdP's key and certificate, made once per run by the main process (workers load this file again and reuse it).
const certDir = (process.env.SLIPWAY_E2E_SAML_CERT_DIR ??= path.resolve(`test-results/saml-idp-${SAML_IDP_PORT}`));
if (!process.env.SLIPWAY_E2E_SAML_CERT_MADE) {
  rmSync(certDir, { recursive: true, force: true });
  mkdirSync(certDir, { recursive: true });
  makeSelfSignedCert(certDir);
  process.env.SLIPWAY_E2E_SAML_CERT_MADE = "1";
}

export default defineConfig({
  ...studioSuite(SAML_ORIGIN, 120_000),
  testDir: ".",
  testMatch: /saml\.e2e\.ts$/,
  outputDir: "../../test-results/saml",
  webServer: [
    {
      // Fetches the studio's SP metadata at the first login, so it may start first.
      command: "exec node e2e/sso/saml-idp.mjs",
      cwd: "../..",
      url: `${SAML_IDP_ORIGIN}/metadata`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        SAML_IDP_PORT: String(SAML_IDP_PORT),
        SAML_IDP_ENTITY_ID,
        SAML_IDP_KEY_FILE: path.join(certDir, "idp.key"),
        SAML_IDP_CERT_FILE: path.join(certDir, "idp.crt"),
        SP_METADATA_URL: `${SAML_ORIGIN}/api/auth/sso/saml2/sp/metadata?providerId=saml`,
      },
    },
    // A fresh embedded database every run; the build is the default one (`.next`), rebuilt if sources changed.
    studioServer({
      root: "../..",
      port: SAML_SSO_PORT,
      dataDir,
      env: {
        SLIPWAY_URL: SAML_ORIGIN,
        SLIPWAY_ADMIN_EMAIL: SAML_ADMIN.email,
        SLIPWAY_ADMIN_PASSWORD: SAML_ADMIN.password,
        SLIPWAY_LOCAL_DELEGATE: "0",
        SAML_ENTRY_POINT: `${SAML_IDP_ORIGIN}/sso`,
        SAML_IDP_ENTITY_ID,
        SAML_IDP_CERT_FILE: path.join(certDir, "idp.crt"),
        SAML_DISPLAY_NAME: SAML_NAME,
      },
    }),
  ],
});
