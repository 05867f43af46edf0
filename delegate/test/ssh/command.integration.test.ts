/**
 * The `ssh` executor against real OpenSSH sshd hosts on loopback (test-support/ssh-lab): host key pinning before
 * any command (pinned accepted; unknown refused without trust on first use; a changed key refused naming both
 * fingerprints; trust on first use reports the keys), per-host lanes, tolerance, and cancel killing the remote
 * command for real.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { SshCommandWork } from "@slipway/pipeline-spec/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSshHosts, type SshLab } from "../../../test-support/ssh-lab/index";
import { createSshCommandExecutor } from "../../src/steps/ssh";
import { connectFleet, hostScript } from "../../src/steps/ssh/fleet";
import { processesMatching, recordingCtx, targets } from "./kit";

let lab: SshLab;
const ssh = createSshCommandExecutor({ baseEnv: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, delegatePid: process.pid });
const work = (t: SshCommandWork["hosts"], script: string, over: Partial<SshCommandWork> = {}): SshCommandWork => ({ kind: "ssh", hosts: t, script, env: {}, sudo: false, concurrency: 10, tolerateFailures: 0, ...over });
const marker = (i: number, name: string) => join(lab.hosts[i]!.root, name);

beforeAll(async () => {
  lab = await startSshHosts({ count: 3, withArtifact: false });
});
afterAll(async () => lab?.stop());

describe("host keys are verified before any command", () => {
  it("runs on hosts whose pinned key matches, each host's output in its own lane, with env and ${VAR}", async () => {
    const r = recordingCtx();
    const res = await ssh.run(work(targets(lab), 'echo "hello from $SLIPWAY_HOST_NAME ${HOST_NAME} port=${APP_PORT} greeting=$GREETING"; echo oops >&2', { env: { GREETING: "hi there" } }), r.ctx);
    expect(res.outcome).toBe("success");
    expect(res.message).toMatch(/succeeded on 3\/3 hosts/);
    for (const [i, h] of lab.hosts.entries()) {
      expect(r.lines.get(h.name)).toContain(`stdout: hello from ${h.name} ${h.name} port=${h.appPort} greeting=hi there`);
      expect(r.lines.get(h.name)).toContain("stderr: oops");
      expect(r.text(h.name)).toMatch(new RegExp(`host key ${h.hostKeyFingerprint.replace(/[+/]/g, "\\$&")} matches the pinned key`));
      expect(i).toBeGreaterThanOrEqual(0);
    }
    const last = r.progress.at(-1)!;
    expect(last.kind === "ssh" && last.hosts.map((h) => h.status)).toEqual(["done", "done", "done"]);
    expect(res.outputs.learnedHostKeys).toBeUndefined();
  });

  it("refuses an unknown key without trust on first use, and nothing runs on ANY host", async () => {
    const r = recordingCtx();
    const t = targets(lab);
    t[1]!.hostKey = null; // h02 unpinned; h01 and h03 pinned and fine
    const res = await ssh.run(work(t, 'touch "$SLIPWAY_HOST_ROOT/ran-unknown"'), r.ctx);
    expect(res.outcome).toBe("failure");
    expect(res.message).toContain(`host key of ${lab.hosts[1]!.name} (127.0.0.1:${lab.hosts[1]!.port}) is not pinned: the host presented ${lab.hosts[1]!.hostKeyFingerprint}`);
    expect(res.message).toMatch(/nothing was run on any host/);
    for (const i of [0, 1, 2]) expect(existsSync(marker(i, "ran-unknown"))).toBe(false);
  });

  it("refuses a changed key naming the expected and the presented fingerprint, and nothing runs anywhere", async () => {
    const old = lab.hosts[2]!.hostKeyFingerprint;
    const t = targets(lab); // pins taken before the rotation: h03's pin is now stale
    const rotated = await lab.rotateHostKey(2);
    expect(rotated.hostKeyFingerprint).not.toBe(old);
    const r = recordingCtx();
    const res = await ssh.run(work(t, 'touch "$SLIPWAY_HOST_ROOT/ran-changed"'), r.ctx);
    expect(res.outcome).toBe("failure");
    expect(res.message).toContain(`host key of ${rotated.name} (127.0.0.1:${rotated.port}) does not match the pinned key: expected ${old}, the host presented ${rotated.hostKeyFingerprint}`);
    expect(r.text(rotated.name)).toContain("does not match the pinned key");
    for (const i of [0, 1, 2]) expect(existsSync(marker(i, "ran-changed"))).toBe(false);
    // Trust on first use never accepts a CHANGED key either.
    const tofu = targets(lab, { trustOnFirstUse: true, pins: { 2: old } });
    const again = await ssh.run(work(tofu, 'touch "$SLIPWAY_HOST_ROOT/ran-changed"'), recordingCtx().ctx);
    expect(again.outcome).toBe("failure");
    for (const i of [0, 1, 2]) expect(existsSync(marker(i, "ran-changed"))).toBe(false);
  });

  it("trust on first use accepts unpinned keys and reports them as learnedHostKeys", async () => {
    const r = recordingCtx();
    const res = await ssh.run(work(targets(lab, { pin: false, trustOnFirstUse: true }), "true"), r.ctx);
    expect(res.outcome).toBe("success");
    const learned = JSON.parse(res.outputs.learnedHostKeys!) as Record<string, string>;
    expect(learned).toEqual(Object.fromEntries(lab.hosts.map((h) => [`127.0.0.1:${h.port}`, h.hostKeyFingerprint])));
    expect(r.text(lab.hosts[0]!.name)).toMatch(/accepted on first use/);
  });
});

describe("commands", () => {
  it("fails when more hosts fail than tolerated, and passes within the tolerance", async () => {
    const script = '[ "$SLIPWAY_HOST_NAME" != h02 ] || { echo "h02 says no" >&2; exit 7; }';
    const strict = await ssh.run(work(targets(lab), script, { concurrency: 1 }), recordingCtx().ctx);
    expect(strict.outcome).toBe("failure");
    expect(strict.message).toMatch(/h02: exit code 7 \(h02 says no\)/);
    expect(strict.message).toMatch(/1 not started/); // h03 was not started after h02 failed (one at a time)
    const lenient = await ssh.run(work(targets(lab), script, { tolerateFailures: 1 }), recordingCtx().ctx);
    expect(lenient.outcome).toBe("success");
    expect(JSON.parse(lenient.outputs.exitCodes!)).toEqual({ h01: 0, h02: 7, h03: 0 });
  });

  it("cancel stops the remote command: the sleep is gone on the host", async () => {
    const r = recordingCtx();
    const needle = `sleep 98765${Math.floor(Math.random() * 10)}`;
    const running = ssh.run(work(targets(lab, { indexes: [0] }), `echo started; ${needle}; echo never`), r.ctx);
    const deadline = Date.now() + 15_000;
    while (processesMatching(needle).length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect(processesMatching(needle)).toHaveLength(1);
    r.abort.abort();
    const res = await running;
    expect(res.outcome).toBe("cancelled");
    expect(processesMatching(needle)).toEqual([]);
    expect(r.text("h01")).toMatch(/SIGTERM to process group \d+/);
    expect(r.text("h01")).not.toContain("never");
  });

  it("a command timeout stops the remote command the same way", async () => {
    const r = recordingCtx();
    const c = await connectFleet(targets(lab, { indexes: [0] }), r.ctx, { concurrency: 1, tolerateUnreachable: 0 });
    const h = c.fleet.hosts[0]!;
    const needle = `sleep 8765${Math.floor(Math.random() * 10)}`;
    try {
      const t0 = Date.now();
      await expect(hostScript(h, needle, { signal: r.ctx.signal, timeoutMs: 500, what: "stop" })).rejects.toThrow("stop: timed out after 500 ms");
      expect(Date.now() - t0).toBeLessThan(8_000);
      expect(processesMatching(needle)).toEqual([]);
      expect(r.text("h01")).toMatch(/remote process group \d+: stopped after SIGTERM/);
    } finally {
      c.fleet.close();
    }
  });

  it("a host that cannot be reached fails the step before anything runs (unless tolerated)", async () => {
    await lab.stopHost(1);
    try {
      const res = await ssh.run(work(targets(lab), 'touch "$SLIPWAY_HOST_ROOT/ran-unreachable"'), recordingCtx().ctx);
      expect(res.outcome).toBe("failure");
      expect(res.message).toMatch(/cannot connect to h02 \(127\.0\.0\.1:\d+\): connection refused/);
      for (const i of [0, 1, 2]) expect(existsSync(marker(i, "ran-unreachable"))).toBe(false);
      const tolerated = await ssh.run(work(targets(lab), 'touch "$SLIPWAY_HOST_ROOT/ran-unreachable"', { tolerateFailures: 1 }), recordingCtx().ctx);
      expect(tolerated.outcome).toBe("success");
      expect(existsSync(marker(0, "ran-unreachable"))).toBe(true);
    } finally {
      await lab.startHost(1);
    }
  });
});
