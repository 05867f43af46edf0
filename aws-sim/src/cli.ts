/**
 * Runs the sim as a process, for the demo and for benchmarks:
 *
 *   tsx aws-sim/src/cli.ts --port 4566 --time-scale 1 --seed demo [--rps 100] [--host 127.0.0.1]
 *
 * Prints one JSON line `{ "endpoint", "region", "seed": { …ARNs } }` once listening, then runs until SIGTERM/SIGINT.
 */
import { parseArgs } from "node:util";
import { startAwsSim } from "./server.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4566" },
    host: { type: "string", default: "127.0.0.1" },
    "time-scale": { type: "string", default: "1" },
    seed: { type: "string" },
    rps: { type: "string" },
    "random-seed": { type: "string" },
  },
});

if (values.seed !== undefined && values.seed !== "demo") {
  console.error(`unknown --seed '${values.seed}' (only 'demo' is built in)`);
  process.exit(2);
}
const host = values.host;
if (host !== "127.0.0.1" && host !== "0.0.0.0" && host !== "localhost") {
  console.error(`--host must be 127.0.0.1, 0.0.0.0 or localhost`);
  process.exit(2);
}

const sim = await startAwsSim({
  port: Number(values.port),
  host,
  timeScale: Number(values["time-scale"]),
  seed: values.seed === "demo" ? "demo" : undefined,
  requestsPerSecond: values.rps === undefined ? undefined : Number(values.rps),
  randomSeed: values["random-seed"] === undefined ? undefined : Number(values["random-seed"]),
});
console.log(JSON.stringify({ endpoint: sim.endpoint, region: sim.region, seed: sim.seeded ?? null }));

const stop = () => {
  sim.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
// The sim's own timer is unref'd; this keeps the process alive until a signal arrives.
setInterval(() => {}, 1 << 30);
