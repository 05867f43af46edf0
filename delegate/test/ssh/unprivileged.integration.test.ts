/**
 * The SSH executors with the lab in both of its modes. As root (this machine), the other files run sshd as root
 * logging in the unprivileged `slipway-ssh`; this one re-runs the executors in a child that dropped to that
 * account (setpriv), where sshd runs as the user itself — what CI without root does. As a non-root user the other
 * files already cover that mode, and this one is skipped.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run } from "../../../test-support/ssh-lab/procs";
import { DEFAULT_LOGIN_USER, ensureLoginUser, isRoot } from "../../../test-support/ssh-lab/users";

const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

interface Report {
  mode: string;
  uid: number;
  user: string;
  pinned: string;
  loginUser: string;
  refused: { outcome: string; message: string; markers: boolean[] };
  cancel: { outcome: string; before: number; after: number };
  deploy: { outcome: string; message: string; live: string[]; health: { status: number; version?: string }[] };
  redeploy: { outcome: string; skipped: number };
}

describe("SSH executors as an ordinary user", () => {
  it.skipIf(!isRoot())("pin, refuse, cancel and deploy work with sshd running as the user itself", async (ctx) => {
    const account = await ensureLoginUser(DEFAULT_LOGIN_USER);
    const asUser = (argv: string[]) =>
      run("setpriv", [`--reuid=${account.uid}`, `--regid=${account.gid}`, "--init-groups", "--", ...argv], {
        cwd: repoRoot,
        env: { NODE_ENV: "test", PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: account.home, USER: account.name, LOGNAME: account.name },
        timeoutMs: 120_000,
      });
    const readable = await asUser(["test", "-r", `${here}kit.ts`, "-a", "-r", `${repoRoot}node_modules/tsx/package.json`]);
    if (readable.code !== 0) {
      console.warn(`skipping: ${account.name} cannot read ${repoRoot}`);
      ctx.skip();
    }
    const child = await asUser([process.execPath, "--import", "tsx", `${here}unprivileged-smoke.ts`]);
    expect(child.stderr.replace(/^npm warn.*\n/gm, "")).toBe("");
    expect(child.code).toBe(0);
    const r = JSON.parse(child.stdout.trim().split("\n").pop()!) as Report;
    expect(r).toMatchObject({ mode: "user", uid: account.uid, user: account.name, pinned: "success", loginUser: account.name });
    expect(r.refused.outcome).toBe("failure");
    expect(r.refused.message).toMatch(/host key of h02 \(127\.0\.0\.1:\d+\) is not pinned/);
    expect(r.refused.markers).toEqual([false, false]);
    expect(r.cancel).toEqual({ outcome: "cancelled", before: 1, after: 0 });
    expect(r.deploy.outcome).toBe("success");
    expect(r.deploy.live).toEqual(["r5-unpriv", "r5-unpriv"]);
    expect(r.deploy.health).toEqual([{ status: 200, version: "5.0.0" }, { status: 200, version: "5.0.0" }]);
    expect(r.redeploy.outcome).toBe("success");
    expect(r.redeploy.skipped).toBeGreaterThanOrEqual(6);
  });
});
