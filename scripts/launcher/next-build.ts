/**
 * Builds the studio when the sources changed since the last build, so `npm start` on a fresh clone (or after a pull)
 * just works, and a second `npm start` starts in seconds. The fingerprint covers every file Next compiles.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const INPUTS = ["app", "components", "server", "pipeline-spec/src", "generated/prisma", "next.config.mjs", "package-lock.json", "tsconfig.json", "proxy.ts"];
const DIST = process.env.SLIPWAY_NEXT_DIST || ".next";
const STAMP = `${DIST}/slipway-build-fingerprint`;

function fingerprint(root: string): string {
  const hash = createHash("sha256");
  const visit = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (name !== "node_modules" && !name.endsWith(".test.ts")) visit(path.join(p, name));
    } else hash.update(`${path.relative(root, p)}:${st.size}:${st.mtimeMs}\n`);
  };
  for (const input of INPUTS) visit(path.join(root, input));
  return hash.digest("hex");
}

export function ensureNextBuild(root: string, log: (s: string) => void): void {
  const fp = fingerprint(root);
  const stampFile = path.join(root, STAMP);
  if (existsSync(path.join(root, DIST, "BUILD_ID")) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === fp) return;
  log("Building the studio (first start or sources changed; about a minute on 2 cores)…");
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
  writeFileSync(stampFile, fp);
  log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
