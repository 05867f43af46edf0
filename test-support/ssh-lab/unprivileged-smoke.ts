// Runs the lab end to end in whatever identity this process has, and prints one JSON line.
// The integration test launches it as an unprivileged user (setpriv) when the suite runs as root,
// proving the non-root mode CI may use: sshd as the current user, login as that same user.
//
//   node --import tsx test-support/ssh-lab/unprivileged-smoke.ts
import { remote } from "./app";
import { waitForHttp } from "./load";
import { execOk, withSsh } from "./ssh-client";
import { startSshHosts } from "./sshd";

async function main() {
  const lab = await startSshHosts({ count: 2 });
  try {
    const hosts = [];
    for (const [i, host] of lab.hosts.entries()) {
      const out = await withSsh(lab.connectConfig(i), async (c) => {
        const who = await execOk(c, 'id -un; echo "$SLIPWAY_HOST_ROOT"; echo "$SLIPWAY_HOST_NAME"');
        await execOk(c, remote.start("7.0.0"));
        return who;
      });
      const health = JSON.parse(await waitForHttp(`http://127.0.0.1:${host.appPort}/health`)) as unknown;
      const [user, root, name] = out.trim().split("\n");
      hosts.push({ user, root, name, expectedRoot: host.root, health });
    }
    process.stdout.write(`${JSON.stringify({ mode: lab.mode, labUser: lab.user, uid: process.getuid?.(), hosts })}\n`);
  } finally {
    await lab.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
