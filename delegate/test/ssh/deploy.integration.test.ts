/**
 * sshDeploy and sshRollback against real sshd hosts behind a real HAProxy (test-support/ssh-lab): the phase
 * sequence with its idempotency lines, sha256 verified on the host, config templates, canary percentages that
 * count hosts already on the release, a failing health check stopping the batches, and the rollback returning
 * exactly the hosts this release touched (restoring from the backup when the release folder is gone).
 */
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { SshRollbackWork } from "@slipway/pipeline-spec/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHaproxy, startSshHosts, type Haproxy, type SshLab } from "../../../test-support/ssh-lab/index";
import { createSshDeployExecutor, createSshRollbackExecutor } from "../../src/steps/ssh";
import { connectFleet } from "../../src/steps/ssh/fleet";
import * as P from "../../src/steps/ssh/phases";
import { appArtifact, APP_PATH, deployWork, health, linkAppToCurrent, liveRelease, recordingCtx, releasesOn, scratch, scriptControl, targets, type Artifact } from "./kit";

const opts = { baseEnv: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, delegatePid: process.pid };
const deploy = createSshDeployExecutor(opts);
const rollback = createSshRollbackExecutor(opts);
const BACKEND = "be_app";

let lab: SshLab;
let lb: Haproxy;
let dir: string;
const art: Record<string, Artifact> = {};
const lbConfig = () => ({ kind: "haproxy" as const, runtimeApi: `unix:${lb.runtimeSocket}`, backend: BACKEND, server: "${HOST_NAME}", drainTimeoutMs: 5_000 });
const allLive = () => lab.hosts.map((_, i) => liveRelease(lab, i));
const statuses = async () => (await lb.showServersState(BACKEND)).map((s) => `${s.server}:${s.status}`);

