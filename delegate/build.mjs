/**
 * Builds the delegate into one self-contained file, dist/slipway-delegate.mjs, that runs with plain `node` (20+):
 * no node_modules on the target host, which is what the Dockerfile copies.
 *
 * - ESM for node20, with `require`, `__filename` and `__dirname` shims so bundled CommonJS still works: the AWS
 *   SDK and ssh2 `require` Node built-ins, and ssh2's agent.js reads `__dirname` at load time (without the shim the
 *   bundle dies with "__dirname is not defined in ES module scope" as soon as ssh2 is imported).
 *   The banner is raw text esbuild cannot see: a bundled ESM module declaring its own top-level `__dirname` would
 *   collide with it, and the CLI integration test (which runs this bundle) would fail at once.
 * - `cpu-features` and native `*.node` addons stay external: ssh2 loads them optionally and falls back to pure JS.
 *
 * Usage: npm run build -w @slipway/delegate   (or: node delegate/build.mjs [--outfile path])
 */
import { chmodSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const flag = process.argv.indexOf("--outfile");
const outfile = flag !== -1 ? process.argv[flag + 1] : join(here, "dist", "slipway-delegate.mjs");

const result = await build({
  entryPoints: [join(here, "src", "main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: false, // stack traces from customer hosts should be readable
  sourcemap: false,
  legalComments: "none",
  external: ["cpu-features", "*.node"],
  banner: {
    js: [
      "#!/usr/bin/env node",
      'import { createRequire as __slipwayCreateRequire } from "node:module";',
      'import { fileURLToPath as __slipwayFileURLToPath } from "node:url";',
      'import { dirname as __slipwayDirname } from "node:path";',
      "const require = __slipwayCreateRequire(import.meta.url);",
      "const __filename = __slipwayFileURLToPath(import.meta.url);",
      "const __dirname = __slipwayDirname(__filename);",
    ].join("\n"),
  },
  logLevel: "warning",
  metafile: true,
});

chmodSync(outfile, 0o755);
const bytes = statSync(outfile).size;
const inputs = Object.keys(result.metafile.inputs).length;
console.log(`built ${outfile}: ${(bytes / 1024).toFixed(0)} KiB from ${inputs} modules`);
