/**
 * The hosts of one SSH step, connected before anything runs anywhere: every selected host (and jump host) is
 * connected and its key verified first; a single refused key fails the step with no command run on any host.
 * Hosts that cannot be reached count as failed hosts (within the step's tolerance) or fail the step too.
 *
 * Also the per-host helpers every SSH executor shares: the host's variables, a remote script with the step's
 * variables exported, and the phase error that names what failed.
 */
import { setMaxListeners } from "node:events";
import type { SshTarget } from "@slipway/pipeline-spec/protocol";
import type { StepContext, StepLog } from "../types";
import { mapLimit } from "./batches";
import { ConnectError, HostKeyRefusedError, HostSession, JumpPool } from "./connection";
import { runRemote, type RemoteRunResult } from "./exec";
import { ENV_NAME, shq } from "./vars";

export interface SshExecutorOptions {
  /** PATH, HOME, LANG of the delegate (for hooks run on the delegate). */
  baseEnv: Record<string, string>;
  delegatePid: number;
  /** Handshakes at once when connecting a step's hosts (default 32). */
  connectConcurrency?: number;
}

export interface FleetHost {
  target: SshTarget;
  session: HostSession;
  lane: StepLog;
  /** Why it could not be connected (null when connected). */
  error: string | null;
}

export interface Fleet {
  hosts: FleetHost[];
  /** {"address:port": "SHA256:…"} for hosts (and jump hosts) accepted on first use. */
  learnedHostKeys(): Record<string, string>;
  close(): void;
}

export type FleetResult = { ok: true; fleet: Fleet; unreachable: FleetHost[] } | { ok: false; fleet: Fleet; message: string; refused: boolean };

export async function connectFleet(targets: readonly SshTarget[], ctx: StepContext, o: { concurrency: number; tolerateUnreachable: number }): Promise<FleetResult> {
  // Every host's commands, transfers and waits listen for the task's abort at once: not a leak.
  setMaxListeners(Math.max(100, targets.length * 8), ctx.signal);
  const trustOnFirstUse = targets.some((t) => t.trustOnFirstUse);
  const jumps = new JumpPool(trustOnFirstUse);
  const hosts: FleetHost[] = targets.map((target) => ({ target, session: new HostSession(target, jumps), lane: ctx.lane(target.name), error: null }));
  const fleet: Fleet = {
    hosts,
    learnedHostKeys() {
      const out: Record<string, string> = { ...jumps.learned };
      for (const h of hosts) if (h.session.learned && h.session.fingerprint) out[`${h.target.address}:${h.target.port}`] = h.session.fingerprint;
      return out;
    },
    close() {
      for (const h of hosts) h.session.close();
      jumps.close();
    },
  };
  const refusals: string[] = [];
  const started = performance.now();
  ctx.log.system(`connecting to ${hosts.length} host${hosts.length === 1 ? "" : "s"} and verifying their host keys before running anything`);
  await mapLimit(hosts, o.concurrency, async (h) => {
    if (ctx.signal.aborted) return;
    const t = h.target;
    try {
      await h.session.connect(ctx.signal);
      const how = h.session.learned ? "not pinned, accepted on first use (trust on first use) and reported for pinning" : "matches the pinned key";
      h.lane.system(`connected to ${t.user}@${t.address}:${t.port}${t.jumpHost ? ` through ${t.jumpHost.address}:${t.jumpHost.port}` : ""} in ${Math.round(h.session.connectMs)} ms; host key ${h.session.fingerprint} ${how}`);
    } catch (err) {
      h.error = (err as Error).message;
      if (err instanceof HostKeyRefusedError) refusals.push(h.error);
      h.lane.system(err instanceof HostKeyRefusedError || err instanceof ConnectError ? h.error : `cannot connect: ${h.error}`);
    }
  });
  if (ctx.signal.aborted) return { ok: false, fleet, message: "cancelled while connecting", refused: false };
  const unreachable = hosts.filter((h) => h.error !== null);
  ctx.log.system(`connected ${hosts.length - unreachable.length}/${hosts.length} hosts in ${Math.round(performance.now() - started)} ms`);
  if (refusals.length) {
    const message = `refused ${refusals.length} host key${refusals.length === 1 ? "" : "s"}; nothing was run on any host: ${refusals.join(" | ")}`;
    return { ok: false, fleet, message, refused: true };
  }
  if (unreachable.length > o.tolerateUnreachable) {
    const names = unreachable.map((h) => h.error).join(" | ");
    return { ok: false, fleet, message: `cannot connect to ${unreachable.length} of ${hosts.length} hosts (tolerated: ${o.tolerateUnreachable}); nothing was run on any host: ${names}`, refused: false };
  }
  return { ok: true, fleet, unreachable };
}

/** What `${VAR}` means on one host: the step's variables, the host's own, then the built-ins. */
export function hostVars(variables: Record<string, string>, t: SshTarget, extra: Record<string, string> = {}): Record<string, string> {
  return { ...variables, ...t.vars, HOST: t.address, HOST_NAME: t.name, HOST_PORT: String(t.port), HOST_GROUP: t.group, ...extra };
}

/** `export NAME='value'` lines for every valid name (the script goes over stdin, so values never show in `ps`). */
export function exportLines(vars: Record<string, string>): string {
  return Object.entries(vars)
    .filter(([k]) => ENV_NAME.test(k))
    .map(([k, v]) => `export ${k}=${shq(v)}`)
    .join("\n");
}

/** A phase or command failed on a host; the message is the one line the result quotes. */
export class HostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HostError";
  }
}

/**
 * Runs a script on the host, its output in the host's lane; throws HostError on a non-zero exit (quoting the
 * last line of stderr), on cancel and on timeout.
 */
export async function hostScript(h: FleetHost, script: string, o: { signal: AbortSignal; sudo?: boolean; timeoutMs?: number; quiet?: boolean; what: string }): Promise<RemoteRunResult> {
  const r = await runRemote(h.session, script, {
    signal: o.signal,
    sudo: o.sudo,
    timeoutMs: o.timeoutMs,
    capture: true,
    onStdout: o.quiet ? undefined : (c) => h.lane.stdout(c),
    onStderr: (c) => h.lane.stderr(c),
    onStopping: (line) => h.lane.system(line),
  });
  if (r.stopped === "cancel") throw new HostError(`${o.what}: cancelled`);
  if (r.stopped === "timeout") throw new HostError(`${o.what}: timed out after ${formatMs(o.timeoutMs ?? 0)}`);
  if (r.code !== 0) {
    const last = r.stderr.trim().split("\n").pop()?.trim();
    const how = r.code !== null ? `exit code ${r.code}` : r.signal ? `killed by ${r.signal}` : "the connection closed before the command finished";
    throw new HostError(`${o.what}: ${how}${last ? ` (${last.slice(0, 300)})` : ""}`);
  }
  return r;
}

export const formatMs = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** key=value lines printed by a probe script. */
export function parseKv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Failures per host name, in the work's host order (messages must not depend on which host finished first). */
export function inOrder(hosts: readonly SshTarget[], failures: ReadonlyMap<string, string>): [string, string][] {
  return hosts.filter((t) => failures.has(t.name)).map((t) => [t.name, failures.get(t.name)!]);
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
