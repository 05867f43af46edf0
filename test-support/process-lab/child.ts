/**
 * Child processes of the lab: tied to the test process (the kernel SIGKILLs them if it dies, through
 * `setpriv --pdeathsig`, which execs, so the pid we hold is the real program's), output kept in a bounded
 * buffer for assertions and failure messages, and an exit promise.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync } from "node:fs";

let setprivPath: string | null | undefined;
function setpriv(): string | null {
  if (setprivPath === undefined) {
    const p = ["/usr/bin/setpriv", "/bin/setpriv"].find((f) => existsSync(f));
    setprivPath = p && spawnSync(p, ["--help"], { encoding: "utf8" }).stdout.includes("--pdeathsig") ? p : null;
  }
  return setprivPath;
}

export type LabChild = {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the process printed (stdout and stderr interleaved), the last `maxOutput` characters. */
  output(): string;
  /** Resolves with the exit code or signal once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
  /** Sends `signal` and resolves once the process is gone (bounded: SIGKILL after `graceMs`). */
  kill(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
};

export function spawnLabChild(cmd: string, args: string[], opts: SpawnOptions & { maxOutput?: number; onLine?: (line: string) => void } = {}): LabChild {
  const { maxOutput = 512 * 1024, onLine, ...spawnOpts } = opts;
  const sp = setpriv();
  const [file, argv] = sp ? [sp, ["--pdeathsig", "SIGKILL", "--", cmd, ...args]] : [cmd, args];
  const child = spawn(file, argv, { ...spawnOpts, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let partial = "";
  const take = (d: Buffer) => {
    const s = d.toString("utf8");
    out = (out + s).slice(-maxOutput);
    if (onLine) {
      const parts = (partial + s).split("\n");
      partial = parts.pop() ?? "";
      for (const l of parts) onLine(l);
    }
  };
  child.stdout!.on("data", take);
  child.stderr!.on("data", take);
  child.on("error", (e) => (out += `\n[spawn error] ${e.message}\n`));
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      running = false;
      resolve({ code, signal });
    }),
  );
  if (!child.pid) throw new Error(`could not start ${cmd}`);
  return {
    child,
    pid: child.pid,
    output: () => out,
    exited,
    get running() {
      return running;
    },
    async kill(signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000) {
      if (!running) return;
      try {
        process.kill(child.pid!, signal);
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The environment of the test process without what vitest adds, so a child behaves as it would in production. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("VITEST") || k === "NODE_ENV" || k === "TEST" || k === "NODE_OPTIONS") delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env as NodeJS.ProcessEnv;
}
