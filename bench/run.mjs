// `npm run bench -- <name> [args…]` runs bench/<name>.bench.ts (or bench/<name>.mjs) and passes the arguments on;
// with no name it lists the benchmarks. Figures and what each argument means: bench/README.md.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
const names = readdirSync(dir)
  .map((f) => /^(.+)\.bench\.ts$/.exec(f)?.[1] ?? (/^(.+)\.mjs$/.exec(f)?.[1] !== "run" ? /^(.+)\.mjs$/.exec(f)?.[1] : undefined))
  .filter((n) => n !== undefined)
  .sort();
const [name, ...args] = process.argv.slice(2);
if (!name) {
  console.log(`usage: npm run bench -- <name> [args…]\nbenchmarks: ${names.join(", ")}\nsee bench/README.md`);
  process.exit(0);
}
const ts = path.join(dir, `${name}.bench.ts`);
const mjs = path.join(dir, `${name}.mjs`);
if (!existsSync(ts) && !existsSync(mjs)) {
  console.error(`no benchmark "${name}"; benchmarks: ${names.join(", ")}`);
  process.exit(2);
}
const [cmd, cmdArgs] = existsSync(ts) ? ["npx", ["tsx", ts, ...args]] : ["node", [mjs, ...args]];
process.exit(spawnSync(cmd, cmdArgs, { stdio: "inherit" }).status ?? 1);
