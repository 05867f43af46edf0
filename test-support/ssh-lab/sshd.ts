// startSshHosts: N real OpenSSH sshd processes on 127.0.0.1, each a simulated VM for the delegate.
// See users.ts for the user model and sshd-config.ts for why each sshd_config line is there.
import { chmod, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectConfig } from "ssh2";
import { installApp } from "./app";
import { fingerprintSha256, fingerprintsEqual } from "./known-hosts";
import { allocatePorts, portsFromBase } from "./ports";
import { killPidSync, mapLimit, onProcessExit, pidAlive, readPid, rmrfSync, sleep } from "./procs";
import { sshdVersion } from "./sshd-config";
import { generateKey, startHost, stopHostProcess } from "./sshd-host";
import type { HostSpec, LabContext, RunningHost, SshHost } from "./sshd-host";
import { isRoot, resolveLoginAccount } from "./users";

export type { SshHost } from "./sshd-host";

export interface StartSshHostsOptions {
  count: number;
  /** First sshd port; hosts get basePort, basePort+1, …  0/undefined = free ports below the ephemeral range. */
  basePort?: number;
  /** Parent directory for the lab's temp dir (default os.tmpdir()). */
  dir?: string;
  /** Login user. Root mode: default `slipway-ssh` (created if missing). Non-root: must be you. */
  user?: string;
  /** `password` = PasswordAuthentication only (root only); `lab.password` holds the secret. */
  auth?: "publickey" | "password";
  /** Pre-place app.js (version below) on every host; false leaves app/ empty for upload tests. */
  withArtifact?: boolean;
  appVersion?: string;
  /** Parallel start-ups (key generation + sshd boot). Default 16. */
  concurrency?: number;
}

export interface SshLab {
  dir: string;
  /** `root`: sshd as root, login as an unprivileged user. `user`: sshd and login as the current user. */
  mode: "root" | "user";
  user: string;
  uid: number;
  hosts: SshHost[];
  /** OpenSSH-format private key text (`-----BEGIN OPENSSH PRIVATE KEY-----`), authorised on every host. */
  clientPrivateKey: string;
  clientPublicKey: string;
  /** Set only for `auth: "password"` labs. */
  password?: string;
  /** All hosts' known_hosts lines, newline-terminated. */
  knownHosts(): string;
  /** ssh2 ConnectConfig pinned to the host's CURRENT fingerprint (or `pin`, to simulate a stale pin). */
  connectConfig(i: number, opts?: { pin?: string; overrides?: Partial<ConnectConfig> }): ConnectConfig;
  /** Restarts host i's sshd on the same port with a brand-new host key; returns the updated host. */
  rotateHostKey(i: number): Promise<SshHost>;
  /** Stops host i's sshd (an "unreachable VM"); startHost(i) brings it back with the same key. */
  stopHost(i: number): Promise<void>;
  startHost(i: number): Promise<SshHost>;
  /** Wall-clock time startSshHosts took, for the benchmark script. */
  startupMs: number;
  stop(): Promise<void>;
}

