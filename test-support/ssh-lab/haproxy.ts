// startHaproxy: a real HAProxy in front of lab apps, driven through its Runtime API exactly as the
// delegate's load-balancer steps will drive a customer's HAProxy.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderHaproxyConfig } from "./haproxy-config";
import type { HaproxyBackend } from "./haproxy-config";
import { assertRuntimeOk, parseServersState, parseStat, runtimeCommand } from "./haproxy-runtime";
import type { ServerState, ServerStatus, StatRow } from "./haproxy-runtime";
import { allocatePorts } from "./ports";
import { killChild, onProcessExit, killPidSync, rmrfSync, spawnDaemon, stderrTail, waitFor } from "./procs";

export type { HaproxyBackend, HaproxyServer } from "./haproxy-config";
export type { ServerState, ServerStatus, StatRow } from "./haproxy-runtime";

export const HAPROXY = ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy"].find((p) => existsSync(p)) ?? "haproxy";

export interface StartHaproxyOptions {
  backends: HaproxyBackend[];
  /** 0/undefined = a free port below the ephemeral range. */
  frontendPort?: number;
  /** Backend live at start (default: first). */
  active?: string;
  checkIntervalMs?: number;
  dir?: string;
}

export interface Haproxy {
  frontendUrl: string;
  frontendPort: number;
  runtimeSocket: string;
  configPath: string;
  mapPath: string;
  pid: number;
  /** Raw Runtime API: send one command, get HAProxy's text reply. */
  runtime(cmd: string): Promise<string>;
  /** `ready` = normal, `drain` = no new traffic (checks keep running), `maint` = out of rotation. */
  setServerState(backend: string, server: string, state: "ready" | "drain" | "maint"): Promise<void>;
  /** 0-256; 0 keeps the server healthy-checked but sends it no new requests (canary steps). */
  setWeight(backend: string, server: string, weight: number): Promise<void>;
  showServersState(backend?: string): Promise<ServerState[]>;
  showStat(): Promise<StatRow[]>;
  waitForServerStatus(
    backend: string,
    server: string,
    status: ServerStatus | ServerStatus[],
    opts?: { timeoutMs?: number },
  ): Promise<ServerState>;
  /** Blue/green switch: `set map <mapPath> active <backend>`, plus the file on disk for reload parity. */
  setActiveBackend(backend: string): Promise<void>;
  getActiveBackend(): Promise<string>;
  stop(): Promise<void>;
}

export async function startHaproxy(opts: StartHaproxyOptions): Promise<Haproxy> {
  const dir = mkdtempSync(join(opts.dir ?? tmpdir(), "slipway-haproxy-"));
  let child: ReturnType<typeof spawnDaemon> | undefined;
  const unhook = onProcessExit(() => {
    killPidSync(child?.pid);
    rmrfSync(dir);
  });
  const runtimeSocket = join(dir, "admin.sock");
  const configPath = join(dir, "haproxy.cfg");
  const mapPath = join(dir, "active.map");
  const active = opts.active ?? opts.backends[0]?.name ?? "";
  let frontendPort = opts.frontendPort ?? 0;

  try {
    for (let attempt = 1; ; attempt++) {
      if (!opts.frontendPort) frontendPort = (await allocatePorts(1))[0]!;
      writeFileSync(mapPath, `active ${active}\n`);
      writeFileSync(
        configPath,
        renderHaproxyConfig({
          frontendPort,
          backends: opts.backends,
          socketPath: runtimeSocket,
          mapPath,
          active,
          checkIntervalMs: opts.checkIntervalMs ?? 200,
        }),
      );
      // -db: foreground (our child; pdeathsig applies). -W is not needed: we never reload.
      child = spawnDaemon(HAPROXY, ["-db", "-f", configPath]);
      const c = child;
      try {
        await waitFor(
          "haproxy runtime socket",
          async () =>
            (await runtimeCommand(runtimeSocket, "show info").catch(() => "")).includes("Name: HAProxy")
              ? true
              : undefined,
          { child: c, timeoutMs: 15_000, diagnostics: () => stderrTail(c) },
        );
        break;
      } catch (err) {
        await killChild(c, 500);
        // Port raced away between allocation and bind: pick another (bounded), unless it was fixed.
        if (!opts.frontendPort && /cannot bind|Address already in use/i.test(stderrTail(c)) && attempt < 5) continue;
        throw err;
      }
    }
  } catch (err) {
    unhook();
    rmrfSync(dir);
    throw err;
  }

  const runtime = (cmd: string) => runtimeCommand(runtimeSocket, cmd);
  const ok = async (cmd: string) => assertRuntimeOk(cmd, await runtime(cmd));
  const proc = child!;

  const lb: Haproxy = {
    frontendUrl: `http://127.0.0.1:${frontendPort}`,
    frontendPort,
    runtimeSocket,
    configPath,
    mapPath,
    pid: proc.pid!,
    runtime,
    async setServerState(backend, server, state) {
      await ok(`set server ${backend}/${server} state ${state}`);
    },
    async setWeight(backend, server, weight) {
      if (!Number.isInteger(weight) || weight < 0 || weight > 256)
        throw new Error(`weight must be 0-256, got ${weight}`);
      await ok(`set server ${backend}/${server} weight ${weight}`);
    },
    async showServersState(backend) {
      return parseServersState(await ok(backend ? `show servers state ${backend}` : "show servers state"));
    },
    async showStat() {
      return parseStat(await ok("show stat"));
    },
    async waitForServerStatus(backend, server, status, o = {}) {
      const wanted = Array.isArray(status) ? status : [status];
      let last: ServerState | undefined;
      return waitFor(
        `${backend}/${server} to be ${wanted.join("|")}`,
        async () => {
          last = (await lb.showServersState(backend)).find((s) => s.server === server);
          if (!last) throw new Error(`no server ${backend}/${server}`);
          return wanted.includes(last.status) ? last : undefined;
        },
        { timeoutMs: o.timeoutMs ?? 10_000, intervalMs: 50, diagnostics: () => `last state: ${JSON.stringify(last)}` },
      );
    },
    async setActiveBackend(backend) {
      if (!opts.backends.some((b) => b.name === backend)) throw new Error(`unknown backend ${backend}`);
      await ok(`set map ${mapPath} active ${backend}`);
      writeFileSync(mapPath, `active ${backend}\n`);
    },
    async getActiveBackend() {
      const reply = await ok(`show map ${mapPath}`);
      const m = /\sactive\s+(\S+)/.exec(reply);
      return m?.[1] ?? readFileSync(mapPath, "utf8").trim().split(/\s+/)[1] ?? active;
    },
    async stop() {
      unhook();
      await killChild(proc);
      rmrfSync(dir);
    },
  };
  return lb;
}
