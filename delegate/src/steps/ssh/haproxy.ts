/**
 * HAProxy's Runtime API, as the delegate reaches it: `unix:/path/admin.sock` or `tcp:host:port` (a bare absolute
 * path counts as unix). One command per connection (non-interactive mode): no prompt parsing and no state shared
 * between concurrent callers. The API answers errors as text, so the known error replies become exceptions.
 *
 *   drainServer   set state drain → wait for the server's current sessions (scur) to reach 0, or the timeout
 *   set state     ready / drain / maint, then read it back
 *   waitForUp     after `ready`: poll until HAProxy reports the server UP (its own checks passed)
 *   set map       blue-green: `set map <map> <key> <backend>`, verified with `show map`
 */
import { createConnection, type Socket } from "node:net";
import { sleep } from "../../transport/backoff";

export type ServerStatus = "UP" | "DOWN" | "MAINT" | "DRAIN" | "STARTING" | "STOPPING";

export interface ServerState {
  backend: string;
  server: string;
  status: ServerStatus;
  opState: number;
  adminState: number;
}

export class HaproxyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HaproxyError";
  }
}

const NAME = /^[A-Za-z0-9_.:-]+$/;

export function checkName(what: string, value: string): string {
  if (!NAME.test(value)) throw new HaproxyError(`${what} ${JSON.stringify(value)} is not a valid HAProxy name (letters, digits, "_", ".", ":", "-")`);
  return value;
}

export class HaproxyRuntime {
  constructor(
    readonly address: string,
    private readonly timeoutMs = 5_000,
  ) {
    parseAddress(address);
  }

  /** Sends one command, returns HAProxy's reply; throws on the error replies HAProxy gives as text. */
  async command(cmd: string, signal?: AbortSignal): Promise<string> {
    if (/[\r\n;]/.test(cmd)) throw new HaproxyError("one runtime command per call");
    const reply = await this.raw(cmd, signal);
    const t = reply.trim();
    if (/^(Unknown command|No such|Unknown|Require|Invalid|Permission denied|Missing|'.+' only supports)/i.test(t) || /No such (server|backend|map)|Can.t find|not found|doesn.t exist|unknown map/i.test(t)) {
      throw new HaproxyError(`HAProxy refused "${cmd}": ${t.split("\n")[0]}`);
    }
    return reply;
  }

