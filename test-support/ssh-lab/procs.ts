// Process plumbing for the lab: run-to-completion commands, long-lived daemons that die with us,
// and a synchronous exit hook. Kept separate so sshd.ts and haproxy.ts share one cleanup story.
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, capturing output. Never throws on non-zero exit: callers decide. */
export function run(cmd: string, args: string[], opts: SpawnOptions & { timeoutMs?: number; input?: string } = {}) {
  const { timeoutMs = 30_000, input, ...spawnOpts } = opts;
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(cmd, args, { ...spawnOpts, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    if (input !== undefined) {
      child.stdin!.on("error", () => {}); // EPIPE if the child exits before reading; its exit code tells the story
      child.stdin!.end(input);
    }
  });
}

export async function runOk(cmd: string, args: string[], opts: Parameters<typeof run>[2] = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  return r.stdout;
}

// setpriv --pdeathsig makes the kernel SIGKILL the daemon if this Node process dies hard
// (SIGKILL, OOM, vitest worker teardown) — the 'exit' hook below cannot run in those cases.
// util-linux < 2.33 has setpriv without --pdeathsig, so probe once instead of assuming.
let setprivPath: string | null | undefined;
function setpriv(): string | null {
  if (setprivPath === undefined) {
    const p = ["/usr/bin/setpriv", "/bin/setpriv"].find((f) => existsSync(f));
    const help = p ? spawnSync(p, ["--help"], { encoding: "utf8" }).stdout : "";
    setprivPath = p && help.includes("--pdeathsig") ? p : null;
  }
  return setprivPath;
}

/** Spawns a foreground daemon (sshd -D, haproxy -db) tied to our lifetime; output goes to its own log file. */
export function spawnDaemon(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  const sp = setpriv();
  const [file, argv] = sp ? [sp, ["--pdeathsig", "SIGKILL", "--", cmd, ...args]] : [cmd, args];
  const child = spawn(file, argv, { stdio: ["ignore", "ignore", "pipe"], ...opts });
  // Drain stderr so a chatty daemon can never block on a full pipe; keep the tail for error messages.
  let tail = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (tail = (tail + d).slice(-4000)));
  Object.defineProperty(child, "stderrTail", { get: () => tail });
  child.on("error", () => {}); // surfaced through waitForExitOrReady instead of crashing the test process
  return child;
}

export function stderrTail(child: ChildProcess): string {
  return (child as ChildProcess & { stderrTail?: string }).stderrTail ?? "";
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns a value, the child exits, or the deadline passes.
 * Bounded by design: every wait in the lab has a deadline so a broken daemon fails fast.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  opts: { timeoutMs?: number; intervalMs?: number; child?: ChildProcess; diagnostics?: () => string } = {},
): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 25, child, diagnostics } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    const exited = child && (child.exitCode !== null || child.signalCode !== null);
    if (exited || Date.now() > deadline) {
      const why = exited
        ? `process exited (${child!.exitCode ?? child!.signalCode})`
        : `timed out after ${timeoutMs} ms`;
      throw new Error(`waiting for ${what}: ${why}\n${diagnostics?.() ?? ""}`.trim());
    }
    await sleep(intervalMs);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
export async function killChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await gone;
  clearTimeout(timer);
}

/** Bounded-concurrency map: starting 100 hosts at once would fork 200 processes on a 2-core CI box. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Reads a pidfile; undefined if absent or garbage. */
export function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (orphaned apps linger as Z until PID 1 reaps them; see assets/common.sh). */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

// ---- exit hook -------------------------------------------------------------------------------
// 'exit' listeners must be synchronous, so each lab registers a sync "kill everything + rm -rf".

const exitHooks = new Set<() => void>();
let hooked = false;

export function onProcessExit(fn: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const f of exitHooks) {
        try {
          f();
        } catch {
          // best effort: one failing cleanup must not stop the others
        }
      }
    });
  }
  exitHooks.add(fn);
  return () => exitHooks.delete(fn);
}

export function killPidSync(pid: number | undefined, signal: NodeJS.Signals = "SIGKILL"): void {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export function rmrfSync(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
