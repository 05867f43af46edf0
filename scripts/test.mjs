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

const stages = [
  ["deps", "bash", ["scripts/ensure-test-deps.sh"]],
  ["typecheck", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]],
  ["unit", "npx", ["vitest", "run", "--project", "unit"]],
  ["integration", "npx", ["vitest", "run", "--project", "integration"]],
  ["delegate-build", "npm", ["run", "build", "-w", "@slipway/delegate", "--if-present"]],
  ["e2e", "npx", ["playwright", "test", "-c", "e2e/playwright.config.ts"]],
  ["e2e-sso", "npx", ["playwright", "test", "-c", "e2e/sso.config.ts"]],
  // After e2e-sso, never beside it: both start the embedded PostgreSQL on the same port.
  ["e2e-saml", "npx", ["playwright", "test", "-c", "e2e/sso/saml.config.ts"]],
];
const only = process.env.TEST_STAGES?.split(",").map((s) => s.trim());
const results = [];
for (const [name, cmd, args] of stages) {
  if (only && !only.includes(name) && name !== "deps") continue;
  console.log(`\n━━ ${name} ━━ ${cmd} ${args.join(" ")}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, CI: process.env.CI ?? "1", FORCE_COLOR: process.env.FORCE_COLOR ?? "0" } });
  results.push({ name, ok: r.status === 0, seconds: ((Date.now() - started) / 1000).toFixed(1) });
  if (name === "deps" && r.status !== 0) break;
}
console.log("\n━━ summary ━━");
for (const r of results) console.log(`${r.ok ? "pass" : "FAIL"}  ${r.name.padEnd(15)} ${r.seconds} s`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
