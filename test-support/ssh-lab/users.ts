// Who the lab's sshd runs as, and who logs in.
//
// User model (one shared login user, not one user per host):
// - root:  sshd runs as root (privilege separation, /run/sshd) and everyone logs in as ONE
//          unprivileged user, `slipway-ssh`. Hosts are isolated by directory (SLIPWAY_HOST_ROOT)
//          and pidfiles, exactly as they are when not root. Per-host users (swh01…) would give
//          isolation that the non-root mode can never have, so tests could pass as root and fail
//          in CI; they would also mean 100 useradd calls (serialised on /etc/passwd's lock) for
//          the 100-host benchmark and 100 accounts left behind on the machine.
// - user:  sshd runs as the current user and can only log that same user in (no setuid possible).
//
// Password auth (root only) uses a second account, `slipway-sshpw`, so the key-only account never
// has a usable password hash in /etc/shadow.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { userInfo } from "node:os";
import { run, sleep } from "./procs";

export const DEFAULT_LOGIN_USER = "slipway-ssh";
export const DEFAULT_PASSWORD_USER = "slipway-sshpw";
// Root-only state, not under /tmp: a world-writable parent would let another user pre-create it.
const PASSWORD_STATE = "/var/lib/slipway-ssh-lab/password";

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

export function currentAccount(): Account {
  const u = userInfo();
  return { name: u.username, uid: u.uid, gid: u.gid, home: u.homedir, shell: u.shell ?? "/bin/sh" };
}

export async function lookupAccount(name: string): Promise<Account | undefined> {
  const r = await run("getent", ["passwd", name]);
  if (r.code !== 0) return undefined;
  const [user, , uid, gid, , home, shell] = r.stdout.trim().split(":");
  return { name: user!, uid: Number(uid), gid: Number(gid), home: home!, shell: shell! };
}

/**
 * Runs a shadow-utils command, retrying (bounded) while another program holds /etc/passwd's lock. Our own
 * account changes are serialised by USERS_LOCK (below); this covers anything else on the machine.
 */
async function shadowUtil(cmd: string, args: string[], input?: string) {
  for (let attempt = 0; ; attempt++) {
    const r = await run(cmd, args, { input });
    if (r.code === 0 || attempt >= 20 || !/lock|try again/i.test(r.stderr)) return r;
    await sleep(50 + Math.random() * 100);
  }
}

/**
 * One machine-wide lock around creating and unlocking lab accounts. Parallel test files (separate workers, even
 * separate processes) all make sure the same account exists at the same moment, and two racing `useradd`s are
 * not safe: on a fresh machine one of them failed half-way on a lock, rolled back the account it had written, and
 * made it again with the next uid, after the other caller had already read (and chowned its hosts to) the first
 * uid: "Permission denied" in every host of that lab. Under flock(1) the second caller waits, then finds the
 * account made.
 */
const USERS_LOCK = "/run/lock/slipway-ssh-lab-users.lock";

const ENSURE_USER_SCRIPT = `
set -e
getent passwd "$1" >/dev/null || useradd --create-home --shell /bin/bash --user-group "$1"
# With \`UsePAM no\` sshd refuses accounts whose shadow hash starts with '!' ("account is locked"). '*' means
# "no password can match" but is not "locked", so key login works and passwords do not. The password account
# gets its password from chpasswd instead.
if [ "$2" = unlock ]; then
  case "$(getent shadow "$1" | cut -d: -f2)" in '!'*) usermod -p '*' "$1" ;; esac
fi
`;

/** Creates `name` if missing and unlocks it for key login. Idempotent and safe under concurrency. */
export async function ensureLoginUser(name: string): Promise<Account> {
  if (!isRoot()) throw new Error("ensureLoginUser needs root");
  mkdirSync("/run/lock", { recursive: true });
  const unlock = name === DEFAULT_PASSWORD_USER ? "keep" : "unlock";
  const r = await shadowUtil("flock", ["-w", "120", USERS_LOCK, "sh", "-c", ENSURE_USER_SCRIPT, "sh", name, unlock]);
  if (r.code !== 0) throw new Error(`creating lab account ${name}: ${(r.stderr || r.stdout).trim()}`);
  const account = await lookupAccount(name);
  if (!account) throw new Error(`user ${name} missing right after useradd`);
  return account;
}

/**
 * The password for the password-auth account. Stored once per machine so concurrent labs agree
 * (re-randomising per lab would break a lab that started a moment earlier).
 */
export async function ensurePasswordUser(name: string): Promise<{ account: Account; password: string }> {
  const account = await ensureLoginUser(name);
  let password: string;
  try {
    password = readFileSync(PASSWORD_STATE, "utf8").trim();
  } catch {
    mkdirSync("/var/lib/slipway-ssh-lab", { recursive: true, mode: 0o700 });
    const fresh = randomBytes(18).toString("base64url");
    try {
      writeFileSync(PASSWORD_STATE, fresh, { flag: "wx", mode: 0o600 });
      password = fresh;
    } catch {
      password = readFileSync(PASSWORD_STATE, "utf8").trim(); // another worker won the race
    }
  }
  const r = await shadowUtil("chpasswd", [], `${name}:${password}\n`);
  if (r.code !== 0) throw new Error(`chpasswd ${name}: ${r.stderr.trim()}`);
  return { account, password };
}

/** Resolves the login account for a lab and checks it is reachable in this mode. */
export async function resolveLoginAccount(requested: string | undefined, auth: "publickey" | "password") {
  if (!isRoot()) {
    const me = currentAccount();
    if (auth === "password") {
      // sshd with UsePAM no verifies passwords against /etc/shadow, which only root can read.
      throw new Error("password-auth labs need root (unprivileged sshd cannot read /etc/shadow)");
    }
    if (requested && requested !== me.name) {
      throw new Error(`unprivileged sshd can only log in as itself (${me.name}), not ${requested}`);
    }
    return { account: me, password: undefined };
  }
  if (auth === "password") return ensurePasswordUser(requested ?? DEFAULT_PASSWORD_USER);
  if (requested === "root") throw new Error("the lab never logs in as root; pick an unprivileged user");
  return { account: await ensureLoginUser(requested ?? DEFAULT_LOGIN_USER), password: undefined };
}
