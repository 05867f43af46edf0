// One simulated host = one `sshd -D` process with its own port, host key, config and log.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { fingerprintOfPublicKeyLine, formatKnownHostsLine } from "./known-hosts";
import { allocatePorts } from "./ports";
import { killChild, runOk, spawnDaemon, stderrTail, waitFor } from "./procs";
import { renderSshdConfig, SSH_KEYGEN, SSHD } from "./sshd-config";
import type { OpenSshVersion } from "./sshd-config";

export interface SshHost {
  index: number;
  /** `h01`, `h02`, … (3 digits from 100 hosts up). Also `$SLIPWAY_HOST_NAME` on the host. */
  name: string;
  address: "127.0.0.1";
  port: number;
  /** This host's "filesystem": `$SLIPWAY_HOST_ROOT` in every session on it. */
  root: string;
  /** Loopback port reserved for this host's app (start.sh reads it from host.env). */
  appPort: number;
  /** `ssh-ed25519 AAAA… comment`, as in the host's .pub file. */
  hostPublicKey: string;
  /** `SHA256:…`, identical to `ssh-keygen -lf`. */
  hostKeyFingerprint: string;
  /** `[127.0.0.1]:port ssh-ed25519 AAAA…`, ready for a known_hosts file. */
  knownHostsLine: string;
  pid: number;
  logFile: string;
}

export interface HostSpec {
  index: number;
  name: string;
  root: string;
  appPort: number;
  port: number;
  /** false when the caller fixed the port (basePort): then "address in use" is an error, not a retry. */
  portIsFlexible: boolean;
  keyGeneration: number;
}

export interface LabContext {
  dir: string;
  keysDir: string;
  sshdDir: string;
  authorizedKeysFile: string;
  user: string;
  auth: "publickey" | "password";
  version: OpenSshVersion;
}

export interface RunningHost {
  spec: HostSpec;
  child: ChildProcess;
  info: SshHost;
}

export async function generateKey(path: string, comment: string): Promise<string> {
  await rm(path, { force: true });
  await rm(`${path}.pub`, { force: true });
  // -N '' because sshd and the tests must load the key unattended; ssh-keygen (not node:crypto)
  // so the files are byte-for-byte what an admin would have.
  await runOk(SSH_KEYGEN, ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]);
  return readFileSync(`${path}.pub`, "utf8").trim();
}

const hostKeyPath = (ctx: LabContext, spec: HostSpec) =>
  join(ctx.keysDir, `${spec.name}_ed25519_g${spec.keyGeneration}`);

function logSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Starts sshd for `spec`, generating its host key first when `newKey` is set. Retries on port races. */
export async function startHost(ctx: LabContext, spec: HostSpec, newKey: boolean): Promise<RunningHost> {
  const keyPath = hostKeyPath(ctx, spec);
  const hostPublicKey = newKey
    ? await generateKey(keyPath, `slipway-lab-${spec.name}-g${spec.keyGeneration}`)
    : readFileSync(`${keyPath}.pub`, "utf8").trim();
  const logFile = join(ctx.sshdDir, `${spec.name}.log`);
  const configFile = join(ctx.sshdDir, `${spec.name}.conf`);

  for (let attempt = 1; ; attempt++) {
    writeFileSync(
      configFile,
      renderSshdConfig({
        port: spec.port,
        hostKeyPath: keyPath,
        pidFile: join(ctx.sshdDir, `${spec.name}.pid`),
        authorizedKeysFile: ctx.authorizedKeysFile,
        user: ctx.user,
        auth: ctx.auth,
        env: { SLIPWAY_HOST_ROOT: spec.root, SLIPWAY_HOST_NAME: spec.name },
        version: ctx.version,
      }),
    );
    const offset = logSize(logFile);
    // -D: stay in the foreground as our child (clean kill, pdeathsig); -E: log to a file we can
    // poll for readiness instead of racing TCP probes (which sshd 9.8+ would count as penalties).
    const child = spawnDaemon(SSHD, ["-D", "-f", configFile, "-E", logFile]);
    const newLog = () => {
      try {
        return readFileSync(logFile, "utf8").slice(offset);
      } catch {
        return "";
      }
    };
    try {
      await waitFor(
        `sshd ${spec.name} on port ${spec.port}`,
        () => (newLog().includes("Server listening on") ? true : undefined),
        {
          child,
          timeoutMs: 20_000,
          diagnostics: () => `${newLog()}${stderrTail(child)}`.trim().split("\n").slice(-8).join("\n"),
        },
      );
    } catch (err) {
      await killChild(child, 500);
      const inUse = /Address already in use/.test(newLog());
      if (inUse && spec.portIsFlexible && attempt < 5) {
        spec.port = (await allocatePorts(1))[0]!;
        continue;
      }
      throw err;
    }
    const info: SshHost = {
      index: spec.index,
      name: spec.name,
      address: "127.0.0.1",
      port: spec.port,
      root: spec.root,
      appPort: spec.appPort,
      hostPublicKey,
      hostKeyFingerprint: fingerprintOfPublicKeyLine(hostPublicKey),
      knownHostsLine: formatKnownHostsLine("127.0.0.1", spec.port, hostPublicKey),
      pid: child.pid!,
      logFile,
    };
    return { spec, child, info };
  }
}

export async function stopHostProcess(h: RunningHost): Promise<void> {
  await killChild(h.child);
}
