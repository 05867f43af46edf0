/**
 * A real studio process: the built Next app (`next start`, the same server `npm start` runs) on 127.0.0.1 against
 * a given database, with the engine's job runner inside it. Several may run against one database — replicas
 * cooperate through it — and one can be killed (any signal, SIGKILL included) and restarted on the same port.
 */
import path from "node:path";
import { ensureStudioBuild, LAB_NEXT_DIST, REPO_ROOT } from "./build";
import { cleanEnv, spawnLabChild, type LabChild } from "./child";
import { allocatePorts } from "../ssh-lab/ports";
import { sleep } from "./wait";

/** The secrets key test-support/db.ts sets, so values sealed by the test process unseal in the studio. */
export const LAB_SECRETS_KEY = () => (process.env.SLIPWAY_SECRETS_KEY ??= Buffer.alloc(32, 7).toString("base64"));
export const LAB_AUTH_SECRET = "process-lab-auth-secret-0123456789abcdef";

export type Studio = {
  /** http://localhost:PORT: the studio's public origin (SLIPWAY_URL), for Origin headers and links. */
  readonly url: string;
  /** http://127.0.0.1:PORT: where to send requests (the server listens on 127.0.0.1 only). */
  readonly baseUrl: string;
  readonly port: number;
  /** The current process's pid (changes on restart). */
  readonly pid: number;
  readonly running: boolean;
  /** Output of the current process (and, after a restart, of the earlier ones above it). */
  output(): string;
  /** Sends a signal to the studio process and waits for it to be gone (SIGKILL after 10 s). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** Starts the studio again on the same port (stopping it first if it runs) and waits for it to be healthy. */
  restart(): Promise<void>;
};

export type StartStudioOptions = {
  databaseUrl: string;
  port?: number;
  env?: Record<string, string>;
  label?: string;
  healthTimeoutMs?: number;
  /** Extra node flags before the Next CLI, e.g. ["--cpu-prof", "--cpu-prof-dir=/tmp/prof"] (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
};

export async function startStudio(o: StartStudioOptions): Promise<Studio> {
  await ensureStudioBuild((s) => console.log(`[process-lab] ${s}`));
  const port = o.port ?? (await allocatePorts(1))[0]!;
  const url = `http://localhost:${port}`;
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = cleanEnv({
    DATABASE_URL: o.databaseUrl,
    BETTER_AUTH_SECRET: process.env.PROCESS_LAB_AUTH_SECRET ?? LAB_AUTH_SECRET,
    SLIPWAY_SECRETS_KEY: LAB_SECRETS_KEY(),
    SLIPWAY_URL: url,
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    SLIPWAY_NEXT_DIST: LAB_NEXT_DIST,
    PORT: String(port),
    ...o.env,
  });
  const label = o.label ?? `studio:${port}`;
  let earlier = "";
  let proc: LabChild;

  const launch = async () => {
    proc = spawnLabChild(process.execPath, [...(o.nodeArgs ?? []), path.join(REPO_ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: REPO_ROOT, env });
    const deadline = Date.now() + (o.healthTimeoutMs ?? 90_000);
    // Bounded by the deadline (and by the process exiting).
    for (;;) {
      if (!proc.running) throw new Error(`${label} exited before it was healthy (${JSON.stringify(await proc.exited)}):\n${proc.output().slice(-4000)}`);
      try {
        const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) });
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await proc.kill("SIGKILL");
        throw new Error(`${label} was not healthy within ${o.healthTimeoutMs ?? 90_000} ms:\n${proc.output().slice(-4000)}`);
      }
      await sleep(200);
    }
  };
  await launch();

  return {
    url,
    baseUrl,
    port,
    get pid() {
      return proc.pid;
    },
    get running() {
      return proc.running;
    },
    output: () => earlier + proc.output(),
    kill: (signal: NodeJS.Signals = "SIGTERM") => proc.kill(signal),
    stop: () => proc.kill("SIGTERM"),
    async restart() {
      await proc.kill("SIGTERM");
      earlier += `${proc.output()}\n----- ${label} restarted -----\n`;
      // The port was ours a moment ago; a restart can still race the kernel releasing it: retry briefly.
      for (let attempt = 1; ; attempt++) {
        try {
          await launch();
          return;
        } catch (e) {
          if (attempt >= 3 || !/EADDRINUSE/.test(proc.output())) throw e;
          earlier += proc.output();
          await sleep(1_000);
        }
      }
    },
  };
}
