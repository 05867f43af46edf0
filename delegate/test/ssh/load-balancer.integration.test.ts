/**
 * The `loadBalancer` executor against a real HAProxy (test-support/ssh-lab): blue-green switching through the
 * runtime map (verified with `show map`, idempotent, refusing an unknown backend), server states read back, and
 * a hook on the delegate. Also the unix: and tcp: forms of the runtime API address.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { join } from "node:path";
import type { LoadBalancerWork } from "@slipway/pipeline-spec/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execOk, remote, runLoad, startHaproxy, startSshHosts, withSsh, type Haproxy, type SshLab } from "../../../test-support/ssh-lab/index";
import { createLoadBalancerExecutor } from "../../src/steps/load-balancer";
import { recordingCtx, scratch } from "./kit";

let lab: SshLab;
let lb: Haproxy;
let dir: string;
const exec = createLoadBalancerExecutor({ baseEnv: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, delegatePid: process.pid });
const run = (action: LoadBalancerWork["action"]) => {
  const r = recordingCtx(dir);
  return exec.run({ kind: "loadBalancer", action }, r.ctx).then((res) => ({ res, log: r.text() }));
};

beforeAll(async () => {
  dir = scratch("lb-test-");
  lab = await startSshHosts({ count: 2 });
  await Promise.all(lab.hosts.map((_, i) => withSsh(lab.connectConfig(i), (c) => execOk(c, remote.start(i === 0 ? "1.0.0" : "2.0.0")))));
  const server = (i: number) => ({ name: lab.hosts[i]!.name, address: "127.0.0.1", port: lab.hosts[i]!.appPort });
  lb = await startHaproxy({ backends: [{ name: "be_blue", servers: [server(0)] }, { name: "be_green", servers: [server(1)] }] });
  await lb.waitForServerStatus("be_blue", "h01", "UP");
  await lb.waitForServerStatus("be_green", "h02", "UP");
});
afterAll(async () => {
  await lb?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("loadBalancer", () => {
  it("switches backends through the runtime map, verified with show map; again is a no-op", async () => {
    const action = { kind: "switchBackend" as const, runtimeApi: `unix:${lb.runtimeSocket}`, map: lb.mapPath, key: "active", backend: "be_green" };
    const { res, log } = await run(action);
    expect(res).toMatchObject({ outcome: "success", message: "traffic switched from be_blue to be_green", outputs: { previousBackend: "be_blue", backend: "be_green" } });
    expect(log).toMatch(/switched active: be_blue → be_green in [\d.]+ ms \(verified with show map\)/);
    expect(await lb.getActiveBackend()).toBe("be_green");
    const load = await runLoad({ url: `${lb.frontendUrl}/`, concurrency: 4, maxRequests: 100 });
    expect(load.byVersion).toEqual({ "2.0.0": 100 });
    const again = await run(action);
    expect(again.res.message).toBe("active already points at be_green: nothing to switch");
    const back = await run({ ...action, backend: "be_blue" });
    expect(back.res.outcome).toBe("success");
    expect(await lb.getActiveBackend()).toBe("be_blue");
  });

  it("refuses to switch to a backend HAProxy does not have", async () => {
    const { res } = await run({ kind: "switchBackend", runtimeApi: `unix:${lb.runtimeSocket}`, map: lb.mapPath, key: "active", backend: "be_nope" });
    expect(res.outcome).toBe("failure");
    expect(res.message).toMatch(/^HAProxy has no backend be_nope \(it has: .*be_blue.*be_green.*\): not switching$/);
    expect(await lb.getActiveBackend()).toBe("be_blue");
  });

  it("sets server states and reads them back", async () => {
    const api = `unix:${lb.runtimeSocket}`;
    expect((await run({ kind: "setServerState", runtimeApi: api, backend: "be_blue", servers: ["h01"], state: "drain" })).res.outcome).toBe("success");
    expect((await lb.showServersState("be_blue"))[0]!.status).toBe("DRAIN");
    expect((await run({ kind: "setServerState", runtimeApi: api, backend: "be_blue", servers: ["h01"], state: "maint" })).res.outcome).toBe("success");
    expect((await lb.showServersState("be_blue"))[0]!.status).toBe("MAINT");
    const again = await run({ kind: "setServerState", runtimeApi: api, backend: "be_blue", servers: ["h01"], state: "maint" });
    expect(again.log).toContain("be_blue/h01 is already MAINT: skipped");
    expect((await run({ kind: "setServerState", runtimeApi: api, backend: "be_blue", servers: ["h01"], state: "ready" })).res.outcome).toBe("success");
    await lb.waitForServerStatus("be_blue", "h01", "UP");
    const bad = await run({ kind: "setServerState", runtimeApi: api, backend: "be_blue", servers: ["nope"], state: "drain" });
    expect(bad.res.outcome).toBe("failure");
    expect(bad.res.message).toMatch(/backend be_blue has no server nope \(it has: h01\)/);
  });

  it("reaches the runtime API over tcp: too (through a loopback relay to the socket)", async () => {
    const relay: Server = createServer((c) => {
      const s = createConnection(lb.runtimeSocket);
      c.pipe(s).pipe(c);
      c.on("error", () => s.destroy());
      s.on("error", () => c.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (relay.address() as { port: number }).port;
      const { res } = await run({ kind: "setServerState", runtimeApi: `tcp:127.0.0.1:${port}`, backend: "be_green", servers: ["h02"], state: "ready" });
      expect(res.outcome).toBe("success");
    } finally {
      relay.close();
    }
    const unreachable = await run({ kind: "setServerState", runtimeApi: "tcp:127.0.0.1:1", backend: "be_green", servers: ["h02"], state: "ready" });
    expect(unreachable.res.message).toBe("cannot reach the HAProxy runtime API at tcp:127.0.0.1:1: ECONNREFUSED");
  });

  it("runs a hook on the delegate", async () => {
    const file = join(dir, "hook-ran");
    const { res } = await run({ kind: "hook", command: `echo switched > ${file}` });
    expect(res.outcome).toBe("success");
    expect(existsSync(file) && readFileSync(file, "utf8")).toBe("switched\n");
    const failing = await run({ kind: "hook", command: "exit 4" });
    expect(failing.res).toMatchObject({ outcome: "failure", message: "hook failed: exit code 4" });
  });
});
