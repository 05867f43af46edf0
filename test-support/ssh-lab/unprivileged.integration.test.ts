// CI may run as root or as an ordinary user. As root, this file re-runs the lab in a child process
// that has dropped to an unprivileged account (setpriv), so both modes are exercised on one machine.
// As a non-root user, the other test files already exercise "user" mode directly.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run } from "./procs";
import { DEFAULT_LOGIN_USER, ensureLoginUser, isRoot } from "./users";

const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

interface SmokeReport {
  mode: string;
  labUser: string;
  uid: number;
  hosts: {
    user: string;
    root: string;
    name: string;
    expectedRoot: string;
    health: { status: string; version: string };
  }[];
}

describe("unprivileged mode", () => {
  it.skipIf(!isRoot())(
    "a lab started by a non-root child (setpriv → slipway-ssh) runs sshd as that user",
    async (ctx) => {
      // The unprivileged account needs a real shell and home (nobody has neither), so reuse the lab's
      // login account: from inside the child it is just "some ordinary CI user".
      const account = await ensureLoginUser(DEFAULT_LOGIN_USER);
      const asUser = (argv: string[], timeoutMs = 60_000) =>
        run("setpriv", [`--reuid=${account.uid}`, `--regid=${account.gid}`, "--init-groups", "--", ...argv], {
          cwd: repoRoot,
          // Only what a login would give: no root HOME/npm config leaking into the child.
          env: {
            NODE_ENV: "test",
            PATH: process.env.PATH ?? "/usr/bin:/bin",
            HOME: account.home,
            USER: account.name,
            LOGNAME: account.name,
          },
          timeoutMs,
        });
      // A checkout under /root (0700) is unreadable for the child: an environment limit, not a lab bug.
      const readable = await asUser([
        "test",
        "-r",
        `${here}sshd.ts`,
        "-a",
        "-r",
        `${repoRoot}node_modules/tsx/package.json`,
      ]);
      if (readable.code !== 0) {
        console.warn(`skipping: ${account.name} cannot read ${repoRoot} (checkout not world-readable)`);
        ctx.skip();
      }
      const child = await asUser([process.execPath, "--import", "tsx", `${here}unprivileged-smoke.ts`]);
      expect(child.stderr).toBe("");
      expect(child.code).toBe(0);
      const report = JSON.parse(child.stdout.trim().split("\n").pop()!) as SmokeReport;
      expect(report.mode).toBe("user");
      expect(report.labUser).toBe(account.name);
      expect(report.uid).toBe(account.uid);
      expect(report.hosts).toHaveLength(2);
      for (const [i, h] of report.hosts.entries()) {
        expect(h.user).toBe(account.name);
        expect(h.root).toBe(h.expectedRoot);
        expect(h.name).toBe(`h0${i + 1}`);
        expect(h.health).toEqual({ status: "ok", version: "7.0.0" });
      }
    },
  );
});
