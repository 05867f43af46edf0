/**
 * The `shell` step: run a script on the delegate host.
 *
 * The script is written to a file in the task's fresh folder (never passed with -c: no quoting, no size limit,
 * and bash reports line numbers) and run as `bash --noprofile --norc -e -o pipefail <file>` or `sh -e <file>`, with
 * a minimal environment (PATH, HOME, LANG) plus the step's `env`, so a step behaves the same on every delegate.
 *
 * It runs as the leader of its own process group. Cancel and timeout SIGTERM the whole group and SIGKILL it after
 * a grace period; background processes left behind by a finished script are stopped the same way; and a watchdog
 * kills the group if the delegate itself dies (process-group.ts).
 */
import { spawn } from "node:child_process";
import { stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ShellWork } from "@slipway/pipeline-spec/protocol";
import { isGroupAlive, signalGroup, startWatchdog, terminateGroup } from "./process-group";
import { stepResult, type StepContext, type StepExecutor, type StepResult } from "./types";

export interface ShellExecutorOptions {
  /** PATH, HOME, LANG the delegate was started with (config.baseEnv). */
  baseEnv: Record<string, string>;
  /** Between SIGTERM and SIGKILL (default 10 s). */
  killGraceMs?: number;
  /** The pid the watchdog watches (the delegate's). */
  delegatePid: number;
}

export function createShellExecutor(options: ShellExecutorOptions): StepExecutor<ShellWork> {
  return { kind: "shell", run: (work, ctx) => runShell(work, ctx, options) };
}

async function runShell(work: ShellWork, ctx: StepContext, options: ShellExecutorOptions): Promise<StepResult> {
  if (ctx.signal.aborted) return stepResult("cancelled", "stopped before it started");
  const grace = options.killGraceMs ?? 10_000;
  const script = join(ctx.workDir, "step.sh");
  await writeFile(script, work.script, { mode: 0o700 });
  const cwd = work.workingDir ? resolve(ctx.workDir, work.workingDir) : ctx.workDir;
  if (!(await stat(cwd).then((s) => s.isDirectory(), () => false))) {
    return stepResult("failure", `working directory not found: ${cwd}`);
  }
  const command = work.shell;
  const args = command === "bash" ? ["--noprofile", "--norc", "-e", "-o", "pipefail", script] : ["-e", script];
  ctx.log.system(`$ ${command} ${args.join(" ")}  (in ${cwd})`);

  const child = spawn(command, args, {
    cwd,
    // Cast: Next.js augments ProcessEnv with a required NODE_ENV; a step gets exactly the variables listed here.
    env: { ...options.baseEnv, ...work.env } as NodeJS.ProcessEnv,
    detached: true, // own process group: signals reach the script and everything it started
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once("exit", (code, signal) => res({ code, signal })));
  const started = await new Promise<Error | null>((res) => {
    child.once("spawn", () => res(null));
    child.once("error", (err) => res(err));
  });
  if (started) return stepResult("failure", `could not start ${command}: ${started.message}`);
  const pgid = child.pid!;
  const watchdog = startWatchdog(pgid, options.delegatePid);
  const outputClosed = Promise.all([once(child.stdout, "close"), once(child.stderr, "close")]);
  child.stdout.on("data", (chunk: Buffer) => ctx.log.stdout(chunk));
  child.stderr.on("data", (chunk: Buffer) => ctx.log.stderr(chunk));

  const state: { stopping: Promise<void> | null } = { stopping: null };
  const stop = () => {
    ctx.log.system(`stopping: SIGTERM to process group ${pgid}, SIGKILL after ${Math.round(grace / 1000)} s`);
    state.stopping = terminateGroup(pgid, grace).then((how) => {
      if (how === "killed") ctx.log.system("process group did not exit in time: sent SIGKILL");
    });
  };
  ctx.signal.addEventListener("abort", stop, { once: true });
  if (ctx.signal.aborted && !state.stopping) stop(); // aborted while we were spawning
  try {
    const { code, signal } = await exited;
    if (state.stopping) await state.stopping;
    else if (isGroupAlive(pgid)) {
      // The script is done but left background processes; they must not outlive the task.
      ctx.log.system("script exited but left background processes: stopping them");
      await terminateGroup(pgid, Math.min(grace, 2_000));
    }
    // A process that escaped the group (setsid) could hold the pipes open forever: wait a little, then let go.
    await Promise.race([outputClosed, new Promise((r) => setTimeout(r, 2_000).unref())]);
    return classify(code, signal, ctx.signal.aborted);
  } finally {
    ctx.signal.removeEventListener("abort", stop);
    child.stdout.destroy();
    child.stderr.destroy();
    if (watchdog.pid) signalGroup(watchdog.pid, "SIGKILL");
  }
}

function classify(code: number | null, signal: NodeJS.Signals | null, aborted: boolean): StepResult {
  if (aborted) return stepResult("cancelled", signal ? `stopped (${signal})` : `stopped (exit code ${code})`, code);
  if (code === 0) return stepResult("success", "exit code 0", 0);
  if (code !== null) return stepResult("failure", `exit code ${code}`, code);
  return stepResult("failure", `killed by ${signal ?? "an unknown signal"}`);
}

function once(emitter: NodeJS.EventEmitter, event: string): Promise<void> {
  return new Promise((res) => emitter.once(event, () => res()));
}
