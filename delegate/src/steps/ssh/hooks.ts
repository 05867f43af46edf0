/**
 * Hooks: a user's own command run on the delegate (take a host out of a custom load balancer, call an API),
 * with `${VAR}` already filled in and the same variables in the environment. It runs under bash in its own
 * process group like a shell step, writes into the caller's lane, and is stopped (group SIGTERM, then SIGKILL)
 * on cancel or after `timeoutMs`.
 */
import { spawn } from "node:child_process";
import { signalGroup, startWatchdog, terminateGroup } from "../process-group";
import type { StepLog } from "../types";
import { ENV_NAME } from "./vars";

export interface HookOptions {
  baseEnv: Record<string, string>;
  delegatePid: number;
  env: Record<string, string>;
  log: StepLog;
  signal: AbortSignal;
  timeoutMs: number;
  cwd: string;
}

export interface HookResult {
  ok: boolean;
  message: string;
}

export async function runHook(command: string, o: HookOptions): Promise<HookResult> {
  if (o.signal.aborted) return { ok: false, message: "cancelled" };
  const env: Record<string, string> = { ...o.baseEnv };
  for (const [k, v] of Object.entries(o.env)) if (ENV_NAME.test(k)) env[k] = v;
  o.log.system(`$ ${command}  (on the delegate)`);
  const child = spawn("bash", ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", command], { cwd: o.cwd, env: env as NodeJS.ProcessEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once("exit", (code, signal) => res({ code, signal })));
  const started = await new Promise<Error | null>((res) => {
    child.once("spawn", () => res(null));
    child.once("error", (err) => res(err));
  });
  if (started) return { ok: false, message: `could not start bash: ${started.message}` };
  const pgid = child.pid!;
  const watchdog = startWatchdog(pgid, o.delegatePid);
  child.stdout.on("data", (c: Buffer) => o.log.stdout(c));
  child.stderr.on("data", (c: Buffer) => o.log.stderr(c));
  let why: "cancelled" | "timed out" | null = null;
  const stop = (reason: "cancelled" | "timed out") => {
    if (why) return;
    why = reason;
    void terminateGroup(pgid, 5_000);
  };
  const onAbort = () => stop("cancelled");
  o.signal.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => stop("timed out"), o.timeoutMs);
  try {
    const { code, signal } = await exited;
    await terminateGroup(pgid, 1_000); // nothing of a hook may outlive it
    if (why) return { ok: false, message: why === "timed out" ? `timed out after ${Math.round(o.timeoutMs / 1000)} s` : "cancelled" };
    if (code === 0) return { ok: true, message: "exit code 0" };
    return { ok: false, message: code !== null ? `exit code ${code}` : `killed by ${signal}` };
  } finally {
    clearTimeout(timer);
    o.signal.removeEventListener("abort", onAbort);
    if (watchdog.pid) signalGroup(watchdog.pid, "SIGKILL");
  }
}
