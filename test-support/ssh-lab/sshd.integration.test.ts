// Real OpenSSH sshd hosts: identity, pinning, SetEnv, sftp, the custom-script service control,
// host-key rotation and the password variant.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { remote, writeAppArtifact } from "./app";
import { parseKnownHosts, verifyHostKey, parsePublicKeyLine } from "./known-hosts";
import { waitForHttp } from "./load";
import { allocatePorts } from "./ports";
import { runOk, run } from "./procs";
import { exec, execOk, fastPut, sftp, withSsh } from "./ssh-client";
import { startSshHosts } from "./sshd";
import type { SshLab } from "./sshd";
import { currentAccount, isRoot, DEFAULT_LOGIN_USER } from "./users";

let lab: SshLab;
let scratch: string;

beforeAll(async () => {
  lab = await startSshHosts({ count: 3 });
  scratch = await mkdtemp(join(tmpdir(), "ssh-lab-test-"));
});
afterAll(async () => {
  await lab?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("three simulated hosts", () => {
  it("have distinct ports, app ports, host keys and roots, in the expected user mode", () => {
    expect(lab.mode).toBe(isRoot() ? "root" : "user");
    expect(lab.user).toBe(isRoot() ? DEFAULT_LOGIN_USER : currentAccount().name);
    for (const key of ["port", "appPort", "hostKeyFingerprint", "root"] as const) {
      expect(new Set(lab.hosts.map((h) => h[key])).size).toBe(3);
    }
    expect(lab.hosts.map((h) => h.name)).toEqual(["h01", "h02", "h03"]);
    expect(lab.clientPrivateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
  });

  it("report the same fingerprint as ssh-keygen -lf", async () => {
    for (const h of lab.hosts) {
      const pub = join(scratch, `${h.name}.pub`);
      await writeFile(pub, `${h.hostPublicKey}\n`);
      expect((await runOk("ssh-keygen", ["-lf", pub])).split(" ")[1]).toBe(h.hostKeyFingerprint);
    }
  });

  it("accept ssh2 with the client key and a pinned fingerprint; sessions see their own root", async () => {
    for (const [i, h] of lab.hosts.entries()) {
      const out = await withSsh(lab.connectConfig(i), (c) =>
        execOk(c, "echo $SLIPWAY_HOST_ROOT; id -un; echo $SLIPWAY_HOST_NAME"),
      );
      expect(out.trim().split("\n")).toEqual([h.root, lab.user, h.name]);
    }
  });

  it("serve known_hosts lines that the real OpenSSH client accepts with StrictHostKeyChecking=yes", async () => {
    const keyFile = join(scratch, "client_key");
    await writeFile(keyFile, lab.clientPrivateKey, { mode: 0o600 });
    const known = join(scratch, "known_hosts");
    await writeFile(known, lab.knownHosts());
    const h = lab.hosts[0]!;
    const ssh = (args: string[]) =>
      run("ssh", [
        "-F",
        "/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        `UserKnownHostsFile=${known}`,
        "-i",
        keyFile,
        "-p",
        String(h.port),
        `${lab.user}@127.0.0.1`,
        ...args,
      ]);
    const r = await ssh(["echo", "ok"]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("ok");
  });

  it("take an sftp fastPut upload, start it with start.sh, and answer /health with the uploaded version", async () => {
    const h = lab.hosts[1]!;
    const artifact = await writeAppArtifact(join(scratch, "artifact-2.0.0"), "2.0.0");
    await withSsh(lab.connectConfig(1), async (c) => {
      const s = await sftp(c);
      for (const f of artifact.files) await fastPut(s, f, `${h.root}/app/${basename(f)}`);
      s.end();
      expect(await execOk(c, `cat "$SLIPWAY_HOST_ROOT/app/VERSION"`)).toBe("2.0.0\n");
      expect(await execOk(c, remote.start())).toMatch(/^started pid=\d+ version=2\.0\.0/);
      // Idempotent: a second start is a no-op that reports the running instance.
      expect(await execOk(c, remote.start())).toMatch(/^already running pid=\d+/);
    });
    expect(JSON.parse(await waitForHttp(`http://127.0.0.1:${h.appPort}/health`))).toEqual({
      status: "ok",
      version: "2.0.0",
    });
    const page = await fetch(`http://127.0.0.1:${h.appPort}/`);
    expect(page.headers.get("x-app-version")).toBe("2.0.0");
    expect(await page.text()).toBe("h02 2.0.0\n");
  });

  it("status.sh / stop.sh follow LSB-ish exit codes and are idempotent", async () => {
    await withSsh(lab.connectConfig(1), async (c) => {
      expect((await exec(c, remote.status())).code).toBe(0);
      expect(await execOk(c, remote.stop())).toMatch(/^stopped pid=\d+/);
      expect(await execOk(c, remote.stop())).toBe("not running\n");
      const st = await exec(c, remote.status());
      expect([st.code, st.stdout]).toEqual([3, "stopped\n"]);
    });
  });

  it("health turns 500 with the unhealthy marker or a 'bad' version", async () => {
    const h = lab.hosts[2]!;
    const health = `http://127.0.0.1:${h.appPort}/health`;
    await withSsh(lab.connectConfig(2), async (c) => {
      await execOk(c, remote.start());
      await waitForHttp(health);
      await execOk(c, remote.markUnhealthy());
      expect(await waitForHttp(health, { status: 500 })).toContain('"unhealthy"');
      await execOk(c, remote.markHealthy());
      await waitForHttp(health);
      await execOk(c, remote.stop());
      await execOk(c, remote.start("3.0.0-bad"));
      expect(JSON.parse(await waitForHttp(health, { status: 500 }))).toEqual({
        status: "unhealthy",
        version: "3.0.0-bad",
      });
      await execOk(c, remote.stop());
    });
  });

  it("stop.sh is graceful: a request in flight when SIGTERM arrives still completes", async () => {
    const h = lab.hosts[2]!;
    await withSsh(lab.connectConfig(2), async (c) => {
      await execOk(c, remote.start("4.0.0"));
      await waitForHttp(`http://127.0.0.1:${h.appPort}/health`);
      const slow = fetch(`http://127.0.0.1:${h.appPort}/?delay=1500`);
      await new Promise((r) => setTimeout(r, 200)); // let the request reach the app first
      const stopped = execOk(c, remote.stop());
      const res = await slow;
      expect([res.status, await res.text()]).toEqual([200, "h03 4.0.0\n"]);
      expect(await stopped).toMatch(/^stopped/);
    });
    await expect(fetch(`http://127.0.0.1:${h.appPort}/health`)).rejects.toThrow();
  });
});

describe("host keys", () => {
  it("rotateHostKey changes the fingerprint; the old pin is refused by ssh2 and by known_hosts", async () => {
    const before = lab.hosts[0]!;
    const after = await lab.rotateHostKey(0);
    expect(after.port).toBe(before.port);
    expect(after.hostKeyFingerprint).not.toBe(before.hostKeyFingerprint);
    await expect(
      withSsh(lab.connectConfig(0, { pin: before.hostKeyFingerprint }), (c) => execOk(c, "true")),
    ).rejects.toThrow(/verification failed/);
    const pinned = parseKnownHosts(before.knownHostsLine);
    expect(verifyHostKey(pinned, "127.0.0.1", after.port, parsePublicKeyLine(after.hostPublicKey).blob)).toBe(
      "mismatch",
    );
    expect(await withSsh(lab.connectConfig(0), (c) => execOk(c, "echo $SLIPWAY_HOST_NAME"))).toBe("h01\n");
  });

  it("stopHost makes a host unreachable and startHost restores it with the same key", async () => {
    const fp = lab.hosts[2]!.hostKeyFingerprint;
    await lab.stopHost(2);
    await expect(withSsh(lab.connectConfig(2), (c) => execOk(c, "true"))).rejects.toThrow(/ECONNREFUSED/);
    const back = await lab.startHost(2);
    expect(back.hostKeyFingerprint).toBe(fp);
    expect(await withSsh(lab.connectConfig(2), (c) => execOk(c, "echo up"))).toBe("up\n");
  });
});

describe("lab variants", () => {
  it("honours a fixed basePort", async () => {
    let base = 0;
    for (let i = 0; i < 10 && !base; i++) {
      const [p] = await allocatePorts(1);
      const probe = await allocatePorts(1, { low: p! + 1, high: p! + 1 }).catch(() => []);
      if (probe.length) base = p!;
    }
    const fixed = await startSshHosts({ count: 2, basePort: base });
    try {
      expect(fixed.hosts.map((h) => h.port)).toEqual([base, base + 1]);
      expect(await withSsh(fixed.connectConfig(1), (c) => execOk(c, "echo $SLIPWAY_HOST_NAME"))).toBe("h02\n");
    } finally {
      await fixed.stop();
    }
  });

  it.skipIf(!isRoot())("password variant (root only): password logs in, the client key does not", async () => {
    const pw = await startSshHosts({ count: 1, auth: "password" });
    try {
      expect(pw.password).toBeTruthy();
      expect(await withSsh(pw.connectConfig(0), (c) => execOk(c, "id -un"))).toBe(`${pw.user}\n`);
      const wrong = pw.connectConfig(0, { overrides: { password: "not-it" } });
      await expect(withSsh(wrong, (c) => execOk(c, "true"))).rejects.toThrow(/authentication methods failed/);
      const keyOnly = { ...pw.connectConfig(0), password: undefined, privateKey: lab.clientPrivateKey };
      await expect(withSsh(keyOnly, (c) => execOk(c, "true"))).rejects.toThrow(/authentication methods failed/);
    } finally {
      await pw.stop();
    }
  });

  it.skipIf(isRoot())("password variant is refused with a clear reason when not root", async () => {
    await expect(startSshHosts({ count: 1, auth: "password" })).rejects.toThrow(/need root/);
  });
});
