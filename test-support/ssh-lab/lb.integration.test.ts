// Real HAProxy in front of apps started over real SSH: balancing, drain, health-driven removal,
// a zero-failure in-place upgrade under load, and blue/green via the runtime map.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { remote } from "./app";
import { startHaproxy } from "./haproxy";
import type { Haproxy } from "./haproxy";
import { runLoad, waitForHttp } from "./load";
import { execOk, withSsh } from "./ssh-client";
import { startSshHosts } from "./sshd";
import type { SshLab } from "./sshd";

const BLUE = "be_blue";
const GREEN = "be_green";
let lab: SshLab;
let lb: Haproxy;

const onHost = (i: number, cmd: string) => withSsh(lab.connectConfig(i), (c) => execOk(c, cmd));
const health = (i: number) => `http://127.0.0.1:${lab.hosts[i]!.appPort}/health`;

beforeAll(async () => {
  // h01-h03 = blue (live, 1.0.0), h04-h05 = green (idle, 2.0.0).
  lab = await startSshHosts({ count: 5 });
  await Promise.all(lab.hosts.map((_, i) => onHost(i, remote.start(i < 3 ? "1.0.0" : "2.0.0"))));
  const server = (i: number) => ({ name: lab.hosts[i]!.name, address: "127.0.0.1", port: lab.hosts[i]!.appPort });
  lb = await startHaproxy({
    backends: [
      { name: BLUE, servers: [0, 1, 2].map(server) },
      { name: GREEN, servers: [3, 4].map(server) },
    ],
  });
  for (const h of lab.hosts) await lb.waitForServerStatus(lab.hosts.indexOf(h) < 3 ? BLUE : GREEN, h.name, "UP");
});
afterAll(async () => {
  await lb?.stop();
  await lab?.stop();
});

describe("HAProxy in front of three app servers", () => {
  it("balances round-robin across all three", async () => {
    const r = await runLoad({ url: `${lb.frontendUrl}/`, concurrency: 6, maxRequests: 300 });
    expect(r.failed).toBe(0);
    expect(Object.keys(r.byServer).sort()).toEqual([`${BLUE}/h01`, `${BLUE}/h02`, `${BLUE}/h03`]);
    for (const n of Object.values(r.byServer)) expect(n).toBeGreaterThanOrEqual(80);
  });

  it("sends no traffic to a drained server (runtime API), and resumes after ready", async () => {
    await lb.setServerState(BLUE, "h02", "drain");
    expect((await lb.showServersState(BLUE)).find((s) => s.server === "h02")?.status).toBe("DRAIN");
    const stotBefore = (await lb.showStat()).find((s) => s.pxname === BLUE && s.svname === "h02")!.stot;
    const r = await runLoad({ url: `${lb.frontendUrl}/`, concurrency: 6, maxRequests: 300 });
    expect(r.failed).toBe(0);
    expect(r.byServer[`${BLUE}/h02`]).toBeUndefined();
    expect((await lb.showStat()).find((s) => s.pxname === BLUE && s.svname === "h02")!.stot).toBe(stotBefore);
    await lb.setServerState(BLUE, "h02", "ready");
    await lb.waitForServerStatus(BLUE, "h02", "UP");
  });

  it("takes a server whose /health fails out of rotation by itself", async () => {
    await onHost(2, remote.markUnhealthy());
    await lb.waitForServerStatus(BLUE, "h03", "DOWN");
    const r = await runLoad({ url: `${lb.frontendUrl}/`, concurrency: 6, maxRequests: 200 });
    expect(r.failed).toBe(0);
    expect(r.byServer[`${BLUE}/h03`]).toBeUndefined();
    await onHost(2, remote.markHealthy());
    await lb.waitForServerStatus(BLUE, "h03", "UP");
  });

  it("upgrades one server in place under ~2,000 requests with zero failures (maint → stop → start → ready)", async () => {
    // Paced so the request budget outlasts the upgrade (~1-2 s here); bounded either way.
    const load = runLoad({ url: `${lb.frontendUrl}/`, concurrency: 8, maxRequests: 2_000, ratePerSecond: 400 });
    await new Promise((r) => setTimeout(r, 300)); // some 1.0.0 traffic first
    await lb.setServerState(BLUE, "h01", "maint");
    await lb.waitForServerStatus(BLUE, "h01", "MAINT");
    await onHost(0, `${remote.stop()} && ${remote.start("1.1.0")}`);
    // Health first, then ready: HAProxy marks a server UP the moment it leaves maint, before any check.
    expect(JSON.parse(await waitForHttp(health(0))).version).toBe("1.1.0");
    await lb.setServerState(BLUE, "h01", "ready");
    await lb.waitForServerStatus(BLUE, "h01", "UP");
    const r = await load;
    expect(r.failures).toEqual([]);
    expect(r.total).toBe(2_000);
    expect(r.ok).toBe(2_000);
    expect(r.byVersion["1.0.0"]).toBeGreaterThan(0);
    expect(r.byVersion["1.1.0"]).toBeGreaterThan(0);
  });

  it("keeps serving when an app dies WITHOUT maint first (retry-on + redispatch hide the refused connects)", async () => {
    const load = runLoad({ url: `${lb.frontendUrl}/`, concurrency: 8, maxRequests: 600, ratePerSecond: 400 });
    await new Promise((r) => setTimeout(r, 200));
    await onHost(1, remote.stop());
    await lb.waitForServerStatus(BLUE, "h02", "DOWN");
    const r = await load;
    expect(r.failures).toEqual([]);
    await onHost(1, remote.start("1.0.0"));
    await lb.waitForServerStatus(BLUE, "h02", "UP");
  });
});

describe("blue/green through the runtime map", () => {
  it("switches all traffic to green and back without a reload", async () => {
    expect(await lb.getActiveBackend()).toBe(BLUE);
    await lb.setActiveBackend(GREEN);
    expect(await lb.getActiveBackend()).toBe(GREEN);
    const g = await runLoad({ url: `${lb.frontendUrl}/`, concurrency: 4, maxRequests: 200 });
    expect(g.failed).toBe(0);
    expect(g.byVersion).toEqual({ "2.0.0": 200 });
    expect(Object.keys(g.byServer).sort()).toEqual([`${GREEN}/h04`, `${GREEN}/h05`]);
    await lb.setActiveBackend(BLUE); // the "instant rollback" of seed V-B2 step 3
    const b = await runLoad({ url: `${lb.frontendUrl}/`, concurrency: 4, maxRequests: 200 });
    expect(b.failed).toBe(0);
    expect(Object.keys(b.byServer).every((s) => s.startsWith(`${BLUE}/`))).toBe(true);
  });

  it("shifts canary traffic with server weights", async () => {
    await lb.setActiveBackend(GREEN);
    await lb.setWeight(GREEN, "h05", 0);
    const r = await runLoad({ url: `${lb.frontendUrl}/`, concurrency: 4, maxRequests: 100 });
    expect(r.byServer).toEqual({ [`${GREEN}/h04`]: 100 });
    await lb.setWeight(GREEN, "h05", 100);
    await lb.setActiveBackend(BLUE);
  });

  it("rejects runtime mistakes loudly instead of silently doing nothing", async () => {
    await expect(lb.setServerState(BLUE, "nope", "drain")).rejects.toThrow(/No such server/);
    await expect(lb.setActiveBackend("be_missing")).rejects.toThrow(/unknown backend/);
    expect(await lb.runtime("show info")).toMatch(/^Name: HAProxy/m);
  });
});
