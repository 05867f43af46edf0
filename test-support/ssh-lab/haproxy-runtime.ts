// HAProxy Runtime API over its unix socket: one command per connection (non-interactive mode),
// so no prompt parsing and no shared state between concurrent callers.
import { createConnection } from "node:net";

export function runtimeCommand(socketPath: string, cmd: string, timeoutMs = 5_000): Promise<string> {
  if (/[\r\n]/.test(cmd)) throw new Error("one runtime command per call (no newlines)");
  return new Promise((resolve, reject) => {
    const sock = createConnection(socketPath);
    let out = "";
    const timer = setTimeout(() => sock.destroy(new Error(`runtime API timed out: ${cmd}`)), timeoutMs);
    sock.setEncoding("utf8");
    sock.on("connect", () => sock.write(`${cmd}\n`));
    sock.on("data", (d: string) => (out += d));
    sock.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

export type ServerStatus = "UP" | "DOWN" | "MAINT" | "DRAIN" | "STARTING" | "STOPPING";

export interface ServerState {
  backend: string;
  server: string;
  address: string;
  port: number;
  /** Derived, in the spirit of `show stat`'s status column: MAINT > DOWN > DRAIN > UP. */
  status: ServerStatus;
  /** srv_op_state: 0 stopped, 1 starting, 2 running, 3 stopping. */
  opState: number;
  /** srv_admin_state bit field (0x01 forced maint, 0x08 forced drain, …). */
  adminState: number;
  weight: number;
  checkStatus: number;
}

// Bits from HAProxy's enum srv_admin: FMAINT|IMAINT|CMAINT|RMAINT|HMAINT, and FDRAIN|IDRAIN.
const ADMIN_MAINT = 0x01 | 0x02 | 0x04 | 0x20 | 0x40;
const ADMIN_DRAIN = 0x08 | 0x10;
const OP_STATES: ServerStatus[] = ["DOWN", "STARTING", "UP", "STOPPING"];

/** Parses `show servers state` (format version 1; columns located by the header, not by position). */
export function parseServersState(text: string): ServerState[] {
  const lines = text.split("\n").filter((l) => l.trim());
  const header = lines.find((l) => l.startsWith("# "));
  if (!header) throw new Error(`unexpected 'show servers state' output: ${text.slice(0, 200)}`);
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
      return {
        backend: col(row, "be_name"),
        server: col(row, "srv_name"),
        address: col(row, "srv_addr"),
        port: Number(col(row, "srv_port")),
        status,
        opState,
        adminState,
        weight: Number(col(row, "srv_uweight")),
        checkStatus: Number(col(row, "srv_check_status")),
      };
    });
}

export interface StatRow {
  pxname: string;
  svname: string;
  status: string;
  /** Cumulative sessions: a drained server's stot must not grow. */
  stot: number;
  scur: number;
  weight: number;
  [column: string]: string | number;
}

/** Parses `show stat` CSV (`# pxname,svname,…` header). Numeric-looking cells become numbers. */
export function parseStat(text: string): StatRow[] {
  const lines = text.split("\n").filter((l) => l.trim());
  const header = lines.shift();
  if (!header?.startsWith("# ")) throw new Error(`unexpected 'show stat' output: ${text.slice(0, 200)}`);
  const cols = header.slice(2).split(",");
  return lines.map((l) => {
    const cells = l.split(",");
    const row: Record<string, string | number> = {};
    cols.forEach((c, i) => {
      if (!c) return;
      const v = cells[i] ?? "";
      row[c] = v !== "" && /^-?\d+$/.test(v) ? Number(v) : v;
    });
    return row as StatRow;
  });
}

/** Runtime API answers errors as text with exit status 0; turn the common ones into exceptions. */
export function assertRuntimeOk(cmd: string, reply: string): string {
  const t = reply.trim();
  if (
    /^(Unknown command|No such|Unknown|Require|Invalid|Permission denied|'.+' only supports)/i.test(t) ||
    /No such (server|backend|map)|Can.t find|not found|doesn.t exist/i.test(t)
  ) {
    throw new Error(`haproxy runtime '${cmd}' failed: ${t}`);
  }
  return reply;
}
