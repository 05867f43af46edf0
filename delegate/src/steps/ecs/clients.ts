/**
 * The three AWS SDK v3 clients for one task, built from the work's AwsEcsTarget: region, optional endpoint override
 * (a simulator, a VPC endpoint) and credentials (the JSON of an AWS-keys secret, or, when null, the SDK's standard
 * provider chain on the delegate host: environment, shared profile, container or instance role).
 *
 * Retries use the SDK's standard strategy (exponential backoff with full jitter, a longer base for throttling, a
 * retry quota) with 8 attempts, so a burst of ThrottlingException is absorbed rather than failing a deployment.
 *
 * Every call goes through `call()`, which logs one system line per call, e.g.
 *   ecs:UpdateService myapp-service taskDefinition=myapp-task:7 → ok 38 ms
 *   elbv2:ModifyListener …/listener/app/myapp-alb/… blue=90 green=10 → ok 12 ms (3 attempts)
 * so each phase's log says which calls it made and what they answered.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ECSClient } from "@aws-sdk/client-ecs";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { AwsEcsTarget } from "@slipway/pipeline-spec/protocol";
import type { StepLog } from "../types";

export const AWS_MAX_ATTEMPTS = 8;

export type AwsService = "ecs" | "elbv2" | "cloudwatch";

/** An AWS call that failed after the SDK's retries. */
export class AwsCallError extends Error {
  constructor(
    readonly service: AwsService,
    readonly action: string,
    readonly code: string,
    readonly awsMessage: string,
    readonly attempts: number,
  ) {
    super(`${service}:${action} failed: ${code}: ${awsMessage}`);
    this.name = "AwsCallError";
  }
}

interface Sendable<Out> {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<Out>;
}

type ClientOf<S extends AwsService> = S extends "ecs" ? ECSClient : S extends "elbv2" ? ElasticLoadBalancingV2Client : CloudWatchClient;

export interface AwsClients {
  ecs: ECSClient;
  elb: ElasticLoadBalancingV2Client;
  cw: CloudWatchClient;
  /** Calls made so far (for the result summary and the benchmark). */
  readonly calls: { service: AwsService; action: string; ok: boolean; ms: number }[];
  /**
   * Sends `command` on the service's client and logs `service:Action summary → status ms`. Throws AwsCallError when
   * AWS still refuses after the retries; `quiet` codes (expected answers such as "not found") are logged the same
   * way but marked as expected.
   */
  call<Out>(service: AwsService, command: { input: unknown }, summary: string, opts?: { quiet?: string[] }): Promise<Out>;
  destroy(): void;
}

export function parseCredentials(json: string | null): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined {
  if (json === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // Never echo the value: it is a secret.
    throw new Error("the AWS credentials secret is not valid JSON (expected {\"accessKeyId\", \"secretAccessKey\", \"sessionToken\"?})");
  }
  const p = parsed as Record<string, unknown>;
  const accessKeyId = p?.accessKeyId ?? p?.AccessKeyId ?? p?.aws_access_key_id;
  const secretAccessKey = p?.secretAccessKey ?? p?.SecretAccessKey ?? p?.aws_secret_access_key;
  const sessionToken = p?.sessionToken ?? p?.SessionToken ?? p?.aws_session_token;
  if (typeof accessKeyId !== "string" || typeof secretAccessKey !== "string" || !accessKeyId || !secretAccessKey) {
    throw new Error("the AWS credentials secret needs \"accessKeyId\" and \"secretAccessKey\"");
  }
  return { accessKeyId, secretAccessKey, ...(typeof sessionToken === "string" && sessionToken ? { sessionToken } : {}) };
}

export function createAwsClients(aws: Pick<AwsEcsTarget, "region" | "endpoint" | "credentials">, log: StepLog, signal: AbortSignal): AwsClients {
  const credentials = parseCredentials(aws.credentials);
  const config = {
    region: aws.region,
    maxAttempts: AWS_MAX_ATTEMPTS,
    retryMode: "standard",
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  };
  const ecs = new ECSClient(config);
  const elb = new ElasticLoadBalancingV2Client(config);
  const cw = new CloudWatchClient(config);
  const calls: AwsClients["calls"] = [];
  const clientFor = <S extends AwsService>(service: S): ClientOf<S> =>
    (service === "ecs" ? ecs : service === "elbv2" ? elb : cw) as ClientOf<S>;

  return {
    ecs,
    elb,
    cw,
    calls,
    async call<Out>(service: AwsService, command: { input: unknown }, summary: string, opts: { quiet?: string[] } = {}): Promise<Out> {
      // Bundlers may suffix a digit to a class name they had to rename.
      const action = command.constructor.name.replace(/Command\d*$/, "");
      const started = performance.now();
      const client = clientFor(service) as unknown as Sendable<Out>;
      const head = `${service}:${action}${summary ? ` ${summary}` : ""}`;
      try {
        const out = await client.send(command, { abortSignal: signal });
        const ms = Math.round(performance.now() - started);
        const attempts = (out as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
        calls.push({ service, action, ok: true, ms });
        log.system(`${head} → ok ${ms} ms${attempts > 1 ? ` (${attempts} attempts)` : ""}`);
        return out;
      } catch (err) {
        const ms = Math.round(performance.now() - started);
        const e = err as Error & { name?: string; Code?: string; $metadata?: { attempts?: number } };
        const code = e.name && e.name !== "Error" ? e.name : (e.Code ?? "Error");
        const attempts = e.$metadata?.attempts ?? 1;
        calls.push({ service, action, ok: false, ms });
        if (signal.aborted) {
          log.system(`${head} → stopped (cancelled) ${ms} ms`);
          throw err;
        }
        const expected = opts.quiet?.includes(code);
        log.system(`${head} → ${code}${expected ? "" : `: ${oneLine(e.message)}`} ${ms} ms${attempts > 1 ? ` (${attempts} attempts)` : ""}`);
        throw new AwsCallError(service, action, code, oneLine(e.message), attempts);
      }
    },
    destroy() {
      ecs.destroy();
      elb.destroy();
      cw.destroy();
    },
  };
}

function oneLine(s: string | undefined): string {
  const flat = (s ?? "").replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
