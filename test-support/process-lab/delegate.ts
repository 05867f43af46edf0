/**
 * A real delegate process: the bundle `node delegate/build.mjs` produces (delegate/dist/slipway-delegate.mjs),
 * pointed at a studio (or at a tcpProxy in front of one), with its own work folder. Its log is kept for
 * assertions; SLIPWAY_DELEGATE_LOGS=1 echoes it to the test's output, prefixed with the delegate's name.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DELEGATE_BUNDLE, ensureDelegateBuild, REPO_ROOT } from "./build";
import { cleanEnv, spawnLabChild } from "./child";

export type LabDelegate = {
  readonly name: string;
  readonly pid: number;
  readonly workDir: string;
  readonly running: boolean;
  /** Sends a signal; resolves once the process is gone (SIGKILL after 45 s, past the delegate's own drain). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  waitExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
};

export type StartDelegateOptions = { url: string; token: string; name: string; tags?: string[]; maxTasks?: number; env?: Record<string, string>; logLevel?: "debug" | "info" | "warn" | "error" };

export async function startDelegate(o: StartDelegateOptions): Promise<LabDelegate> {
  await ensureDelegateBuild();
  const workDir = mkdtempSync(path.join(tmpdir(), `lab-delegate-${o.name.replace(/[^A-Za-z0-9_-]/g, "_")}-`));
  const echo = process.env.SLIPWAY_DELEGATE_LOGS === "1";
  const proc = spawnLabChild(process.execPath, [DELEGATE_BUNDLE, "--url", o.url, "--name", o.name, "--tags", (o.tags ?? []).join(","), "--max-tasks", String(o.maxTasks ?? 4), "--work-dir", workDir, "--log-level", o.logLevel ?? "info"], {
    cwd: REPO_ROOT,
    env: cleanEnv({ SLIPWAY_DELEGATE_TOKEN: o.token, ...o.env }),
    onLine: echo ? (l) => console.log(`[${o.name}] ${l}`) : undefined,
  });
  return {
    name: o.name,
    pid: proc.pid,
    workDir,
    get running() {
      return proc.running;
    },
    kill: (signal: NodeJS.Signals = "SIGTERM") => proc.kill(signal, 45_000),
    waitExit: () => proc.exited,
    output: () => proc.output(),
  };
}
