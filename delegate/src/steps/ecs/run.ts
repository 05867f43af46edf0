/**
 * The frame every ECS phase runs in: clients from the work's AWS target, the clock, a deadline, progress, and one
 * place that turns how the phase ended into a StepResult — with the outputs gathered so far even on failure (a
 * deploy that failed half-way still says what it changed; its rollback needs that).
 */
import type { AwsEcsTarget } from "@slipway/pipeline-spec/protocol";
import type { StepContext, StepResult } from "../types";
import { createAwsClients, type AwsClients } from "./clients";
import { ProgressReporter, wallClock, type Clock, type ExecutorOptions } from "./context";
import { Cancelled, messageOf, Refusal } from "./errors";
import type { Env } from "./service";

export interface PhaseEnv extends Env {
  ctx: StepContext;
  options: Required<Pick<ExecutorOptions, "defaultPollIntervalMs" | "maxWaitMs">> & { clock: Clock };
  outputs: Record<string, string>;
}

export async function runPhase(
  name: string,
  aws: AwsEcsTarget,
  ctx: StepContext,
  options: ExecutorOptions,
  body: (env: PhaseEnv) => Promise<string>,
): Promise<StepResult> {
  const clock = options.clock ?? wallClock;
  const resolved = { clock, defaultPollIntervalMs: options.defaultPollIntervalMs ?? 5_000, maxWaitMs: options.maxWaitMs ?? 60 * 60_000 };
  const outputs: Record<string, string> = {};
  const progress = new ProgressReporter(ctx, clock);
  if (ctx.signal.aborted) return { outcome: "cancelled", exitCode: null, message: `${name}: stopped before it started`, outputs };
  let clients: AwsClients;
  try {
    clients = createAwsClients(aws, ctx.log, ctx.signal);
  } catch (err) {
    ctx.log.system(`${name}: ${messageOf(err)}`);
    return { outcome: "failure", exitCode: null, message: `${name}: ${messageOf(err)}`, outputs };
  }
  const env: PhaseEnv = {
    aws,
    clients,
    clock,
    signal: ctx.signal,
    log: ctx.log,
    progress,
    deadline: clock.now() + (ctx.timeoutMs > 0 ? ctx.timeoutMs : resolved.maxWaitMs),
    ctx,
    options: resolved,
    outputs,
  };
  ctx.log.system(`${name}: cluster ${aws.cluster}, service ${aws.serviceName}, region ${aws.region}${aws.endpoint ? `, endpoint ${aws.endpoint}` : ""}, credentials ${aws.credentials === null ? "from the delegate host's provider chain" : "from the infrastructure's secret"}`);
  try {
    const message = await body(env);
    ctx.log.system(`${name}: ${message} (${clients.calls.length} AWS call${clients.calls.length === 1 ? "" : "s"})`);
    progress.flush();
    return { outcome: "success", exitCode: null, message, outputs };
  } catch (err) {
    progress.flush();
    if (err instanceof Cancelled || ctx.signal.aborted) {
      ctx.log.system(`${name}: stopped`);
      return { outcome: "cancelled", exitCode: null, message: `${name}: stopped (${err instanceof Error ? err.message : String(err)})`, outputs };
    }
    const message = messageOf(err);
    ctx.log.system(`${name} failed: ${message}${err instanceof Refusal ? " (no AWS resource was changed)" : ""}`);
    return { outcome: "failure", exitCode: null, message: clip(message), outputs };
  } finally {
    clients.destroy();
  }
}

function clip(s: string): string {
  return s.length > 1900 ? `${s.slice(0, 1900)}…` : s;
}
