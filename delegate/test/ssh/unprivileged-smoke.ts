// Drives the SSH executors end to end in whatever identity this process has and prints one JSON line. The
// integration test runs it as an ordinary user (setpriv) when the suite runs as root, so both modes of the lab
// (sshd as root logging in an unprivileged user, and sshd as the user itself) are exercised on one machine.
//
//   node --import tsx delegate/test/ssh/unprivileged-smoke.ts
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startSshHosts } from "../../../test-support/ssh-lab/index";
import { createSshCommandExecutor, createSshDeployExecutor } from "../../src/steps/ssh";
import { appArtifact, deployWork, health, linkAppToCurrent, liveRelease, processesMatching, recordingCtx, scratch, targets } from "./kit";

async function main() {
  const lab = await startSshHosts({ count: 2, withArtifact: false });
  const dir = scratch("ssh-unpriv-");
  const opts = { baseEnv: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, delegatePid: process.pid };
  try {
    const ssh = createSshCommandExecutor(opts);
    const deploy = createSshDeployExecutor(opts);
    const cmd = (t: ReturnType<typeof targets>, script: string) => ({ kind: "ssh" as const, hosts: t, script, env: {}, sudo: false, concurrency: 2, tolerateFailures: 0 });
    const whoami = recordingCtx();
    const pinned = await ssh.run(cmd(targets(lab), "id -un"), whoami.ctx);
    const unpinned = targets(lab);
    unpinned[1]!.hostKey = null;
    const refused = await ssh.run(cmd(unpinned, 'touch "$SLIPWAY_HOST_ROOT/marker"'), recordingCtx().ctx);
    const markers = lab.hosts.map((h) => existsSync(join(h.root, "marker")));
    const c = recordingCtx();
    const needle = `sleep 77${Math.floor(Math.random() * 1000)}`;
    const sleeping = ssh.run(cmd(targets(lab, { indexes: [0] }), needle), c.ctx);
    for (let i = 0; i < 100 && processesMatching(needle).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const before = processesMatching(needle).length;
    c.abort.abort();
    const cancelled = await sleeping;
    const after = processesMatching(needle).length;
    for (const [i] of lab.hosts.entries()) linkAppToCurrent(lab, i);
    const art = await appArtifact(dir, "5.0.0");
    const deployed = await deploy.run(deployWork(targets(lab), art, "r5-unpriv"), recordingCtx().ctx);
    const again = recordingCtx();
    const redeployed = await deploy.run(deployWork(targets(lab), art, "r5-unpriv"), again.ctx);
    const report = {
      mode: lab.mode,
      uid: process.getuid?.(),
      user: lab.user,
      pinned: pinned.outcome,
      loginUser: whoami.text("h01").match(/stdout: (.+)/)?.[1],
      refused: { outcome: refused.outcome, message: refused.message, markers },
      cancel: { outcome: cancelled.outcome, before, after },
      deploy: { outcome: deployed.outcome, message: deployed.message, live: lab.hosts.map((_, i) => liveRelease(lab, i)), health: await Promise.all(lab.hosts.map((_, i) => health(lab, i))) },
      redeploy: { outcome: redeployed.outcome, skipped: (again.text("h01").match(/skipped/g) ?? []).length },
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
