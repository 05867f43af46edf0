/**
 * What the Playwright suites share: one browser setup, and the studio started the way a user starts it (`npm start`
 * through scripts/start.ts) in a fresh embedded-database folder of its own. Each config adds its ports, timeouts and
 * the settings it tests (OIDC_*, SAML_*, …).
 */
import type { PlaywrightTestConfig } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../test-support/chromium";

type WebServer = Extract<NonNullable<PlaywrightTestConfig["webServer"]>, unknown[]>[number];

/** Run settings and browser options for a suite whose studio answers at `baseURL`. */
export function studioSuite(baseURL: string, timeout: number): PlaywrightTestConfig {
  return {
    timeout,
    expect: { timeout: 15_000 },
    workers: 1,
    fullyParallel: false,
    forbidOnly: Boolean(process.env.CI),
    retries: 0,
    reporter: [["list"]],
    use: {
      baseURL,
      viewport: { width: 1440, height: 900 },
      trace: "retain-on-failure",
      screenshot: "only-on-failure",
      launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    },
  };
}

/** The studio on `port`, on a fresh embedded database in `dataDir` every run (relative to the repository root). */
export function studioServer(o: { root: string; port: number; dataDir: string; env: Record<string, string> }): WebServer {
  return {
    command: `rm -rf ${o.dataDir} && exec node --import tsx scripts/start.ts`,
    cwd: o.root,
    url: `http://localhost:${o.port}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { PORT: String(o.port), SLIPWAY_DATA_DIR: o.dataDir, ...o.env },
  };
}
