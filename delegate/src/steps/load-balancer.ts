/**
 * The `loadBalancer` step: change what a load balancer does, outside any per-host sequence.
 *
 *   switchBackend   blue-green: `set map <map> <key> <backend>` through HAProxy's runtime API (atomic, no
 *                   reload), then `show map` must say the key points at the backend. Already pointing there:
 *                   nothing to do, and the log says so. The change is in HAProxy's memory: the map file on the
 *                   load balancer is the operator's to keep in step for the next reload.
 *   setServerState  ready / drain / maint for servers of a backend, each read back afterwards
 *   hook            the user's own command on the delegate
 */
import type { LoadBalancerWork } from "@slipway/pipeline-spec/protocol";
import type { StepContext, StepExecutor, StepResult } from "./types";
import { errorMessage } from "./ssh/fleet";
import { HaproxyRuntime, checkName } from "./ssh/haproxy";
import { runHook } from "./ssh/hooks";

export interface LoadBalancerExecutorOptions {
  baseEnv: Record<string, string>;
  delegatePid: number;
}

export function createLoadBalancerExecutor(options: LoadBalancerExecutorOptions): StepExecutor<LoadBalancerWork> {
  return { kind: "loadBalancer", run: (work, ctx) => runLoadBalancer(work, ctx, options) };
}

const result = (outcome: StepResult["outcome"], message: string, outputs: Record<string, string> = {}): StepResult => ({ outcome, exitCode: outcome === "success" ? 0 : null, message, outputs });

async function runLoadBalancer(work: LoadBalancerWork, ctx: StepContext, options: LoadBalancerExecutorOptions): Promise<StepResult> {
  const a = work.action;
  const say = (line: string) => ctx.log.system(line);
  try {
    if (a.kind === "hook") {
      const r = await runHook(a.command, { baseEnv: options.baseEnv, delegatePid: options.delegatePid, env: {}, log: ctx.log, signal: ctx.signal, timeoutMs: ctx.timeoutMs > 0 ? ctx.timeoutMs : 10 * 60_000, cwd: ctx.workDir });
      return result(r.ok ? "success" : ctx.signal.aborted ? "cancelled" : "failure", r.ok ? `hook: ${r.message}` : `hook failed: ${r.message}`);
    }
    const api = new HaproxyRuntime(a.runtimeApi);
    if (a.kind === "switchBackend") {
      checkName("backend", a.backend);
      const before = await api.mapValue(a.map, a.key, ctx.signal);
      say(`HAProxy ${a.runtimeApi}: map ${a.map} key ${a.key} → ${before ?? "(absent)"}`);
      if (before === a.backend) return result("success", `${a.key} already points at ${a.backend}: nothing to switch`, { previousBackend: before, backend: a.backend });
      const known = await api.backends(ctx.signal);
      if (!known.includes(a.backend)) return result("failure", `HAProxy has no backend ${a.backend} (it has: ${known.join(", ")}): not switching`);
      const t0 = performance.now();
      await api.setMap(a.map, a.key, a.backend, ctx.signal);
      const after = await api.mapValue(a.map, a.key, ctx.signal);
      if (after !== a.backend) return result("failure", `after "set map", ${a.map} says ${a.key} → ${after ?? "(absent)"}, not ${a.backend}`);
      const ms = (performance.now() - t0).toFixed(1);
      say(`switched ${a.key}: ${before ?? "(absent)"} → ${a.backend} in ${ms} ms (verified with show map)`);
      return result("success", `traffic switched from ${before ?? "(none)"} to ${a.backend}`, { previousBackend: before ?? "", backend: a.backend });
    }
    checkName("backend", a.backend);
    for (const server of a.servers) {
      checkName("server", server);
      const before = await api.serverState(a.backend, server, ctx.signal);
      const wanted = a.state === "ready" ? ["UP", "DOWN", "STARTING"] : a.state === "drain" ? ["DRAIN"] : ["MAINT"];
      const alreadyThere = a.state === "ready" ? before.adminState === 0 : wanted.includes(before.status);
      if (alreadyThere) {
        say(`${a.backend}/${server} is already ${before.status}: skipped`);
        continue;
      }
      await api.setState(a.backend, server, a.state, ctx.signal);
      const after = await api.serverState(a.backend, server, ctx.signal);
      if (a.state !== "ready" && !wanted.includes(after.status)) return result("failure", `${a.backend}/${server} is ${after.status} after "state ${a.state}"`);
      say(`${a.backend}/${server}: ${before.status} → ${after.status}`);
    }
    return result("success", `${a.servers.length} server(s) of ${a.backend} set to ${a.state}`);
  } catch (err) {
    if (ctx.signal.aborted) return result("cancelled", "cancelled");
    return result("failure", errorMessage(err));
  }
}
