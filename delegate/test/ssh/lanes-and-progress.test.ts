/**
 * Unit tests of what the SSH executors add to the runner: per-host log lanes (own masking and line cutting per
 * lane, `lane` on the wire), the throttled progress poster (latest state only, ≤ 4 posts/s, final state always
 * delivered), and the pure pieces of the executors (${VAR}, batches and canary selection, host key decisions,
 * HAProxy replies).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Progress } from "@slipway/pipeline-spec/protocol";
import { LogChunkSchema } from "@slipway/pipeline-spec/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger";
import { LogShipper } from "../../src/logs/log-shipper";
import { batchSize, canaryPlan, runBatches, toBatches } from "../../src/steps/ssh/batches";
import { fingerprintSha256, judgeHostKey, normaliseFingerprint } from "../../src/steps/ssh/host-keys";
import { parseAddress, parseServersState } from "../../src/steps/ssh/haproxy";
import { placeholders, substitute } from "../../src/steps/ssh/vars";
import { hostVars } from "../../src/steps/ssh/fleet";
import { ApiError } from "../../src/transport/api-client";
import { ProgressPoster } from "../../src/worker/progress-poster";
import { TaskLog } from "../../src/worker/task-log";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function logPipeline(mask: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "lanes-"));
  dirs.push(dir);
  const bodies: string[] = [];
  const shipper = new LogShipper({ sink: async (body) => (bodies.push(body), { ackedThrough: (JSON.parse(body) as { chunks: { seq: number }[] }).chunks.at(-1)!.seq }), log: silentLogger, firstSeq: 1, fencingToken: () => 1, spillPath: join(dir, "spill"), flushIntervalMs: 5, onFatal: () => {} });
  const log = new TaskLog({ mask, shipper, log: silentLogger, partialFlushMs: 10_000 });
  return { log, shipper, chunks: () => bodies.flatMap((b) => (JSON.parse(b) as { chunks: unknown[] }).chunks).map((c) => LogChunkSchema.parse(c)) };
}

describe("log lanes", () => {
  it("keeps each host's partial lines apart, masks per lane, and tags chunks with the lane", async () => {
    const p = logPipeline(["hunter2-secret"]);
    const a = p.log.lane("h01");
    const b = p.log.lane("h02");
    a.stdout("half of h01's li");
    b.stdout("h02 says hunter2-sec");
    a.stdout("ne\n");
    b.stdout("ret!\n");
    b.system("connected");
    p.log.system("step line");
    p.log.close();
    await p.shipper.drained(AbortSignal.timeout(5_000));
    const got = p.chunks().map((c) => [c.lane ?? null, c.stream, c.lines]);
    expect(got).toEqual([
      ["h01", "stdout", ["half of h01's line"]],
      ["h02", "stdout", ["h02 says ***!"]],
      ["h02", "system", ["connected"]],
      [null, "system", ["step line"]],
    ]);
  });
});

describe("ProgressPoster", () => {
  const progress = (n: number): Progress => ({ kind: "ssh", batch: { index: n, total: 100 }, hosts: [] });

  it("posts at most every minIntervalMs, only the latest state, and the final one on flush", async () => {
    const sent: number[] = [];
    const poster = new ProgressPoster({ log: silentLogger, minIntervalMs: 250, send: async (p) => void sent.push(p.kind === "ssh" ? p.batch!.index : -1) });
    const t0 = Date.now();
    // 1 s of updates every 5 ms: 200 states.
    for (let i = 0; i < 200; i++) {
      poster.update(progress(i));
      await new Promise((r) => setTimeout(r, 5));
    }
    poster.update(progress(999));
    await poster.flush();
    const secs = (Date.now() - t0) / 1000;
    expect(sent.at(-1)).toBe(999);
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(secs * 4) + 2);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    poster.dispose();
  });

  it("retries the final state through transient failures and stops posting after a refusal", async () => {
    let calls = 0;
    const flaky = new ProgressPoster({ log: silentLogger, minIntervalMs: 10, send: async () => {
      calls++;
      if (calls < 3) throw new ApiError("retryable", "503");
    } });
    flaky.update(progress(1));
    await flaky.flush();
    expect(calls).toBe(3);
    let refused = 0;
    const gone = new ProgressPoster({ log: silentLogger, minIntervalMs: 1, send: async () => {
      refused++;
      throw new ApiError("protocol", "404", 404, "not_found");
    } });
    gone.update(progress(1));
    await new Promise((r) => setTimeout(r, 30));
    gone.update(progress(2));
    await gone.flush();
    expect(refused).toBe(1);
  });
});

describe("${VAR}", () => {
  const vars = { HOST: "10.0.0.5", PORT: "8080" };
  it("strict mode names the unknown variable and where it was", () => {
    expect(substitute("http://${HOST}:${PORT}/", vars, "strict", "the URL")).toBe("http://10.0.0.5:8080/");
    expect(() => substitute("url=${DB_URL}", vars, "strict", "config file app.env")).toThrow("unknown variable ${DB_URL} in config file app.env");
  });
  it("shell mode leaves unknown names and $VAR to the shell; $${X} is a literal", () => {
    expect(substitute('for f in *; do echo ${f} $HOST ${HOST}; done; echo $${PORT}', vars, "shell", "s")).toBe("for f in *; do echo ${f} $HOST 10.0.0.5; done; echo ${PORT}");
    expect(placeholders("${A} $${B} ${C}")).toEqual(["A", "C"]);
  });
  it("a host's vars win over the step's variables; the built-ins win over both", () => {
    const target = { name: "web-1", address: "10.0.0.5", port: 22, user: "deploy", auth: { kind: "key" as const, privateKey: "k" }, hostKey: null, trustOnFirstUse: false, group: "blue", tags: ["APP_PORT=1"], vars: { APP_PORT: "8081", HOST: "spoofed" }, jumpHost: null };
    const v = hostVars({ APP_PORT: "80", LOG_LEVEL: "info" }, target);
    expect(v).toMatchObject({ APP_PORT: "8081", LOG_LEVEL: "info", HOST: "10.0.0.5", HOST_NAME: "web-1", HOST_GROUP: "blue" });
  });
});

describe("batches and canary", () => {
  it("sizes batches by count or share", () => {
    expect(batchSize(2, 10)).toBe(2);
    expect(batchSize("25%", 10)).toBe(3);
    expect(batchSize("1%", 10)).toBe(1);
    expect(() => batchSize("150%", 10)).toThrow(/between 1% and 100%/);
    expect(toBatches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
  it("canary: hosts already on the release count toward the target; the rest in work order", () => {
    expect(canaryPlan([false, false, false, false], 25)).toEqual({ target: 1, alreadyOn: [], selected: [0] });
    expect(canaryPlan([true, false, false, false], 50)).toEqual({ target: 2, alreadyOn: [0], selected: [1] });
    expect(canaryPlan([false, false, true, false], 50)).toEqual({ target: 2, alreadyOn: [2], selected: [0] });
    expect(canaryPlan([true, true, false, false], 50).selected).toEqual([]);
    expect(canaryPlan([true, true, false, false], 100).selected).toEqual([2, 3]);
  });
  it("stops starting hosts once failures pass the tolerance; running ones finish", async () => {
    const started: number[] = [];
    const run = await runBatches([[1, 2], [3, 4], [5]], { maxConcurrency: 2, tolerateFailures: 0, signal: new AbortController().signal, work: async (n) => (started.push(n), n !== 2) });
    expect(started).toEqual([1, 2]);
    expect(run).toMatchObject({ succeeded: [1], failed: [2], notStarted: [3, 4, 5] });
    const tolerant = await runBatches([[1, 2], [3, 4], [5]], { maxConcurrency: 1, tolerateFailures: 1, signal: new AbortController().signal, work: async (n) => n !== 2 && n !== 4 });
    expect(tolerant).toMatchObject({ failed: [2, 4], notStarted: [5] });
  });
});

describe("host keys", () => {
  const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from("ssh-ed25519"), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]);
  const fp = fingerprintSha256(blob);
  it("fingerprints like ssh-keygen -lf and accepts any spelling of a pin", () => {
    expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(normaliseFingerprint(`${fp.slice(7)}=`)).toBe(fp);
    expect(judgeHostKey({ label: "web1", presented: fp, pinned: `${fp}=`, trustOnFirstUse: false, keyType: "ssh-ed25519" })).toEqual({ ok: true, fingerprint: fp, learned: false });
  });
  it("refuses a changed key even with trust on first use, and an unknown key without it", () => {
    const changed = judgeHostKey({ label: "web1 (10.0.0.1:22)", presented: fp, pinned: "SHA256:" + "A".repeat(43), trustOnFirstUse: true, keyType: "ssh-ed25519" });
    expect(changed.ok).toBe(false);
    expect(!changed.ok && changed.message).toContain(`host key of web1 (10.0.0.1:22) does not match the pinned key: expected SHA256:${"A".repeat(43)}, the host presented ${fp}`);
    expect(judgeHostKey({ label: "web1", presented: fp, pinned: null, trustOnFirstUse: false, keyType: "ssh-ed25519" }).ok).toBe(false);
    expect(judgeHostKey({ label: "web1", presented: fp, pinned: null, trustOnFirstUse: true, keyType: "ssh-ed25519" })).toEqual({ ok: true, fingerprint: fp, learned: true });
  });
});

describe("HAProxy runtime replies", () => {
  it("parses addresses and server states", () => {
    expect(parseAddress("unix:/run/haproxy/admin.sock")).toEqual({ kind: "unix", path: "/run/haproxy/admin.sock" });
    expect(parseAddress("tcp:10.0.0.2:9999")).toEqual({ kind: "tcp", host: "10.0.0.2", port: 9999 });
    expect(() => parseAddress("10.0.0.2:9999")).toThrow(/neither unix:\/path nor tcp:host:port/);
    const text = "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight\n3 app 1 web1 10.0.0.1 2 0 100\n3 app 2 web2 10.0.0.2 2 1 100\n3 app 3 web3 10.0.0.3 2 8 100\n3 app 4 web4 10.0.0.4 0 0 100\n";
    expect(parseServersState(text).map((s) => `${s.server}:${s.status}`)).toEqual(["web1:UP", "web2:MAINT", "web3:DRAIN", "web4:DOWN"]);
  });
});
