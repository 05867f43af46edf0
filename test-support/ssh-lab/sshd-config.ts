// sshd_config rendering and OpenSSH version checks for the lab.
import { existsSync } from "node:fs";
import { run } from "./procs";

// Absolute path is mandatory: sshd re-executes itself per connection and refuses a relative argv[0].
export const SSHD = ["/usr/sbin/sshd", "/usr/local/sbin/sshd"].find((p) => existsSync(p)) ?? "/usr/sbin/sshd";
export const SSH_KEYGEN =
  ["/usr/bin/ssh-keygen", "/usr/local/bin/ssh-keygen"].find((p) => existsSync(p)) ?? "ssh-keygen";

export interface OpenSshVersion {
  major: number;
  minor: number;
  raw: string;
}

let cached: Promise<OpenSshVersion> | undefined;

/** `sshd -V` prints e.g. "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.x" on stderr (older: usage + version). */
export function sshdVersion(): Promise<OpenSshVersion> {
  cached ??= run(SSHD, ["-V"]).then((r) => {
    const raw = `${r.stderr}${r.stdout}`;
    const m = /OpenSSH_(\d+)\.(\d+)/.exec(raw);
    if (!m) throw new Error(`cannot parse OpenSSH version from ${SSHD} -V: ${raw.trim()}`);
    return { major: Number(m[1]), minor: Number(m[2]), raw: raw.trim().split("\n").pop()! };
  });
  return cached;
}

const atLeast = (v: OpenSshVersion, major: number, minor: number) =>
  v.major > major || (v.major === major && v.minor >= minor);

export interface SshdConfigInput {
  port: number;
  hostKeyPath: string;
  pidFile: string;
  authorizedKeysFile: string;
  user: string;
  auth: "publickey" | "password";
  env: Record<string, string>;
  version: OpenSshVersion;
}

export function renderSshdConfig(c: SshdConfigInput): string {
  // sshd_config SetEnv (8.7+) is how each simulated host tells scripts where its "filesystem" is,
  // without ForceCommand (which would break sftp and exec semantics) and without touching the
  // shared login user's ~/.ssh/environment (which every host of every lab would share).
  if (!atLeast(c.version, 8, 7)) {
    throw new Error(`OpenSSH ${c.version.major}.${c.version.minor} lacks sshd_config SetEnv (needs 8.7+)`);
  }
  for (const [k, v] of Object.entries(c.env)) {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(k) || /["\s]/.test(v)) throw new Error(`unsafe SetEnv ${k}=${v}`);
  }
  const lines = [
    `Port ${c.port}`,
    "ListenAddress 127.0.0.1",
    "AddressFamily inet",
    `HostKey ${c.hostKeyPath}`,
    `PidFile ${c.pidFile}`,
    // Absolute, per-lab authorized_keys: never edit a real user's ~/.ssh (in CI that is the runner's
    // own account), and concurrent labs sharing slipway-ssh must not race on one file.
    `AuthorizedKeysFile ${c.authorizedKeysFile}`,
    // StrictModes would reject that file because the lab lives under /tmp (world-writable parent).
    // The check protects real homes from other local users; the lab has nothing to protect.
    "StrictModes no",
    `PubkeyAuthentication ${c.auth === "publickey" ? "yes" : "no"}`,
    `PasswordAuthentication ${c.auth === "password" ? "yes" : "no"}`,
    `AuthenticationMethods ${c.auth}`,
    "KbdInteractiveAuthentication no",
    "PermitEmptyPasswords no",
    // PAM would consult /etc/pam.d/sshd (system policy, lastlog, motd) and needs root; the lab wants
    // neither. Consequence: accounts must not be '!'-locked (see users.ts).
    "UsePAM no",
    "PermitRootLogin no",
    `AllowUsers ${c.user}`,
    "Subsystem sftp internal-sftp",
    `SetEnv ${Object.entries(c.env)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`,
    "PrintMotd no",
    "PrintLastLog no",
    "UseDNS no",
    "X11Forwarding no",
    "AllowTcpForwarding no",
    "PermitTunnel no",
    // Many parallel handshakes from one delegate are normal in rolling deploys; do not shed them.
    "MaxStartups 200",
    "MaxSessions 50",
    "LoginGraceTime 30",
    "LogLevel VERBOSE",
  ];
  // 9.8+ penalises sources that fail or abandon auth; every test client is 127.0.0.1, so a few
  // "host key rejected" tests would lock out the rest of the suite.
  if (atLeast(c.version, 9, 8)) lines.push("PerSourcePenaltyExemptList 127.0.0.0/8");
  return `${lines.join("\n")}\n`;
}
