/**
 * End-to-end tests: the real studio started the way a user starts it (`npm start`, embedded PostgreSQL in a fresh
 * folder, local build), driven through Debian's Chromium (`npx playwright install` cannot work offline).
 */
import { defineConfig } from "@playwright/test";
import { studioServer, studioSuite } from "./studio-config";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3199);
export const E2E_ADMIN = { email: "admin@slipway.local", password: "e2e-admin-password" };
// Per port, so two runs on one machine (different E2E_PORT) do not delete each other's database.
export const E2E_DATA_DIR = `.data/e2e-${E2E_PORT}`;
const dataDir = E2E_DATA_DIR;

export default defineConfig({
  ...studioSuite(`http://localhost:${E2E_PORT}`, 90_000),
  testDir: "./specs",
  outputDir: "../test-results",
  // A fresh embedded database every run: the suite starts from what a new user sees.
  webServer: studioServer({
    root: "..",
    port: E2E_PORT,
    dataDir,
    env: { SLIPWAY_ADMIN_PASSWORD: E2E_ADMIN.password, SLIPWAY_ADMIN_EMAIL: E2E_ADMIN.email, SLIPWAY_DEV_PAGES: "1" },
  }),
});
