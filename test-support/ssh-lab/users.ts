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
import { run, runOk, sleep } from "./procs";

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
 * Runs a shadow-utils command, retrying (bounded) while another worker holds /etc/passwd's lock:
 * parallel test files all make sure the same account exists at the same moment.
 */
async function shadowUtil(cmd: string, args: string[], input?: string) {
  for (let attempt = 0; ; attempt++) {
    const r = await run(cmd, args, { input });
    if (r.code === 0 || attempt >= 20 || !/lock|try again/i.test(r.stderr)) return r;
    await sleep(50 + Math.random() * 100);
  }
}

/** Creates `name` if missing and unlocks it for key login. Idempotent and safe under concurrency. */
export async function ensureLoginUser(name: string): Promise<Account> {
  if (!isRoot()) throw new Error("ensureLoginUser needs root");
  if (!(await lookupAccount(name))) {
    const r = await shadowUtil("useradd", ["--create-home", "--shell", "/bin/bash", "--user-group", name]);
    // 9 = "already exists": a parallel worker created it between our lookup and useradd.
    if (r.code !== 0 && r.code !== 9) throw new Error(`useradd ${name}: ${r.stderr.trim()}`);
  }
  const account = await lookupAccount(name);
  if (!account) throw new Error(`user ${name} missing right after useradd`);
  // With `UsePAM no` sshd refuses accounts whose shadow hash starts with '!' ("account is locked").
  // '*' means "no password can match" but is not "locked", so key login works and passwords do not.
  if (name !== DEFAULT_PASSWORD_USER) {
    const hash = (await runOk("getent", ["shadow", name])).split(":")[1] ?? "";
    if (hash.startsWith("!")) {
      const r = await shadowUtil("usermod", ["-p", "*", name]);
      if (r.code !== 0) throw new Error(`usermod -p '*' ${name}: ${r.stderr.trim()}`);
    }
  }
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
