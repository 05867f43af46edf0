// `npm test`: every test, in order of cost, each stage reported; the run fails if any stage failed.
//   0. system programs the tests use for real (Chromium, sshd, HAProxy), installed when missing and possible
//   1. type check of the whole repository
//   2. unit tests (pure)                         vitest --project unit
//   3. integration tests (PostgreSQL, processes)  vitest --project integration
//   4. the delegate bundle (the e2e tests run the built CLI)
//   5. end-to-end tests in Chromium              playwright
//   6. single sign-on end to end: a real OpenID provider (oidc-provider) and the studio, in Chromium
//   7. SAML sign-in end to end: a SAML IdP process (samlify) and the studio, in Chromium
// Set TEST_STAGES=unit,integration to run a subset (e2e, e2e-sso and e2e-saml are separate stages).
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { playwrightFailures, vitestFailures } from "./test-failures.mjs";

// Each test stage also writes a JSON report here, read back for the failure digest under the summary.
const reports = resolve("test-reports");
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const vitest = (project) => ["npx", ["vitest", "run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${join(reports, project + ".json")}`], { report: [vitestFailures, join(reports, project + ".json")] }];
const playwright = (name, config) => ["npx", ["playwright", "test", "-c", config, "--reporter=list,json"], { report: [playwrightFailures, join(reports, name + ".json")] }];

const stages = [
  ["deps", "bash", ["scripts/ensure-test-deps.sh"]],
  ["typecheck", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]],
  ["unit", ...vitest("unit")],
  ["integration", ...vitest("integration")],
  ["delegate-build", "npm", ["run", "build", "-w", "@slipway/delegate", "--if-present"]],
  ["e2e", ...playwright("e2e", "e2e/playwright.config.ts")],
  ["e2e-sso", ...playwright("e2e-sso", "e2e/sso.config.ts")],
  // After e2e-sso, never beside it: both start the embedded PostgreSQL on the same port.
  ["e2e-saml", ...playwright("e2e-saml", "e2e/sso/saml.config.ts")],
];
const only = process.env.TEST_STAGES?.split(",").map((s) => s.trim());
const results = [];
for (const [name, cmd, args, opts] of stages) {
  if (only && !only.includes(name) && name !== "deps") continue;
  console.log(`\n━━ ${name} ━━ ${cmd} ${args.join(" ")}`);
  const started = Date.now();
  const env = { ...process.env, CI: process.env.CI ?? "1", FORCE_COLOR: process.env.FORCE_COLOR ?? "0" };
  if (opts?.report) env.PLAYWRIGHT_JSON_OUTPUT_FILE = env.PLAYWRIGHT_JSON_OUTPUT_NAME = opts.report[1];
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  const failures = r.status === 0 || !opts?.report ? [] : (opts.report[0](opts.report[1]) ?? [`no report written (${opts.report[1]}): see the stage output`]);
  results.push({ name, ok: r.status === 0, seconds: ((Date.now() - started) / 1000).toFixed(1), failures });
  if (name === "deps" && r.status !== 0) break;
}
console.log("\n━━ summary ━━");
for (const r of results) console.log(`${r.ok ? "pass" : "FAIL"}  ${r.name.padEnd(15)} ${r.seconds} s`);
// The failing tests by name, last: a log's tail is what gets read. Capped so the table above stays in view.
const failed = results.filter((r) => !r.ok && r.name !== "typecheck" && r.name !== "delegate-build");
if (failed.length) {
  console.log("\n━━ failed ━━");
  const lines = failed.flatMap((r) => (r.failures.length ? r.failures : ["exited non-zero with no failing test: an error outside tests, see the stage output"]).map((f) => `${r.name}: ${f}`));
  for (const line of lines.slice(0, 15)) console.log(line);
  if (lines.length > 15) console.log(`… and ${lines.length - 15} more (test-reports/*.json)`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
