/**
 * VM deployments end to end: the REAL studio (`next start` with its engine) and a REAL delegate process (the
 * bundle) deploying to real OpenSSH sshd "VMs" on loopback behind a real HAProxy, under continuous HTTP load
 * through HAProxy (test-support/ssh-lab).
 *
 *   rolling      one sshDeploy, batches of 2 over 10 hosts, lbRemove/lbAdd + health check: 0 failed requests
 *   failing      a version whose /health fails → the stage's rollback → sshRollback: fleet back on the previous
 *                release, 0 failed requests, the bad version never served a request
 *   blue-green   sshDeploy to the idle green group → http verify → loadBalancer switchBackend → hold
 *   host keys    a changed or unknown key stops the deploy before any command (no host changed); trust on first
 *                use deploys and the studio pins the key it learned
 *
 * The measured figures (durations, requests, per-version counts) are printed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { InfrastructureSpecSchema } from "@slipway/pipeline-spec/records";
import { chromium } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "~/test-support/chromium";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "~/test-support/db";
import { createLabDatabase, createLabPipeline, createLabToken, readRun, saveLabSecret, seedLab, signIn, startDelegate, startLabRun, startStudio, TERMINAL, until, type Lab, type LabDatabase, type LabDelegate, type Studio } from "~/test-support/process-lab";
import { runLoad, startHaproxy, startSshHosts, type Haproxy, type LoadResult, type SshLab } from "~/test-support/ssh-lab";
import { fileServer, haproxy, healthOf, hostSnapshot, infrastructureDoc, linkApps, live, makeArtifact, pipeline, saveRecords, SECRET, SECRET_BG, sshDeployStep, sshRollbackStep, type Artifact } from "./vm-lab";

useTestDatabase(); // the run's secrets key; this file works in its own database

const FLEET = 10;
let labDb: LabDatabase;
let lab: Lab;
let studio: Studio;
let delegate: LabDelegate;
let fleet: SshLab; // rolling: 10 hosts in one group behind be_app
let bg: SshLab; // blue-green: h01–h05 blue, h06–h10 green
let lbA: Haproxy;
let lbB: Haproxy;
let dir: string;
let files: Awaited<ReturnType<typeof fileServer>>;
const art: Record<string, Artifact> = {};
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "vm-deploy-"));
  files = await fileServer(dir);
  for (const v of ["1.0.0", "2.0.0", "2.1.0-bad", "3.0.0"]) art[v] = await makeArtifact(dir, files.url, v);
  [fleet, bg] = await Promise.all([startSshHosts({ count: FLEET, withArtifact: false }), startSshHosts({ count: FLEET, withArtifact: false })]);
  linkApps(fleet);
  linkApps(bg);
  const servers = (l: SshLab, idx: number[]) => idx.map((i) => ({ name: l.hosts[i]!.name, address: "127.0.0.1", port: l.hosts[i]!.appPort }));
  const all = Array.from({ length: FLEET }, (_, i) => i);
  lbA = await startHaproxy({ backends: [{ name: "be_app", servers: servers(fleet, all) }] });
  lbB = await startHaproxy({ backends: [{ name: "be_blue", servers: servers(bg, all.slice(0, 5)) }, { name: "be_green", servers: servers(bg, all.slice(5)) }], active: "be_blue" });
  labDb = await createLabDatabase();
  lab = await seedLab(labDb.db);
  await saveLabSecret(lab, SECRET, fleet.clientPrivateKey);
  await saveLabSecret(lab, SECRET_BG, bg.clientPrivateKey);
  studio = await startStudio({ databaseUrl: labDb.url });
  delegate = await startDelegate({ url: studio.baseUrl, token: await createLabToken(lab), name: "vm-delegate", maxTasks: 4 });
}, 20 * 60_000);

afterAll(async () => {
  await delegate?.kill("SIGTERM");
  await studio?.stop();
  await labDb?.drop();
  await Promise.all([lbA?.stop(), lbB?.stop()]);
  await Promise.all([fleet?.stop(), bg?.stop()]);
  files?.server.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  console.log(`[vm-deployments] figures\n${JSON.stringify(figures, null, 2)}`);
}, 120_000);

const diagnostics = async (executionId: string) => {
  const run = await readRun(lab.db, executionId);
  return `execution ${run.status}; steps: ${run.steps.map((s) => `${s.stepId}=${s.status} ${s.message ?? ""}`).join(" | ")}\n--- delegate ---\n${delegate.output().slice(-3000)}`;
};

/** Starts the pipeline and waits for the execution to end (bounded). */
async function execute(yaml: string, timeoutMs = 8 * 60_000) {
  const pipelineId = await createLabPipeline(lab, yaml);
  const started = Date.now();
  const exec = await startLabRun(lab, pipelineId);
  const done = await until(`execution ${exec.id} to end`, async () => {
    const r = await readRun(lab.db, exec.id);
    return TERMINAL.includes(r.status) ? r : null;
  }, { timeoutMs, intervalMs: 250, diagnostics: () => diagnostics(exec.id) });
  const release = `r${exec.sequenceId}-${exec.id.slice(-8)}`;
  return { run: done, release, ms: Date.now() - started, id: exec.id };
}

