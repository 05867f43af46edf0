/**
 * Reaching hosts through a jump host (an sshd that allows TCP forwarding, started here from the lab's own config
 * and host key), the jump host's key checked like any other, password authentication (root only: the lab's
 * password mode needs /etc/shadow), and sudo that the host does not grant failing before anything changes.
 */
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import type { SshCommandWork } from "@slipway/pipeline-spec/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allocatePorts, startSshHosts, type SshLab } from "../../../test-support/ssh-lab/index";
import { killChild, spawnDaemon, waitFor } from "../../../test-support/ssh-lab/procs";
import { SSHD } from "../../../test-support/ssh-lab/sshd-config";
import { isRoot } from "../../../test-support/ssh-lab/users";
import { createSshCommandExecutor, createSshDeployExecutor } from "../../src/steps/ssh";
import { deployWork, liveRelease, recordingCtx, targets } from "./kit";

const opts = { baseEnv: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, delegatePid: process.pid };
const ssh = createSshCommandExecutor(opts);
const work = (t: SshCommandWork["hosts"], script: string): SshCommandWork => ({ kind: "ssh", hosts: t, script, env: {}, sudo: false, concurrency: 4, tolerateFailures: 0 });

let lab: SshLab;
let jump: ChildProcess;
let jumpPort: number;

beforeAll(async () => {
  lab = await startSshHosts({ count: 2 });
  // A jump host: h01's sshd config and host key on another port, with TCP forwarding allowed.
  [jumpPort] = await allocatePorts(1) as [number];
  const conf = readFileSync(join(lab.dir, "sshd", "h01.conf"), "utf8")
    .replace(/^Port \d+$/m, `Port ${jumpPort}`)
    .replace(/^PidFile .*$/m, `PidFile ${join(lab.dir, "sshd", "jump.pid")}`)
    .replace(/^AllowTcpForwarding no$/m, "AllowTcpForwarding yes")
    .replace(/^LogLevel .*$/m, "LogLevel DEBUG1");
  const confFile = join(lab.dir, "sshd", "jump.conf");
  const logFile = join(lab.dir, "sshd", "jump.log");
  writeFileSync(confFile, conf);
  jump = spawnDaemon(SSHD, ["-D", "-f", confFile, "-E", logFile]);
  await waitFor("jump sshd", () => (existsSync(logFile) && readFileSync(logFile, "utf8").includes("Server listening on") ? true : undefined), { child: jump, timeoutMs: 20_000 });
});
afterAll(async () => {
  if (jump) await killChild(jump);
  await lab?.stop();
});

const viaJump = (pin: string | null) =>
  targets(lab, { indexes: [1] }).map((t) => ({ ...t, jumpHost: { address: "127.0.0.1", port: jumpPort, user: lab.user, auth: { kind: "key" as const, privateKey: lab.clientPrivateKey }, hostKey: pin } }));

describe("jump host", () => {
  it("reaches the target through the jump host; both keys are verified", async () => {
    const r = recordingCtx();
    const res = await ssh.run(work(viaJump(lab.hosts[0]!.hostKeyFingerprint), 'echo "on $SLIPWAY_HOST_NAME"'), r.ctx);
    expect(res.outcome, r.all()).toBe("success");
    expect(r.lines.get("h02")).toContain("stdout: on h02");
    expect(r.text("h02")).toContain(`through 127.0.0.1:${jumpPort}`);
    // The target's session really came through the jump host: its sshd logged a forwarding request.
    expect(readFileSync(join(lab.dir, "sshd", "jump.log"), "utf8")).toMatch(new RegExp(`direct_tcpip: originator .*, target 127\\.0\\.0\\.1 port ${lab.hosts[1]!.port}$`, "m"));
  });

  it("refuses a jump host whose key does not match, before anything runs", async () => {
    const r = recordingCtx();
    const res = await ssh.run(work(viaJump(lab.hosts[1]!.hostKeyFingerprint), 'touch "$SLIPWAY_HOST_ROOT/via-bad-jump"'), r.ctx);
    expect(res.outcome).toBe("failure");
    expect(res.message).toContain(`host key of jump host 127.0.0.1:${jumpPort} does not match the pinned key: expected ${lab.hosts[1]!.hostKeyFingerprint}, the host presented ${lab.hosts[0]!.hostKeyFingerprint}`);
    expect(existsSync(join(lab.hosts[1]!.root, "via-bad-jump"))).toBe(false);
  });
});

describe("sudo", () => {
  it("a deploy with sudo on hosts that do not grant it fails before any host changes", async () => {
    const r = recordingCtx();
    const res = await createSshDeployExecutor(opts).run(deployWork(targets(lab), null, "r1-sudo", { sudo: true }), r.ctx);
    expect(res.outcome).toBe("failure");
    expect(res.message).toMatch(/nothing was changed on any host: h01: sudo is configured but `sudo -n true` fails for \S+ on this host \(it needs passwordless sudo\)/);
    expect([liveRelease(lab, 0), liveRelease(lab, 1)]).toEqual([null, null]);
  });
});

describe.skipIf(!isRoot())("password authentication", () => {
  let pw: SshLab;
  beforeAll(async () => {
    pw = await startSshHosts({ count: 1, auth: "password" });
  });
  afterAll(async () => pw?.stop());

  it("logs in with a password and never prints it", async () => {
    const r = recordingCtx();
    const t = targets(pw);
    expect(t[0]!.auth.kind).toBe("password");
    const res = await ssh.run(work(t, "id -un"), r.ctx);
    expect(res.outcome, r.all()).toBe("success");
    expect(r.lines.get("h01")).toContain(`stdout: ${pw.user}`);
    expect(r.all()).not.toContain(pw.password!);
    const wrong = await ssh.run(work([{ ...t[0]!, auth: { kind: "password", password: "not-the-password" } }], "true"), recordingCtx().ctx);
    expect(wrong.outcome).toBe("failure");
    expect(wrong.message).toMatch(/cannot connect to h01 \(127\.0\.0\.1:\d+\): authentication failed for user slipway-sshpw \(password\)/);
  });
});
