/**
 * Process-group control for shell steps. A step runs as the leader of its own process group (spawned detached),
 * so one signal reaches the script and everything it started, backgrounded or not.
 *
 * - terminateGroup: SIGTERM, wait up to a grace period for the group to empty, then SIGKILL (buildkite's
 *   SignalGracePeriod).
 * - startWatchdog: a tiny detached `sh` loop per task that outlives the delegate. If the delegate disappears (even
 *   SIGKILL, which no handler can catch), it kills the group, so work never runs on while the studio hands the task
 *   to another delegate. It exits by itself when the group is gone, and the delegate kills it when a task ends.
 *
 * "Alive" ignores zombies: where PID 1 does not reap orphans (containers without --init), killed processes linger
 * as zombies that `kill -0` still reports.
 *
 * Edit with care: this is what makes cancel, timeout and a crashed delegate actually stop customer work.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { sleep } from "../transport/backoff";

/** State and process group of a /proc/<pid>/stat line (the command name may contain spaces and parentheses). */
function parseStat(stat: string): { state: string; pgrp: number } | null {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const pgrp = Number(fields[2]);
  return fields[0] && Number.isFinite(pgrp) ? { state: fields[0], pgrp } : null;
}

/** Whether any non-zombie process is left in group `pgid`. */
export function isGroupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return signalGroup(pgid, 0); // no /proc (macOS): zombies count as alive, which only costs grace time
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const st = parseStat(readFileSync(`/proc/${name}/stat`, "utf8"));
      if (st && st.pgrp === pgid && st.state !== "Z" && st.state !== "X") return true;
    } catch {
      // The process exited while we looked.
    }
  }
  return false;
}

/** Whether process `pid` exists and is not a zombie. */
export function isProcessAlive(pid: number): boolean {
  try {
    const st = parseStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
    return st !== null && st.state !== "Z" && st.state !== "X";
  } catch {
    if (hasProcFs()) return false; // /proc exists but not this pid: gone
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

let procFs: boolean | undefined;
function hasProcFs(): boolean {
  if (procFs === undefined) {
    try {
      readFileSync("/proc/self/stat");
      procFs = true;
    } catch {
      procFs = false;
    }
  }
  return procFs;
}

/** Sends `signal` to every process of the group; false if the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the group, give it `graceMs` to exit, then SIGKILL whatever is left. Resolves when it is empty. */
export async function terminateGroup(pgid: number, graceMs: number): Promise<"empty" | "terminated" | "killed"> {
  if (!isGroupAlive(pgid)) return "empty";
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  // Bounded by the grace period.
  while (Date.now() < deadline) {
    await sleep(50);
    if (!isGroupAlive(pgid)) return "terminated";
  }
  signalGroup(pgid, "SIGKILL");
  // SIGKILL cannot be refused; wait briefly for the kernel to finish the job (bounded: 40 × 50 ms).
  for (let i = 0; i < 40 && isGroupAlive(pgid); i++) await sleep(50);
  return "killed";
}

/**
 * The watchdog script. $1 = delegate pid, $2 = process group. It polls every 500 ms; when the delegate is gone it
 * sends SIGTERM to the group, then SIGKILL two seconds later. Zombie-aware through /proc where there is one.
 */
const WATCHDOG_SCRIPT = `
alive() {
  if [ -r "/proc/$1/stat" ]; then
    read -r l < "/proc/$1/stat" 2>/dev/null || return 1
    s=\${l##*) }; s=\${s%% *}
    [ "$s" != Z ] && [ "$s" != X ]
  else
    kill -0 "$1" 2>/dev/null
  fi
}
while alive "$1" && kill -0 -"$2" 2>/dev/null; do sleep 0.5; done
if ! alive "$1"; then
  kill -TERM -"$2" 2>/dev/null
  sleep 2
  kill -KILL -"$2" 2>/dev/null
fi
`;

/** Starts the watchdog for group `pgid`; kill the returned process when the task ends normally. */
export function startWatchdog(pgid: number, delegatePid: number): ChildProcess {
  const child = spawn("sh", ["-c", WATCHDOG_SCRIPT, "slipway-watchdog", String(delegatePid), String(pgid)], {
    detached: true, // its own group: a signal to the delegate's group must not take the watchdog with it
    stdio: "ignore",
  });
  child.on("error", () => {}); // no sh: the step itself would have failed to start already
  child.unref();
  return child;
}