/** Runs `fn` under continuous load through `lb` (from 500 ms before to 500 ms after it), bounded. */
async function underLoad<T>(lb: Haproxy, fn: () => Promise<T>): Promise<{ result: T; load: LoadResult }> {
  const stop = new AbortController();
  const load = runLoad({ url: `${lb.frontendUrl}/`, concurrency: 6, ratePerSecond: 120, durationMs: 9 * 60_000, signal: stop.signal, requestTimeoutMs: 10_000 });
  await new Promise((r) => setTimeout(r, 500));
  try {
    const result = await fn();
    await new Promise((r) => setTimeout(r, 500));
    return { result, load: await (stop.abort(), load) };
  } finally {
    stop.abort();
  }
}

/** Per step: how long it waited for a delegate (queued → started) and how long it ran. */
const timings = (run: Awaited<ReturnType<typeof readRun>>) =>
  Object.fromEntries(run.steps.map((s) => [s.stepId, { waitMs: s.startedAt && s.queuedAt ? s.startedAt.getTime() - s.queuedAt.getTime() : null, runMs: s.finishedAt && s.startedAt ? s.finishedAt.getTime() - s.startedAt.getTime() : null }]));
const summary = (l: LoadResult) => ({ requests: l.total, ok: l.ok, failed: l.failed, durationMs: l.durationMs, byVersion: l.byVersion });
const allOf = (l: SshLab, idx: number[] = l.hosts.map((_, i) => i)) => idx.map((i) => live(l, i));
const lanesOf = async (stepRunId: string) => new Set((await lab.db.logChunk.findMany({ where: { stepRunId }, select: { lane: true } })).map((c) => c.lane));
const stepOf = (run: Awaited<ReturnType<typeof readRun>>, stepId: string) => run.steps.filter((s) => s.stepId === stepId).at(-1)!;

