/**
 * Runs a script on a host over an exec channel, without a pty, and can really stop it.
 *
 * OpenSSH starts an exec request's shell with setsid(), so that shell leads its own process group. The command
 * sent first reports that group id on stderr (a marker line the delegate strips), then `exec`s bash, so bash and
 * everything it starts stay in that group. The script itself goes over stdin, never on the command line: no
 * argument-size limit, and no variable value (secrets included) shows in `ps` on the host. bash reads it whole
 * before running it, so the script's own commands see stdin at end-of-file:
 *
 *   printf '\036slipway-pgid=%s\036\n' "$$" >&2; exec [sudo -n --] bash --noprofile --norc -c 'set -e -o pipefail; eval "$(cat)"'
 *
 * Closing a channel does not stop a pty-less command (sshd sends no SIGHUP), so cancel and timeout open a second
 * exec on the same connection that sends SIGTERM to the group, waits up to 5 s, then SIGKILLs it; then the channel
 * is closed.
 */
import type { ClientChannel } from "ssh2";
import type { HostSession } from "./connection";
import { shq } from "./vars";

const MARKER = /\x1eslipway-pgid=(\d+)\x1e\r?\n/;
const MAX_CAPTURE = 1024 * 1024;
/** Largest script sent to a host (it is held in memory there while it runs). */
export const MAX_SCRIPT_BYTES = 16 * 1024 * 1024;
const KILL_GRACE_S = 5;

export interface RemoteRunOptions {
  signal: AbortSignal;
  /** 0 or absent: no limit of its own (the task's limit still applies through `signal`). */
  timeoutMs?: number;
  sudo?: boolean;
  onStdout?(chunk: Buffer): void;
  onStderr?(chunk: Buffer): void;
  /** Keep stdout and stderr (up to 1 MB each) in the result. */
  capture?: boolean;
  /** Called when the command is being stopped (cancel/timeout), with what is done, for the host's lane. */
  onStopping?(line: string): void;
}

export interface RemoteRunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Why the delegate stopped it, if it did. */
  stopped: "timeout" | "cancel" | null;
}

/** The command line sent to the host; the script follows on stdin. */
export function remoteCommand(sudo: boolean): string {
  return `printf '\\036slipway-pgid=%s\\036\\n' "$$" >&2; exec ${sudo ? "sudo -n -- " : ""}bash --noprofile --norc -c ${shq('set -e -o pipefail; eval "$(cat)"')} slipway`;
}

export async function runRemote(session: HostSession, script: string, o: RemoteRunOptions): Promise<RemoteRunResult> {
  if (Buffer.byteLength(script) > MAX_SCRIPT_BYTES) throw new Error(`the script is ${Buffer.byteLength(script)} bytes; at most ${MAX_SCRIPT_BYTES} are sent to a host`);
  if (o.signal.aborted) return { code: null, signal: null, stdout: "", stderr: "", stopped: "cancel" };
  const channel = await session.execChannel(remoteCommand(!!o.sudo), o.signal);
  return drive(session, channel, script, o);
}

function drive(session: HostSession, channel: ClientChannel, script: string, o: RemoteRunOptions): Promise<RemoteRunResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let code: number | null = null;
    let exitSignal: string | null = null;
    let stopped: RemoteRunResult["stopped"] = null;
    let finished = false;
    let pgid: number | null = null;
    let onPgid: (() => void) | null = null;
    // stderr before the marker is held back (a login script may print first); bounded at 64 KiB.
    let head: Buffer | null = Buffer.alloc(0);
    const keep = (acc: string, chunk: Buffer) => (o.capture && acc.length < MAX_CAPTURE ? acc + chunk.toString("utf8") : acc);

    channel.on("data", (chunk: Buffer) => {
      stdout = keep(stdout, chunk);
      o.onStdout?.(chunk);
    });
    const errOut = (chunk: Buffer) => {
      if (!chunk.length) return;
      stderr = keep(stderr, chunk);
      o.onStderr?.(chunk);
    };
    channel.stderr.on("data", (chunk: Buffer) => {
      if (!head) return errOut(chunk);
      head = Buffer.concat([head, chunk]);
      const text = head.toString("latin1");
      const m = MARKER.exec(text);
      if (m) {
        pgid = Number(m[1]);
        const before = head.subarray(0, m.index);
        const after = head.subarray(m.index + m[0].length);
        head = null;
        errOut(before);
        errOut(after);
        onPgid?.();
      } else if (head.length > 64 * 1024) {
        const all = head;
        head = null;
        errOut(all);
      }
    });
    channel.on("exit", (c: number | null, sig?: string) => {
      code = typeof c === "number" ? c : null;
      exitSignal = sig ?? null;
    });
    channel.end(script.endsWith("\n") ? script : `${script}\n`);

    let stopping: Promise<void> | null = null;
    const stop = (why: "timeout" | "cancel") => {
      if (stopping || finished) return;
      stopped = why;
      stopping = (async () => {
        if (pgid === null) await new Promise<void>((r) => ((onPgid = r), setTimeout(r, 3_000).unref()));
        if (pgid !== null && !finished) {
          o.onStopping?.(`stopping the command on the host: SIGTERM to process group ${pgid}, SIGKILL after ${KILL_GRACE_S} s`);
          const how = await killGroup(session, pgid, !!o.sudo).catch((err: Error) => `could not signal it: ${err.message}`);
          o.onStopping?.(`remote process group ${pgid}: ${how}`);
        }
        channel.close();
      })();
    };
    const onAbort = () => stop("cancel");
    o.signal.addEventListener("abort", onAbort, { once: true });
    const timer = o.timeoutMs ? setTimeout(() => stop("timeout"), o.timeoutMs) : undefined;

    channel.on("close", () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      o.signal.removeEventListener("abort", onAbort);
      if (head?.length) errOut(head);
      head = null;
      const result = { code, signal: exitSignal, stdout, stderr, stopped };
      // When the delegate stopped it, answer only once the group is gone (or the kill gave up).
      if (stopping) void stopping.then(() => resolve(result), () => resolve(result));
      else resolve(result);
    });
  });
}

/** SIGTERM the group, wait (bounded), SIGKILL what is left. Runs on a second channel of the same connection. */
async function killGroup(session: HostSession, pgid: number, sudo: boolean): Promise<string> {
  const s = sudo ? "sudo -n " : "";
  const cmd = [
    `pg=${pgid}`,
    `${s}kill -TERM -- -$pg 2>/dev/null || ${s}kill -TERM $pg 2>/dev/null || { echo "already gone"; exit 0; }`,
    "i=0",
    `while [ $i -lt ${KILL_GRACE_S * 10} ] && ${s}kill -0 -- -$pg 2>/dev/null; do sleep 0.1; i=$((i+1)); done`,
    `if ${s}kill -0 -- -$pg 2>/dev/null; then ${s}kill -KILL -- -$pg 2>/dev/null; echo "did not stop in ${KILL_GRACE_S} s: sent SIGKILL"; else echo "stopped after SIGTERM"; fi`,
  ].join("; ");
  const signal = AbortSignal.timeout((KILL_GRACE_S + 10) * 1000);
  const ch = await session.execChannel(cmd, signal);
  return new Promise((resolve) => {
    let out = "";
    ch.on("data", (d: Buffer) => (out += d.toString("utf8")));
    ch.stderr.on("data", () => {});
    ch.end();
    const t = setTimeout(() => ch.close(), (KILL_GRACE_S + 10) * 1000);
    ch.on("close", () => {
      clearTimeout(t);
      resolve(out.trim() || "signalled");
    });
  });
}