export async function startSshHosts(opts: StartSshHostsOptions): Promise<SshLab> {
  const t0 = performance.now();
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new Error("count must be a positive integer");
  const auth = opts.auth ?? "publickey";
  const [version, login] = await Promise.all([sshdVersion(), resolveLoginAccount(opts.user, auth)]);
  const { account, password } = login;
  const mode = isRoot() ? "root" : "user";
  // Root sshd chroots its pre-auth child into /run/sshd and refuses to start without it.
  if (mode === "root") mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });

  const dir = await mkdtemp(join(opts.dir ?? tmpdir(), "slipway-ssh-lab-"));
  // 0755: in root mode sshd reads authorized_keys *as the login user*, who must traverse the lab dir.
  await chmod(dir, 0o755);
  const ctx: LabContext = {
    dir,
    keysDir: join(dir, "keys"),
    sshdDir: join(dir, "sshd"),
    authorizedKeysFile: join(dir, "authorized_keys"),
    user: account.name,
    auth,
    version,
  };
  const running: (RunningHost | undefined)[] = [];
  const unhook = onProcessExit(() => cleanupSync(running, dir));

  try {
    await mkdir(ctx.keysDir, { mode: 0o700 });
    await mkdir(ctx.sshdDir, { mode: 0o700 });
    const clientKeyPath = join(ctx.keysDir, "client_ed25519");
    const clientPublicKey = await generateKey(clientKeyPath, "slipway-lab-client");
    const clientPrivateKey = await readFile(clientKeyPath, "utf8");
    await writeFile(ctx.authorizedKeysFile, `${clientPublicKey}\n`, { mode: 0o644 });

    const width = Math.max(2, String(opts.count).length);
    const fixed = !!opts.basePort;
    const sshPorts = fixed ? await portsFromBase(opts.basePort!, opts.count) : await allocatePorts(opts.count);
    const appPorts = await allocatePorts(opts.count);
    const specs: HostSpec[] = sshPorts.map((port, index) => {
      const name = `h${String(index + 1).padStart(width, "0")}`;
      return {
        index,
        name,
        root: join(dir, "hosts", name),
        appPort: appPorts[index]!,
        port,
        portIsFlexible: !fixed,
        keyGeneration: 1,
      };
    });
    await mkdir(join(dir, "hosts"), { mode: 0o755 });

    await mapLimit(specs, opts.concurrency ?? 16, async (spec) => {
      await mkdir(spec.root, { mode: 0o755 });
      await installApp(spec.root, {
        appPort: spec.appPort,
        hostName: spec.name,
        withArtifact: opts.withArtifact,
        version: opts.appVersion,
        owner: mode === "root" ? { uid: account.uid, gid: account.gid } : undefined,
      });
      running[spec.index] = await startHost(ctx, spec, true);
    });

    const hostAt = (i: number): RunningHost => {
      const h = running[i];
      if (!h) throw new Error(`no host ${i} (lab has ${specs.length})`);
      return h;
    };
    const hosts = running.map((h) => h!.info);

    const lab: SshLab = {
      dir,
      mode,
      user: account.name,
      uid: account.uid,
      hosts,
      clientPrivateKey,
      clientPublicKey,
      password,
      startupMs: 0,
      knownHosts: () => hosts.map((h) => `${h.knownHostsLine}\n`).join(""),
      connectConfig(i, o = {}) {
        const h = hostAt(i).info;
        const pin = o.pin ?? h.hostKeyFingerprint;
        return {
          host: h.address,
          port: h.port,
          username: account.name,
          ...(auth === "password" ? { password } : { privateKey: clientPrivateKey }),
          // Without hostHash, ssh2 hands the verifier the raw key blob; fingerprint it like ssh-keygen.
          hostVerifier: (key: Buffer) => fingerprintsEqual(fingerprintSha256(key), pin),
          readyTimeout: 15_000,
          ...o.overrides,
        };
      },
      async rotateHostKey(i) {
        const h = hostAt(i);
        await stopHostProcess(h);
        h.spec.keyGeneration++;
        running[i] = await startHost(ctx, h.spec, true);
        return (hosts[i] = running[i]!.info);
      },
      async stopHost(i) {
        await stopHostProcess(hostAt(i));
      },
      async startHost(i) {
        const h = hostAt(i);
        if (h.child.exitCode === null && h.child.signalCode === null) return h.info;
        running[i] = await startHost(ctx, h.spec, false);
        return (hosts[i] = running[i]!.info);
      },
      async stop() {
        unhook();
        await Promise.all(running.map((h) => (h ? stopHostProcess(h) : undefined)));
        await stopApps(running);
        rmrfSync(dir);
      },
    };
    lab.startupMs = Math.round(performance.now() - t0);
    return lab;
  } catch (err) {
    unhook();
    cleanupSync(running, dir);
    throw err;
  }
}

const appPidFile = (h: RunningHost) => join(h.spec.root, "run", "app.pid");

/** Apps started over ssh are not our children; find them by pidfile, TERM, then KILL (bounded). */
async function stopApps(running: (RunningHost | undefined)[]): Promise<void> {
  const pids = running.map((h) => (h ? readPid(appPidFile(h)) : undefined)).filter((p): p is number => !!p);
  for (const pid of pids) killPidSync(pid, "SIGTERM");
  for (let i = 0; i < 30 && pids.some(pidAlive); i++) await sleep(100);
  for (const pid of pids) if (pidAlive(pid)) killPidSync(pid, "SIGKILL");
}

function cleanupSync(running: (RunningHost | undefined)[], dir: string): void {
  for (const h of running) {
    if (!h) continue;
    killPidSync(h.child.pid);
    killPidSync(readPid(appPidFile(h)));
  }
  rmrfSync(dir);
}