describe("VM deployments through the studio and a delegate process", () => {
  let v2Release = "";
  let rollingId = "";

  it("installs 1.0.0 on a fresh fleet of 10 (rolling, batches of 2)", async () => {
    await saveRecords(lab, { infrastructure: infrastructureDoc(fleet, "fleet", [{ name: "web", hosts: fleet.hosts.map((_, i) => i) }]), service: { artifact: art["1.0.0"]!, source: "url" } });
    const yaml = pipeline("Install", { infrastructure: "fleet", steps: [sshDeployStep("rollout", { batch: "{ size: 2 }", lb: haproxy(lbA.runtimeSocket, "be_app") })] });
    const r = await execute(yaml);
    expect(r.run.status, await diagnostics(r.id)).toBe("SUCCESS");
    expect(allOf(fleet)).toEqual(Array(FLEET).fill(r.release));
    expect(await Promise.all(fleet.hosts.map((_, i) => healthOf(fleet, i)))).toEqual(Array(FLEET).fill("200 1.0.0"));
    for (const s of await lbA.showServersState("be_app")) expect(s.status).toBe("UP");
    // The artifact was downloaded once for the task, not once per host.
    expect(files.requests.filter((u) => u.includes("app-1.0.0")).length).toBe(1);
    figures.install = { executionMs: r.ms, release: r.release, steps: timings(r.run) };
  });

  it("rolling 2.0.0 over 10 hosts in batches of 2 under continuous load: 0 failed requests, every host on the new release", async () => {
    await saveRecords(lab, { service: { artifact: art["2.0.0"]!, source: "url" } });
    const yaml = pipeline("Rolling", { infrastructure: "fleet", steps: [sshDeployStep("rollout", { batch: "{ size: 2 }", lb: haproxy(lbA.runtimeSocket, "be_app") })] });
    const { result: r, load } = await underLoad(lbA, () => execute(yaml));
    expect(r.run.status, await diagnostics(r.id)).toBe("SUCCESS");
    expect(load.failures).toEqual([]);
    expect(load.failed).toBe(0);
    expect(load.ok).toBe(load.total);
    expect(load.byVersion["1.0.0"]).toBeGreaterThan(0);
    expect(load.byVersion["2.0.0"]).toBeGreaterThan(0);
    expect(Object.keys(load.byVersion).sort()).toEqual(["1.0.0", "2.0.0"]);
    expect(allOf(fleet)).toEqual(Array(FLEET).fill(r.release));
    expect(await Promise.all(fleet.hosts.map((_, i) => healthOf(fleet, i)))).toEqual(Array(FLEET).fill("200 2.0.0"));
    const after = await runLoad({ url: `${lbA.frontendUrl}/`, concurrency: 4, maxRequests: 200 });
    expect(after.byVersion).toEqual({ "2.0.0": 200 });
    // What the studio stored: final progress (5 batches, every host done on the release) and one lane per host.
    const step = stepOf(r.run, "rollout");
    expect(step.progress).toMatchObject({ kind: "ssh", batch: { index: 4, total: 5 } });
    const hosts = (step.progress as { hosts: { name: string; status: string; release: string }[] }).hosts;
    expect(hosts.map((h) => [h.status, h.release])).toEqual(Array(FLEET).fill(["done", r.release]));
    const lanes = await lanesOf(step.id);
    for (const h of fleet.hosts) expect(lanes.has(`127.0.0.1:${h.port}`)).toBe(true);
    expect(step.message).toMatch(new RegExp(`^${r.release} on 10/10 hosts \\(10 deployed in 5 batches\\)`));
    v2Release = r.release;
    rollingId = r.id;
    figures.rolling = { executionMs: r.ms, release: r.release, steps: timings(r.run), load: summary(load), byServer: load.byServer };
  });

  it("the execution view shows each host's phase, status and release, and one host's own log", async () => {
    expect(rollingId, "runs after the rolling test").not.toBe("");
    const session = await signIn(studio, lab.admin.email, lab.admin.password);
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext();
      await context.addCookies(session.cookie.split("; ").map((c) => ({ name: c.slice(0, c.indexOf("=")), value: c.slice(c.indexOf("=") + 1), url: studio.url })));
      const page = await context.newPage();
      await page.goto(`${studio.url}/p/${lab.project.slug}/executions/${rollingId}`);
      const hosts = page.getByTestId("ssh-host");
      await expect.poll(() => hosts.count(), { timeout: 60_000 }).toBe(FLEET);
      for (const row of await hosts.all()) {
        expect(await row.getAttribute("data-status")).toBe("done");
        expect(await row.locator("td").nth(3).textContent()).toBe(v2Release);
      }
      expect(await page.getByTestId("ssh-releases").textContent()).toBe(`${v2Release}: ${FLEET} hosts`);
      // One host's lane: only its own lines, numbered from 1.
      const host = `127.0.0.1:${fleet.hosts[3]!.port}`;
      await page.getByTestId("lane-picker").selectOption(host);
      const rows = page.getByTestId("log-row");
      await expect.poll(async () => (await rows.allTextContents()).join("\n"), { timeout: 30_000 }).toContain("sha256 verified on the host");
      const texts = await rows.allTextContents();
      const others = fleet.hosts.filter((_, i) => i !== 3).map((h) => `127.0.0.1:${h.port}`);
      expect(texts.some((t) => others.some((o) => t.includes(o)))).toBe(false);
      expect(await rows.first().getAttribute("data-line")).toBe("1");
    } finally {
      await browser.close();
    }
  });

  it("a version whose health check fails is rolled back by the stage's failure strategy: fleet back on 2.0.0, 0 failed requests", async () => {
    await saveRecords(lab, { service: { artifact: art["2.1.0-bad"]!, source: "url" } });
    const yaml = pipeline("Bad version", {
      infrastructure: "fleet",
      onFailure: "{ action: rollback }",
      steps: [sshDeployStep("rollout", { batch: "{ size: 2 }", lb: haproxy(lbA.runtimeSocket, "be_app"), retries: 5 })],
      rollbackSteps: [sshRollbackStep("restore", { batch: "{ size: 2 }", lb: haproxy(lbA.runtimeSocket, "be_app") })],
    });
    const { result: r, load } = await underLoad(lbA, () => execute(yaml));
    expect(r.run.status, await diagnostics(r.id)).toBe("ROLLED_BACK");
    const deploy = stepOf(r.run, "rollout");
    expect(deploy.status).toBe("FAILED");
    expect(deploy.message).toMatch(/^2 hosts failed \(tolerated: 0\), 8 not started: 127\.0\.0\.1:\d+: healthCheck: expected 200, got 500 after 5 attempts/);
    const restore = stepOf(r.run, "restore");
    expect(restore.status).toBe("SUCCESS");
    const outputs = restore.outputs as Record<string, string>;
    expect(outputs.rolledBackHosts!.split(",")).toHaveLength(2);
    expect(outputs.untouchedHosts!.split(",")).toHaveLength(8);
    expect(load.failures).toEqual([]);
    expect(load.failed).toBe(0);
    expect(load.byVersion).toEqual({ "2.0.0": load.ok }); // the bad version never served a request
    expect(allOf(fleet)).toEqual(Array(FLEET).fill(v2Release));
    expect(await Promise.all(fleet.hosts.map((_, i) => healthOf(fleet, i)))).toEqual(Array(FLEET).fill("200 2.0.0"));
    for (const s of await lbA.showServersState("be_app")) expect(s.status).toBe("UP");
    figures.failingVersion = { executionMs: r.ms, release: r.release, steps: timings(r.run), deployMessage: deploy.message, rollbackMessage: restore.message, load: summary(load) };
  });

  it("blue-green under continuous load: deploy the idle green group, verify, switch, hold: 0 failed requests", async () => {
    await saveRecords(lab, { infrastructure: infrastructureDoc(bg, "bluegreen", [{ name: "blue", hosts: [0, 1, 2, 3, 4] }, { name: "green", hosts: [5, 6, 7, 8, 9] }], { credential: SECRET_BG }), service: { artifact: art["1.0.0"]!, source: "file" } });
    const init = await execute(
      pipeline("BG init", {
        infrastructure: "bluegreen",
        steps: [sshDeployStep("blue", { group: "blue", batch: "{ size: 5 }", lb: haproxy(lbB.runtimeSocket, "be_blue") }), sshDeployStep("green", { group: "green", batch: "{ size: 5 }", lb: haproxy(lbB.runtimeSocket, "be_green") })],
      }),
    );
    expect(init.run.status, await diagnostics(init.id)).toBe("SUCCESS");
    expect(await lbB.getActiveBackend()).toBe("be_blue");

    await saveRecords(lab, { service: { artifact: art["2.0.0"]!, source: "file" } });
    const green = bg.hosts[5]!;
    const yaml = pipeline("Blue-green", {
      infrastructure: "bluegreen",
      steps: [
        sshDeployStep("deploy-green", { group: "green", batch: "{ size: 5 }", lb: haproxy(lbB.runtimeSocket, "be_green") }),
        ["id: verify", "type: http", `url: http://127.0.0.1:${green.appPort}/health`, "expect: { status: 200, bodyContains: '\"version\":\"2.0.0\"' }", "retries: 3", "retryInterval: 500ms"],
        ["id: switch", "type: loadBalancer", "action:", "  kind: switchBackend", `  runtimeApi: ${JSON.stringify(`unix:${lbB.runtimeSocket}`)}`, `  map: ${JSON.stringify(lbB.mapPath)}`, "  key: active", "  backend: be_green"],
        ["id: hold", "type: wait", "duration: 3s"],
      ],
    });
    const { result: r, load } = await underLoad(lbB, () => execute(yaml));
    expect(r.run.status, await diagnostics(r.id)).toBe("SUCCESS");
    expect(load.failures).toEqual([]);
    expect(load.failed).toBe(0);
    expect(Object.keys(load.byVersion).sort()).toEqual(["1.0.0", "2.0.0"]);
    expect(await lbB.getActiveBackend()).toBe("be_green");
    // Green runs the new release; blue keeps the old one, untouched, for an instant switch back.
    expect(allOf(bg, [5, 6, 7, 8, 9])).toEqual(Array(5).fill(r.release));
    expect(allOf(bg, [0, 1, 2, 3, 4])).toEqual(Array(5).fill(init.release));
    const after = await runLoad({ url: `${lbB.frontendUrl}/`, concurrency: 4, maxRequests: 200 });
    expect(after.byVersion).toEqual({ "2.0.0": 200 });
    expect(Object.keys(after.byServer).every((s) => s.startsWith("be_green/"))).toBe(true);
    const sw = stepOf(r.run, "switch");
    expect(sw.message).toBe("traffic switched from be_blue to be_green");
    // The traffic moved at the switch: requests before it were 1.0.0 (blue), after it 2.0.0 (green).
    const perBackend: Record<string, number> = {};
    for (const [server, n] of Object.entries(load.byServer)) perBackend[server.split("/")[0]!] = (perBackend[server.split("/")[0]!] ?? 0) + n;
    expect(perBackend.be_blue).toBe(load.byVersion["1.0.0"]);
    expect(perBackend.be_green).toBe(load.byVersion["2.0.0"]);
    figures.blueGreen = { initMs: init.ms, executionMs: r.ms, release: r.release, steps: timings(r.run), load: summary(load), perBackend };
  });

  it("a changed or an unknown host key stops the deploy before any command runs; trust on first use is pinned by the studio", async () => {
    await saveRecords(lab, { service: { artifact: art["3.0.0"]!, source: "url" } });
    const yaml = () => pipeline("Keys", { infrastructure: "fleet", steps: [sshDeployStep("rollout", { batch: "{ size: 5 }", lb: haproxy(lbA.runtimeSocket, "be_app") })] });
    const before = fleet.hosts.map((_, i) => hostSnapshot(fleet, i));

    // Changed: host 4 gets a new key; the infrastructure still pins the old one.
    const old = fleet.hosts[3]!.hostKeyFingerprint;
    const rotated = await fleet.rotateHostKey(3);
    const changed = await execute(yaml());
    expect(changed.run.status).toBe("FAILED");
    const m1 = stepOf(changed.run, "rollout").message ?? "";
    expect(m1).toContain(`host key of 127.0.0.1:${rotated.port} does not match the pinned key: expected ${old}, the host presented ${rotated.hostKeyFingerprint}`);
    expect(m1).toContain("nothing was run on any host");
    expect(fleet.hosts.map((_, i) => hostSnapshot(fleet, i))).toEqual(before);

    // Unknown: host 4 has no pinned key and the infrastructure does not trust on first use.
    const fleetHosts = fleet.hosts.map((_, i) => i);
    await saveRecords(lab, { infrastructure: infrastructureDoc(fleet, "fleet", [{ name: "web", hosts: fleetHosts }], { pins: { 3: undefined } }) });
    const unknown = await execute(yaml());
    expect(unknown.run.status).toBe("FAILED");
    expect(stepOf(unknown.run, "rollout").message).toContain(`host key of 127.0.0.1:${rotated.port} is not pinned: the host presented ${rotated.hostKeyFingerprint}`);
    expect(fleet.hosts.map((_, i) => hostSnapshot(fleet, i))).toEqual(before);
    const lines = (await lab.db.logChunk.findMany({ where: { stepRunId: stepOf(unknown.run, "rollout").id } })).flatMap((c) => c.lines);
    expect(lines.some((l) => /^record:|^lbRemove:/.test(l))).toBe(false);

    // Trust on first use: accepted, reported, and pinned on the infrastructure by the studio.
    await saveRecords(lab, { infrastructure: infrastructureDoc(fleet, "fleet", [{ name: "web", hosts: fleetHosts }], { pins: { 3: undefined }, trustOnFirstUse: true }) });
    const tofu = await execute(yaml());
    expect(tofu.run.status, await diagnostics(tofu.id)).toBe("SUCCESS");
    expect(JSON.parse((stepOf(tofu.run, "rollout").outputs as Record<string, string>).learnedHostKeys!)).toEqual({ [`127.0.0.1:${rotated.port}`]: rotated.hostKeyFingerprint });
    const infra = await lab.db.infrastructure.findFirstOrThrow({ where: { projectId: lab.project.id, name: "fleet" } });
    const spec = InfrastructureSpecSchema.parse(infra.spec);
    expect(spec.type === "SSH" && spec.hostGroups[0]!.hosts[3]!.hostKey).toBe(rotated.hostKeyFingerprint);
    expect(allOf(fleet)).toEqual(Array(FLEET).fill(tofu.release));
    figures.hostKeys = { changed: m1.slice(0, 300), unknownMs: unknown.ms, tofuMs: tofu.ms };
  });
});