beforeAll(async () => {
  dir = scratch("ssh-deploy-test-");
  [lab] = await Promise.all([startSshHosts({ count: 4, withArtifact: false })]);
  lb = await startHaproxy({ backends: [{ name: BACKEND, servers: lab.hosts.map((h) => ({ name: h.name, address: "127.0.0.1", port: h.appPort })) }] });
  for (const [i] of lab.hosts.entries()) linkAppToCurrent(lab, i);
  for (const v of ["1.0.0", "2.0.0", "3.0.0-bad", "4.0.0"]) art[v] = await appArtifact(dir, v);
});
afterAll(async () => {
  await lb?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("sshDeploy", () => {
  it("deploys to 4 hosts in batches of 2 behind HAProxy; every phase says what it did", async () => {
    const r = recordingCtx();
    const work = deployWork(targets(lab), art["1.0.0"]!, "r1-aaaa", {
      batch: { size: 2, tolerateFailures: 0 },
      loadBalancer: lbConfig(),
      configFiles: [{ path: "config/app.env", template: "PORT=${APP_PORT}\nGREETING=${GREETING}\nRELEASE=${RELEASE}\n" }],
      variables: { GREETING: "hello" },
    });
    const res = await deploy.run(work, r.ctx);
    expect(res.outcome, r.all()).toBe("success");
    expect(res.message).toMatch(/^r1-aaaa on 4\/4 hosts \(4 deployed in 2 batches\)/);
    expect(allLive()).toEqual(["r1-aaaa", "r1-aaaa", "r1-aaaa", "r1-aaaa"]);
    for (const [i, h] of lab.hosts.entries()) {
      expect(await health(lab, i)).toEqual({ status: 200, version: "1.0.0" });
      expect(readFileSync(join(h.root, "srv/current/config/app.env"), "utf8")).toBe(`PORT=${h.appPort}\nGREETING=hello\nRELEASE=r1-aaaa\n`);
      const lane = r.text(h.name);
      for (const phase of ["lbRemove", "stop", "backup", "transfer", "install", "configure", "permissions", "start", "healthCheck", "lbAdd"]) expect(lane).toMatch(new RegExp(`system: ${phase}: `));
      expect(lane).toContain("no current release: nothing to back up");
      expect(lane).toMatch(/sha256 verified on the host: [0-9a-f]{64}/);
      expect(lane).toContain("current → releases/r1-aaaa (was nothing)");
      expect(lane).toMatch(/health check attempt \d+\/20: GET http:\/\/127\.0\.0\.1:\d+\/health → 200/);
      expect(lane).toMatch(new RegExp(`lbRemove: ${BACKEND}/${h.name} out of rotation \\(drained, in maintenance\\)`));
      expect(lane).toMatch(new RegExp(`lbAdd: ${BACKEND}/${h.name} back in rotation: ready and UP after \\d+ ms`));
      expect(readFileSync(join(h.root, "srv/.previous-release"), "utf8")).toMatch(/^\nby r1-aaaa /);
    }
    expect(await statuses()).toEqual(lab.hosts.map((h) => `${h.name}:UP`));
    const last = r.progress.at(-1)!;
    expect(last).toMatchObject({ kind: "ssh", batch: { index: 1, total: 2 } });
    expect(last.kind === "ssh" && last.hosts.map((h) => [h.name, h.status, h.release])).toEqual(lab.hosts.map((h) => [h.name, "done", "r1-aaaa"]));
    // Batches of 2: h03 started only after h01 and h02 were back in the load balancer.
    expect(r.text()).toMatch(/batch 1\/2: h01, h02[\s\S]*batch 2\/2: h03, h04/);
  });

  it("running the same deploy again changes nothing and says so: one release folder per release", async () => {
    const r = recordingCtx();
    const res = await deploy.run(deployWork(targets(lab), art["1.0.0"]!, "r1-aaaa", { batch: { size: 4, tolerateFailures: 0 }, loadBalancer: lbConfig(), configFiles: [{ path: "config/app.env", template: "PORT=${APP_PORT}\nGREETING=${GREETING}\nRELEASE=${RELEASE}\n" }], variables: { GREETING: "hello" } }), r.ctx);
    expect(res.outcome, r.all()).toBe("success");
    for (const [i, h] of lab.hosts.entries()) {
      expect(releasesOn(lab, i)).toEqual(["r1-aaaa"]);
      const lane = r.text(h.name);
      for (const phase of ["lbRemove", "stop", "backup", "transfer"]) expect(lane).toContain(`system: ${phase}: already at release r1-aaaa: skipped`);
      expect(lane).toContain("release r1-aaaa is already installed: skipped");
      expect(lane).toContain("config/app.env: unchanged: skipped");
      expect(lane).toContain("current already points at releases/r1-aaaa");
      expect(lane).toContain("the service is already running: skipped");
      expect(lane).toContain(`${BACKEND}/${h.name} is already UP and in rotation: skipped`);
      expect(readFileSync(join(h.root, "srv/.previous-release"), "utf8")).toMatch(/^\nby r1-aaaa /);
    }
  });

  it("a wrong expected sha256 fails before any host changes", async () => {
    const wrong = { ...art["2.0.0"]!, sha256: "0".repeat(64) };
    const r = recordingCtx();
    const res = await deploy.run(deployWork(targets(lab), wrong, "r2-bbbb"), r.ctx);
    expect(res.outcome).toBe("failure");
    expect(res.message).toBe(`the artifact at ${wrong.path} has sha256 ${art["2.0.0"]!.sha256}, but the service expects ${"0".repeat(64)}: nothing was changed on any host`);
    expect(allLive()).toEqual(["r1-aaaa", "r1-aaaa", "r1-aaaa", "r1-aaaa"]);
    for (const [i] of lab.hosts.entries()) expect(releasesOn(lab, i)).toEqual(["r1-aaaa"]);
  });

  it("the host checks the uploaded file's sha256 itself and refuses a mismatch", async () => {
    const r = recordingCtx();
    const c = await connectFleet(targets(lab, { indexes: [0] }), r.ctx, { concurrency: 1, tolerateUnreachable: 0 });
    expect(c.ok).toBe(true);
    const h = c.fleet.hosts[0]!;
    try {
      const appPath = join(lab.hosts[0]!.root, "srv");
      const run: P.HostRun = { h, appPath, release: "r9-corrupt", vars: { HOST_NAME: "h01" }, sudo: false, serviceControl: scriptControl(), signal: r.ctx.signal, current: "r1-aaaa", atRelease: false, stopped: false, relinked: false };
      // What a corrupted upload looks like from the host: bytes whose sha256 is not the expected one.
      const claimed = { path: art["2.0.0"]!.path, sha256: "f".repeat(64), bytes: 1, source: "test" };
      await expect(P.transfer(run, async () => claimed)).rejects.toThrow(`transfer: exit code 1 (sha256 of the uploaded file on the host is ${art["2.0.0"]!.sha256}, expected ${"f".repeat(64)})`);
      expect(readdirSync(join(appPath, "incoming")).filter((f) => f.includes("r9-corrupt"))).toEqual([]);
    } finally {
      c.fleet.close();
    }
  });

  it("an unknown ${VAR} in a config template fails naming it and the file, before any host is touched", async () => {
    const r = recordingCtx();
    const res = await deploy.run(deployWork(targets(lab), art["2.0.0"]!, "r2-bbbb", { configFiles: [{ path: "config/db.properties", template: "url=${DB_URL}\n" }] }), r.ctx);
    expect(res.outcome).toBe("failure");
    expect(res.message).toBe("unknown variable ${DB_URL} in config file config/db.properties; nothing was changed on any host");
    expect(r.all()).not.toMatch(/connected to/);
    expect(allLive()).toEqual(["r1-aaaa", "r1-aaaa", "r1-aaaa", "r1-aaaa"]);
  });

  it("canary percentages are cumulative: hosts already on the release count, the rest follow in order", async () => {
    const w = (percent: number) => deployWork(targets(lab), art["2.0.0"]!, "r2-bbbb", { percent, loadBalancer: lbConfig() });
    const first = await deploy.run(w(25), recordingCtx().ctx);
    expect(first.outcome).toBe("success");
    expect(allLive()).toEqual(["r2-bbbb", "r1-aaaa", "r1-aaaa", "r1-aaaa"]);
    const r50 = recordingCtx();
    const second = await deploy.run(w(50), r50.ctx);
    expect(second.outcome, r50.all()).toBe("success");
    expect(allLive()).toEqual(["r2-bbbb", "r2-bbbb", "r1-aaaa", "r1-aaaa"]);
    expect(r50.text()).toContain("canary 50%: 2 of 4 hosts must run r2-bbbb; 1 already do, deploying to 1 more");
    expect(r50.text("h01")).toContain("already at release r2-bbbb: counts toward 50%; skipped");
    expect(r50.text("h03")).toContain("not selected for the 50% step: left alone");
    const again = recordingCtx();
    expect((await deploy.run(w(50), again.ctx)).message).toMatch(/^r2-bbbb on 2\/4 hosts \(0 deployed/);
    expect(again.text()).toContain("deploying to 0 more");
    expect((await deploy.run(w(100), recordingCtx().ctx)).outcome).toBe("success");
    expect(allLive()).toEqual(["r2-bbbb", "r2-bbbb", "r2-bbbb", "r2-bbbb"]);
    for (const [i, h] of lab.hosts.entries()) {
      expect(await health(lab, i)).toEqual({ status: 200, version: "2.0.0" });
      // The replaced release was backed up once, with a metadata line.
      const backups = readdirSync(join(h.root, "srv/backups"));
      expect(backups.filter((f) => f.startsWith("r1-aaaa@") && f.endsWith(".tar.gz"))).toHaveLength(1);
      expect(readFileSync(join(h.root, "srv/backups/backups.log"), "utf8")).toMatch(/release=r1-aaaa file=r1-aaaa@\d{8}T\d{6}Z\.tar\.gz bytes=\d+ by=r2-bbbb host=h0\d/);
    }
    expect(await statuses()).toEqual(lab.hosts.map((h) => `${h.name}:UP`));
  });

  it("a failing health check stops the rollout after its batch; sshRollback restores exactly the hosts it touched", async () => {
    const r = recordingCtx();
    const bad = deployWork(targets(lab), art["3.0.0-bad"]!, "r3-cccc", {
      batch: { size: 2, tolerateFailures: 0 },
      loadBalancer: lbConfig(),
      healthCheck: { url: "http://${HOST}:${APP_PORT}/health", expectStatus: 200, retries: 3, intervalMs: 100, maxIntervalMs: 200, from: "host" },
    });
    const res = await deploy.run(bad, r.ctx);
    expect(res.outcome).toBe("failure");
    expect(res.message).toMatch(/^2 hosts failed \(tolerated: 0\), 2 not started: h01: healthCheck: expected 200, got 500 after 3 attempts \(http:\/\/127\.0\.0\.1:\d+\/health\) \| h02: /);
    expect(allLive()).toEqual(["r3-cccc", "r3-cccc", "r2-bbbb", "r2-bbbb"]);
    expect(r.text("h03")).toContain("not started: the step stopped after too many failed hosts");
    // The bad hosts never went back into rotation.
    expect(await statuses()).toEqual(["h01:MAINT", "h02:MAINT", "h03:UP", "h04:UP"]);

    // The release folder of r2 is gone on h02: the rollback restores it from the backup r3 made.
    rmSync(join(lab.hosts[1]!.root, "srv/releases/r2-bbbb"), { recursive: true, force: true });
    const rb: SshRollbackWork = { kind: "sshRollback", hosts: targets(lab), batch: { size: 1, tolerateFailures: 0 }, serviceControl: scriptControl(), healthCheck: deployWork([], null, "x").healthCheck, loadBalancer: lbConfig(), sudo: false, appPath: APP_PATH, release: "r3-cccc", variables: {} };
    const rr = recordingCtx();
    const back = await rollback.run(rb, rr.ctx);
    expect(back.outcome, rr.all()).toBe("success");
    expect(back.outputs).toMatchObject({ rolledBackHosts: "h01,h02", untouchedHosts: "h03,h04", failedHosts: "" });
    expect(allLive()).toEqual(["r2-bbbb", "r2-bbbb", "r2-bbbb", "r2-bbbb"]);
    for (const [i] of lab.hosts.entries()) expect(await health(lab, i)).toEqual({ status: 200, version: "2.0.0" });
    expect(await statuses()).toEqual(lab.hosts.map((h) => `${h.name}:UP`));
    expect(rr.text("h01")).toContain("releases/r2-bbbb is still there: no restore needed");
    expect(rr.text("h02")).toMatch(/restored releases\/r2-bbbb from backups\/r2-bbbb@\d{8}T\d{6}Z\.tar\.gz/);
    expect(rr.text("h03")).toContain("not changed by r3-cccc: left alone");
    // Again: nothing left to do, and it says so.
    const twice = recordingCtx();
    expect((await rollback.run(rb, twice.ctx)).outcome).toBe("success");
    expect(twice.text("h01")).toContain("restore: already back on r2-bbbb: skipped");
    expect(twice.text("h01")).toContain(`${BACKEND}/h01 is already UP and in rotation: skipped`);
  });

  it("keeps only keepReleases releases and backups after a successful deploy (never the live or the rollback one)", async () => {
    const res = await deploy.run(deployWork(targets(lab), art["4.0.0"]!, "r4-dddd", { batch: { size: "50%", tolerateFailures: 0 }, loadBalancer: lbConfig(), keepReleases: 1 }), recordingCtx().ctx);
    expect(res.outcome).toBe("success");
    for (const [i, h] of lab.hosts.entries()) {
      expect(releasesOn(lab, i)).toEqual(["r2-bbbb", "r4-dddd"]); // live + the one to roll back to
      const backups = readdirSync(join(h.root, "srv/backups")).filter((f) => f.endsWith(".tar.gz"));
      expect(backups.every((f) => f.startsWith("r2-bbbb@"))).toBe(true);
      expect(existsSync(join(h.root, "srv/incoming/r1-aaaa.tar.gz"))).toBe(false);
    }
  });

  it("a hook load balancer runs remove before and add after each host, on the delegate, with the host's variables", async () => {
    const file = join(dir, "hook.log");
    const lbHook = { kind: "hook" as const, remove: `echo "remove \${HOST_NAME} $APP_PORT" >> ${file}`, add: `echo "add \${HOST_NAME} $RELEASE" >> ${file}` };
    const res = await deploy.run(deployWork(targets(lab, { indexes: [2, 3] }), art["2.0.0"]!, "r5-eeee", { loadBalancer: lbHook }), recordingCtx().ctx);
    expect(res.outcome).toBe("success");
    expect(readFileSync(file, "utf8")).toBe(`remove h03 ${lab.hosts[2]!.appPort}\nadd h03 r5-eeee\nremove h04 ${lab.hosts[3]!.appPort}\nadd h04 r5-eeee\n`);
  });
});
