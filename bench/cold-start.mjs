// Cold `npm start` to ready: a fresh embedded database folder (initdb + migrations + seed) with the studio already
// built, then a warm start on the same folder. "Ready" = GET /api/health answers 200. Run: node bench/cold-start.mjs [runs]
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const runs = Number(process.argv[2] ?? 3);
const port = 3290;
const dataDir = ".data/bench-cold-start";

async function startOnce() {
  const t0 = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { env: { ...process.env, PORT: String(port), SLIPWAY_DATA_DIR: dataDir, SLIPWAY_ADMIN_PASSWORD: "bench-password-123" }, stdio: "ignore" });
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) break;
    } catch {}
    if (performance.now() - t0 > 180_000) throw new Error("not ready after 180 s");
    await sleep(50);
  }
  const ms = performance.now() - t0;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  return ms;
}

const cold = [];
const warm = [];
await startOnce(); // makes sure the Next build exists, so we measure starts, not builds
for (let i = 0; i < runs; i++) {
  rmSync(dataDir, { recursive: true, force: true });
  cold.push(await startOnce());
  warm.push(await startOnce());
}
rmSync(dataDir, { recursive: true, force: true });
const med = (v) => Math.round([...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]);
console.log(JSON.stringify({ bench: "cold-start", at: new Date().toISOString(), runs, coldMs: cold.map(Math.round), warmMs: warm.map(Math.round), coldMedianMs: med(cold), warmMedianMs: med(warm) }));