  private raw(cmd: string, signal?: AbortSignal): Promise<string> {
    const target = parseAddress(this.address);
    return new Promise((resolve, reject) => {
      const sock: Socket = target.kind === "unix" ? createConnection(target.path) : createConnection(target.port, target.host);
      let out = "";
      const fail = (err: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        sock.destroy();
        reject(err);
      };
      const onAbort = () => fail(new HaproxyError(`cancelled: ${cmd}`));
      signal?.addEventListener("abort", onAbort, { once: true });
      const timer = setTimeout(() => fail(new HaproxyError(`HAProxy runtime API at ${this.address} did not answer "${cmd}" within ${this.timeoutMs} ms`)), this.timeoutMs);
      sock.setEncoding("utf8");
      sock.on("connect", () => sock.write(`${cmd}\n`));
      sock.on("data", (d: string) => (out += d));
      sock.on("error", (err: Error & { code?: string }) => fail(new HaproxyError(`cannot reach the HAProxy runtime API at ${this.address}: ${err.code ?? err.message}`)));
      sock.on("close", () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve(out);
      });
    });
  }

  async serverState(backend: string, server: string, signal?: AbortSignal): Promise<ServerState> {
    const states = parseServersState(await this.command(`show servers state ${checkName("backend", backend)}`, signal));
    const s = states.find((x) => x.server === server);
    if (!s) throw new HaproxyError(`backend ${backend} has no server ${server} (it has: ${states.map((x) => x.server).join(", ") || "none"})`);
    return s;
  }

  async setState(backend: string, server: string, state: "ready" | "drain" | "maint", signal?: AbortSignal): Promise<void> {
    await this.command(`set server ${checkName("backend", backend)}/${checkName("server", server)} state ${state}`, signal);
  }

  /** Current sessions of one server (`show stat`'s scur). */
  async sessions(backend: string, server: string, signal?: AbortSignal): Promise<number> {
    const reply = await this.command("show stat", signal);
    const lines = reply.split("\n").filter((l) => l.trim());
    const header = lines.shift();
    if (!header?.startsWith("# ")) throw new HaproxyError(`unexpected "show stat" reply: ${reply.slice(0, 120)}`);
    const cols = header.slice(2).split(",");
    const [px, sv, cur] = [cols.indexOf("pxname"), cols.indexOf("svname"), cols.indexOf("scur")];
    for (const l of lines) {
      const cells = l.split(",");
      if (cells[px] === backend && cells[sv] === server) return Number(cells[cur] ?? 0);
    }
    throw new HaproxyError(`"show stat" has no row for ${backend}/${server}`);
  }

  /**
   * Takes a server out of rotation gracefully: drain (no new sessions), wait for its sessions to end (bounded by
   * drainTimeoutMs), then maint. Says what it did; "already in maintenance" when there was nothing to do.
   */
  async removeServer(backend: string, server: string, drainTimeoutMs: number, signal: AbortSignal, say: (line: string) => void): Promise<string> {
    const before = await this.serverState(backend, server, signal);
    if (before.status === "MAINT") return `${backend}/${server} is already in maintenance: skipped`;
    await this.setState(backend, server, "drain", signal);
    const started = Date.now();
    let left = await this.sessions(backend, server, signal);
    say(`${backend}/${server}: drain (was ${before.status}), ${left} current session(s)`);
    // Bounded by drainTimeoutMs.
    while (left > 0 && Date.now() - started < drainTimeoutMs && !signal.aborted) {
      await sleep(100, signal);
      left = await this.sessions(backend, server, signal);
    }
    if (signal.aborted) throw new HaproxyError("cancelled while draining");
    if (left > 0) say(`${backend}/${server}: ${left} session(s) still open after the drain timeout (${Math.round(drainTimeoutMs / 1000)} s): continuing`);
    else say(`${backend}/${server}: drained in ${Date.now() - started} ms`);
    await this.setState(backend, server, "maint", signal);
    const after = await this.serverState(backend, server, signal);
    if (after.status !== "MAINT") throw new HaproxyError(`${backend}/${server} is ${after.status} after "state maint"`);
    return `${backend}/${server} out of rotation (drained, in maintenance)`;
  }

  /** Returns a server to rotation and waits until HAProxy reports it UP (bounded by timeoutMs). */
  async addServer(backend: string, server: string, timeoutMs: number, signal: AbortSignal): Promise<string> {
    const before = await this.serverState(backend, server, signal);
    if (before.status === "UP" && before.adminState === 0) return `${backend}/${server} is already UP and in rotation: skipped`;
    await this.setState(backend, server, "ready", signal);
    const started = Date.now();
    let last = await this.serverState(backend, server, signal);
    // Bounded by timeoutMs.
    while (last.status !== "UP" && Date.now() - started < timeoutMs && !signal.aborted) {
      await sleep(100, signal);
      last = await this.serverState(backend, server, signal);
    }
    if (signal.aborted) throw new HaproxyError("cancelled while waiting for the server to be UP");
    if (last.status !== "UP") throw new HaproxyError(`${backend}/${server} is ${last.status}, not UP, ${Math.round(timeoutMs / 1000)} s after "state ready"`);
    return `${backend}/${server} back in rotation: ready and UP after ${Date.now() - started} ms`;
  }

  /** The backends HAProxy knows (`show backend`). */
  async backends(signal?: AbortSignal): Promise<string[]> {
    const reply = await this.command("show backend", signal);
    return reply
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
  }

  /** The value of `key` in a map file HAProxy has loaded (null when the key is absent). */
  async mapValue(map: string, key: string, signal?: AbortSignal): Promise<string | null> {
    const reply = await this.command(`show map ${map}`, signal);
    for (const line of reply.split("\n")) {
      const parts = line.trim().split(/\s+/);
      if (parts.length >= 3 && parts[1] === key) return parts.slice(2).join(" ");
    }
    return null;
  }

  async setMap(map: string, key: string, value: string, signal?: AbortSignal): Promise<void> {
    if (/\s/.test(map) || /\s/.test(key) || /\s/.test(value)) throw new HaproxyError("map, key and value must not contain spaces");
    await this.command(`set map ${map} ${key} ${value}`, signal);
  }
}

type Address = { kind: "unix"; path: string } | { kind: "tcp"; host: string; port: number };

export function parseAddress(address: string): Address {
  if (address.startsWith("unix:")) return { kind: "unix", path: address.slice(5) };
  if (address.startsWith("/")) return { kind: "unix", path: address };
  const m = /^tcp:(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(address);
  if (m) return { kind: "tcp", host: m[1] ?? m[2]!, port: Number(m[3]) };
  throw new HaproxyError(`runtime API address ${JSON.stringify(address)} is neither unix:/path nor tcp:host:port`);
}

// Bits of HAProxy's enum srv_admin: FMAINT|IMAINT|CMAINT|RMAINT|HMAINT, and FDRAIN|IDRAIN.
const ADMIN_MAINT = 0x01 | 0x02 | 0x04 | 0x20 | 0x40;
const ADMIN_DRAIN = 0x08 | 0x10;
const OP_STATES: ServerStatus[] = ["DOWN", "STARTING", "UP", "STOPPING"];

/** `show servers state` (format 1), columns located by the header line. */
export function parseServersState(text: string): ServerState[] {
  const lines = text.split("\n").filter((l) => l.trim());
  const header = lines.find((l) => l.startsWith("# "));
  if (!header) throw new HaproxyError(`unexpected "show servers state" reply: ${text.slice(0, 200)}`);
  const cols = header.slice(2).trim().split(/\s+/);
  const col = (row: string[], name: string) => row[cols.indexOf(name)] ?? "";
  return lines
    .filter((l) => !l.startsWith("#") && /^\d+\s/.test(l))
    .map((l) => {
      const row = l.trim().split(/\s+/);
      const opState = Number(col(row, "srv_op_state"));
      const adminState = Number(col(row, "srv_admin_state"));
      let status: ServerStatus = OP_STATES[opState] ?? "DOWN";
      if (adminState & ADMIN_MAINT) status = "MAINT";
      else if (status === "UP" && adminState & ADMIN_DRAIN) status = "DRAIN";
      return { backend: col(row, "be_name"), server: col(row, "srv_name"), status, opState, adminState };
    });
}
