/**
 * Performance measurements in headless Chromium, kept out of the default e2e run (`testDir: ./specs` there):
 *   SLIPWAY_NEXT_DIST=.next-designer E2E_PORT=3270 npx playwright test -c e2e/perf.config.ts
 * Same studio and browser setup as playwright.config.ts; the specs print figures and assert nothing about time.
 */
import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

export default defineConfig({ ...base, testDir: "./perf", timeout: 300_000, reporter: [["list"]] });
