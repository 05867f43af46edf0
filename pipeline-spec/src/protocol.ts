/**
 * The delegate wire protocol, v1: the only contract between the studio and a delegate (a separately released
 * program), parsed with these schemas on both ends. Shape, after buildkite's agent protocol:
 *
 *   studio ──SSE  GET  /api/delegate/v1/stream ─────────▶ delegate   notifications only (offered, cancel, …)
 *   delegate ──POST /api/delegate/v1/register ──────────▶ studio     who I am; returns my instance id and timings
 *   delegate ──POST /api/delegate/v1/heartbeat ─────────▶ studio     I am alive, running these tasks
 *   delegate ──GET  /api/delegate/v1/tasks/offered ─────▶ studio     poll fallback while the stream is down
 *   delegate ──POST /api/delegate/v1/tasks/:id/claim ───▶ studio     idempotent; returns the work + a lease
 *   delegate ──POST /api/delegate/v1/tasks/:id/heartbeat▶ studio     renews the lease; says if cancel was asked
 *   delegate ──POST /api/delegate/v1/tasks/:id/logs ────▶ studio     numbered, contiguous, already masked
 *   delegate ──POST /api/delegate/v1/tasks/:id/progress ▶ studio     where a multi-host / multi-phase step stands
 *   delegate ──POST /api/delegate/v1/tasks/:id/result ──▶ studio     the outcome, once every log chunk is stored
 *
 * Work is never pushed: a notification says "there is something for you", the delegate claims it, and the claim
 * is the source of truth. Stream event ids (Last-Event-ID) are per registered instance: a re-registered process
 * starts a new sequence. Durations of 0 mean "no limit". Every call carries `Authorization: Bearer <delegate token>`; every call after
 * registration also carries `X-Slipway-Delegate: <instance id>`. A lease carries a fencing token: a call with a
 * stale token is refused (409), which is how a delegate learns it no longer owns a task.
 *
 * Decisions and their reasons: docs/adr/0002-delegate-protocol.md.
 */
import { z } from "zod";

export const PROTOCOL_VERSION = "v1" as const;
export const DELEGATE_API_PREFIX = "/api/delegate/v1" as const;
export const DELEGATE_INSTANCE_HEADER = "X-Slipway-Delegate" as const;

// ------------------------------------------------------------------------------------------- registration

export const RegisterRequestSchema = z.object({
  /** Display name of this delegate process (defaults to the host name). */
  name: z.string().min(1).max(100),
  /** Tags that step/stage `selectors` match against. */
  tags: z.array(z.string().min(1).max(63)).max(50).default([]),
  /** How many tasks this delegate runs at once. */
  maxTasks: z.number().int().min(1).max(256),
  /** Delegate version (semver) for the health page. */
  version: z.string().min(1).max(50),
  hostname: z.string().max(255).default(""),
  /** Tasks this process is still running from a previous registration (a restart of the connection, not the process). */
  runningTaskIds: z.array(z.string()).default([]),
  /** Work kinds this delegate can run (e.g. ["shell", "http"]); only those are offered. Empty = every kind. */
  kinds: z.array(z.string().min(1).max(50)).max(50).default([]),
});
export type RegisterRequest = z.infer<typeof RegisterRequestSchema>;

export const RegisterResponseSchema = z.object({
  /** This process's instance id: send it in X-Slipway-Delegate on every later call. */
  delegateId: z.string(),
  /** How often to call POST /heartbeat. */
  heartbeatIntervalMs: z.number().int().positive(),
  /** A task lease lasts this long after each task heartbeat. Renew well before (every ~third). */
  leaseTtlMs: z.number().int().positive(),
  /** How often to poll /tasks/offered while the stream is down. */
  pollIntervalMs: z.number().int().positive(),
  /** The stream sends a keep-alive comment this often; several missed in a row mean the connection is dead. */
  streamKeepaliveMs: z.number().int().positive(),
  /**
   * Stop a task's work yourself when no lease renewal has succeeded for this long. Shorter than the lease, so
   * that when a delegate is cut off from a studio that is still running, it stops before the studio gives the
   * step to another delegate; long enough to ride out a studio restart.
   */
  selfFenceAfterMs: z.number().int().positive(),
  serverTime: z.number().int(),
});
export type RegisterResponse = z.infer<typeof RegisterResponseSchema>;

export const DelegateHeartbeatRequestSchema = z.object({
  runningTaskIds: z.array(z.string()).default([]),
  /** 0..1 share of capacity in use, for the health page. */
  load: z.number().min(0).max(1).optional(),
});
export const DelegateHeartbeatResponseSchema = z.object({
  ok: z.literal(true),
  /** Tasks the studio thinks this delegate should stop (cancelled, or its lease was lost). */
  stopTaskIds: z.array(z.string()).default([]),
});

// ------------------------------------------------------------------------------------------- notifications (SSE)

/**
 * Events on the stream. Each SSE message has `id:` (a per-delegate sequence, for Last-Event-ID replay), `event:`
 * (the type) and `data:` (this JSON). Comments (`: ping`) keep the connection alive every few seconds.
 */
export const StreamEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello"), delegateId: z.string(), serverTime: z.number() }),
  /** Something is claimable. Not a commitment: another delegate may claim it first. */
  z.object({ type: z.literal("task.offered"), taskId: z.string(), kind: z.string() }),
  /** Stop this task: the user aborted, or the step timed out on the studio side. */
  z.object({ type: z.literal("task.cancel"), taskId: z.string(), reason: z.string() }),
  /** This delegate's token was revoked or the delegate was removed: stop claiming, finish nothing, exit. */
  z.object({ type: z.literal("revoked"), reason: z.string() }),
]);
export type StreamEvent = z.infer<typeof StreamEventSchema>;

export const OfferedTasksResponseSchema = z.object({
  tasks: z.array(z.object({ taskId: z.string(), kind: z.string() })),
});

// ------------------------------------------------------------------------------------------- work

const ms = z.number().int().min(0);

/** `shell`: run a script on the delegate host. */
export const ShellWorkSchema = z.object({
  kind: z.literal("shell"),
  shell: z.enum(["bash", "sh"]),
  script: z.string(),
  env: z.record(z.string(), z.string()),
  workingDir: z.string().optional(),
});

/** `http`: call a URL and check the answer, retrying with doubling backoff. */
export const HttpWorkSchema = z.object({
  kind: z.literal("http"),
  url: z.string(),
  method: z.enum(["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]),
  headers: z.record(z.string(), z.string()),
  body: z.string().optional(),
  expectStatus: z.array(z.number().int()).min(1),
  bodyContains: z.string().optional(),
  retries: z.number().int().min(0),
  retryIntervalMs: ms,
  maxRetryIntervalMs: ms,
  requestTimeoutMs: ms,
});

// ------------------------------------------------------------------------------------------- SSH work

export const SshAuthSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("key"), privateKey: z.string().min(1), passphrase: z.string().optional() }),
  z.object({ kind: z.literal("password"), password: z.string().min(1) }),
]);

/** One target host, with everything needed to reach it. Credentials are filled in at claim time. */
export const SshTargetSchema = z.object({
  /** Stable label used in logs and progress (the host name as written in the infrastructure). */
  name: z.string().min(1),
  address: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  user: z.string().min(1),
  auth: SshAuthSchema,
  /** Pinned host key fingerprint ("SHA256:…"); a different key is refused before any command runs. */
  hostKey: z.string().nullable(),
  /** Accept and report an unknown key (only when the infrastructure opted in); never a changed key. */
  trustOnFirstUse: z.boolean(),
  group: z.string(),
  tags: z.array(z.string()),
  /** The host's own `${VAR}` values (from the infrastructure); they win over the step's variables. */
  vars: z.record(z.string(), z.string()).default({}),
  jumpHost: z.object({ address: z.string(), port: z.number().int(), user: z.string(), auth: SshAuthSchema, hostKey: z.string().nullable() }).nullable(),
});
export type SshTarget = z.infer<typeof SshTargetSchema>;

const ServiceControlWire = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("systemd"), unit: z.string() }),
  z.object({ kind: z.literal("supervisor"), program: z.string() }),
  z.object({ kind: z.literal("script"), start: z.string(), stop: z.string(), status: z.string().optional() }),
]);
const HealthCheckWire = z.object({ url: z.string(), expectStatus: z.number().int(), retries: z.number().int(), intervalMs: ms, maxIntervalMs: ms, from: z.enum(["delegate", "host"]) });
const LoadBalancerWire = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("haproxy"), runtimeApi: z.string(), backend: z.string(), server: z.string(), drainTimeoutMs: ms }),
  z.object({ kind: z.literal("hook"), remove: z.string(), add: z.string() }),
]);
const BatchWire = z.object({ size: z.union([z.number().int().min(1), z.string()]), maxConcurrency: z.number().int().min(1).optional(), tolerateFailures: z.number().int().min(0) });

export const SshDeployWorkSchema = z.object({
  kind: z.literal("sshDeploy"),
  hosts: z.array(SshTargetSchema).min(1),
  /** Canary: deploy until at least this share of `hosts` runs `release` (hosts already on it count). */
  percent: z.number().int().min(1).max(100).nullable(),
  batch: BatchWire,
  phases: z.array(z.string()),
  serviceControl: ServiceControlWire,
  healthCheck: HealthCheckWire.nullable(),
  loadBalancer: LoadBalancerWire.nullable(),
  sudo: z.boolean(),
  /** Folder of the application on each host: releases/<release>, current → the live release, backups/. */
  appPath: z.string(),
  /** The release this execution deploys (unique per execution + service version). */
  release: z.string(),
  artifact: z.object({ source: z.enum(["url", "file"]), location: z.string(), sha256: z.string().nullable() }).nullable(),
  configFiles: z.array(z.object({ path: z.string(), template: z.string() })),
  /** ${VAR} values: service variables, overridden by environment variables, then by the step's env. */
  variables: z.record(z.string(), z.string()),
  keepReleases: z.number().int().min(1),
});
export const SshRollbackWorkSchema = z.object({
  kind: z.literal("sshRollback"),
  hosts: z.array(SshTargetSchema).min(1),
  batch: BatchWire,
  serviceControl: ServiceControlWire,
  healthCheck: HealthCheckWire.nullable(),
  loadBalancer: LoadBalancerWire.nullable(),
  sudo: z.boolean(),
  appPath: z.string(),
  /** The release this execution deployed: hosts are restored to the release they ran before it. */
  release: z.string(),
  variables: z.record(z.string(), z.string()),
});
export const SshCommandWorkSchema = z.object({
  kind: z.literal("ssh"),
  hosts: z.array(SshTargetSchema).min(1),
  script: z.string(),
  env: z.record(z.string(), z.string()),
  sudo: z.boolean(),
  concurrency: z.number().int().min(1),
  tolerateFailures: z.number().int().min(0),
});
export const LoadBalancerWorkSchema = z.object({
  kind: z.literal("loadBalancer"),
  action: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("switchBackend"), runtimeApi: z.string(), map: z.string(), key: z.string(), backend: z.string() }),
    z.object({ kind: z.literal("setServerState"), runtimeApi: z.string(), backend: z.string(), servers: z.array(z.string()), state: z.enum(["ready", "drain", "maint"]) }),
    z.object({ kind: z.literal("hook"), command: z.string() }),
  ]),
});

// ------------------------------------------------------------------------------------------- ECS work

/** The ECS service, its load balancer and how to reach AWS, from the stage's infrastructure record. */
export const AwsEcsTargetSchema = z.object({
  region: z.string(),
  /** Override of the AWS endpoint (a simulator, a VPC endpoint); null = the SDK default. */
  endpoint: z.string().nullable(),
  /** JSON {"accessKeyId","secretAccessKey","sessionToken"?} from a secret; null = the delegate host's provider chain. */
  credentials: z.string().nullable(),
  cluster: z.string(),
  serviceName: z.string(),
  launchType: z.enum(["FARGATE", "EC2"]),
  desiredCount: z.number().int().min(0),
  networkConfiguration: z.object({ subnets: z.array(z.string()), securityGroups: z.array(z.string()), assignPublicIp: z.enum(["ENABLED", "DISABLED"]) }).nullable(),
  loadBalancer: z
    .object({ listenerArn: z.string(), ruleArn: z.string().nullable(), blueTargetGroupArn: z.string(), greenTargetGroupArn: z.string(), containerName: z.string(), containerPort: z.number().int() })
    .nullable(),
});
export type AwsEcsTarget = z.infer<typeof AwsEcsTargetSchema>;

export const EcsDeployWorkSchema = z.object({
  kind: z.literal("ecsDeploy"),
  aws: AwsEcsTargetSchema,
  mode: z.enum(["rolling", "green"]),
  /** The rendered, validated task definition (RegisterTaskDefinition input). */
  taskDefinition: z.record(z.string(), z.unknown()),
  desiredCount: z.union([z.number().int().min(0), z.string()]).nullable(),
  minimumHealthyPercent: z.number().int(),
  maximumPercent: z.number().int(),
  circuitBreaker: z.boolean(),
  pollIntervalMs: ms,
  release: z.string(),
});
export const EcsTrafficShiftWorkSchema = z.object({ kind: z.literal("ecsTrafficShift"), aws: AwsEcsTargetSchema, greenWeight: z.number().int().min(0).max(100) });
export const EcsPromoteWorkSchema = z.object({ kind: z.literal("ecsPromote"), aws: AwsEcsTargetSchema });
export const EcsScaleDownWorkSchema = z.object({ kind: z.literal("ecsScaleDown"), aws: AwsEcsTargetSchema, side: z.enum(["idle", "green"]), delete: z.boolean() });
export const EcsRollbackWorkSchema = z.object({ kind: z.literal("ecsRollback"), aws: AwsEcsTargetSchema });

export const VerifyWorkSchema = z.object({
  kind: z.literal("verify"),
  windowMs: ms,
  intervalMs: ms,
  failureLimit: z.number().int().min(0),
  inconclusiveLimit: z.number().int().min(0),
  consecutiveErrorLimit: z.number().int().min(0),
  source: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("cloudwatch"),
      aws: AwsEcsTargetSchema,
      errorRateMaxPercent: z.number(),
      latencyP95MaxMs: z.number(),
      baseline: z.boolean(),
      queries: z.array(z.object({ id: z.string(), namespace: z.string(), metric: z.string(), stat: z.string(), dimensions: z.record(z.string(), z.string()), max: z.number().nullable(), min: z.number().nullable() })),
      alarms: z.array(z.string()),
    }),
    z.object({ kind: z.literal("http"), url: z.string(), requestsPerSample: z.number().int().min(1), maxErrorPercent: z.number(), maxP95Ms: z.number() }),
  ]),
});

/** Every kind of work a delegate can be handed. New step types add a member here and an executor on the delegate. */
export const WorkSchema = z.discriminatedUnion("kind", [
  ShellWorkSchema,
  HttpWorkSchema,
  SshCommandWorkSchema,
  SshDeployWorkSchema,
  SshRollbackWorkSchema,
  LoadBalancerWorkSchema,
  EcsDeployWorkSchema,
  EcsTrafficShiftWorkSchema,
  EcsPromoteWorkSchema,
  EcsScaleDownWorkSchema,
  EcsRollbackWorkSchema,
  VerifyWorkSchema,
]);
export type Work = z.infer<typeof WorkSchema>;
export type WorkKind = Work["kind"];
export type ShellWork = z.infer<typeof ShellWorkSchema>;
export type HttpWork = z.infer<typeof HttpWorkSchema>;
export type SshDeployWork = z.infer<typeof SshDeployWorkSchema>;
export type SshRollbackWork = z.infer<typeof SshRollbackWorkSchema>;
export type SshCommandWork = z.infer<typeof SshCommandWorkSchema>;
export type LoadBalancerWork = z.infer<typeof LoadBalancerWorkSchema>;
export type EcsDeployWork = z.infer<typeof EcsDeployWorkSchema>;
export type EcsTrafficShiftWork = z.infer<typeof EcsTrafficShiftWorkSchema>;
export type EcsPromoteWork = z.infer<typeof EcsPromoteWorkSchema>;
export type EcsScaleDownWork = z.infer<typeof EcsScaleDownWorkSchema>;
export type EcsRollbackWork = z.infer<typeof EcsRollbackWorkSchema>;
export type VerifyWork = z.infer<typeof VerifyWorkSchema>;

export const ClaimRequestSchema = z.object({
  /** Idempotency key chosen by the delegate: repeating a claim with the same key returns the same lease. */
  claimId: z.string().min(8).max(100),
});

export const LeaseSchema = z.object({
  /** Send with every call about this task; a newer token elsewhere means this delegate lost the task. */
  fencingToken: z.number().int().positive(),
  expiresAt: z.number().int(),
});
export type Lease = z.infer<typeof LeaseSchema>;

export const TaskSchema = z.object({
  taskId: z.string(),
  executionId: z.string(),
  stepId: z.string(),
  attempt: z.number().int().positive(),
  /** Give up (outcome timedOut) after this long; 0 = no limit. */
  timeoutMs: ms,
  work: WorkSchema,
  /**
   * Values that must never leave the delegate in clear: resolved secrets and secret variables. The delegate masks
   * them (and their common encodings) in every log line before sending it.
   */
  mask: z.array(z.string()),
  /** The next log sequence number to send (1 for a fresh task; higher when a claim is repeated). */
  nextLogSeq: z.number().int().positive(),
  /**
   * Outputs of the steps of the same stage that already succeeded, by step id — how a strategy's later steps find
   * what its first one created (e.g. the green service and target group, the previous task definition).
   */
  stageOutputs: z.record(z.string(), z.record(z.string(), z.string())).default({}),
});
export type Task = z.infer<typeof TaskSchema>;

export const ClaimResponseSchema = z.object({ task: TaskSchema, lease: LeaseSchema });
export type ClaimResponse = z.infer<typeof ClaimResponseSchema>;

export const TaskHeartbeatRequestSchema = z.object({ fencingToken: z.number().int().positive() });
export const TaskHeartbeatResponseSchema = z.object({ lease: LeaseSchema, cancel: z.boolean(), cancelReason: z.string().optional() });

// ------------------------------------------------------------------------------------------- logs

export const LOG_STREAMS = ["stdout", "stderr", "system"] as const;

/** Longest line kept, cut marker included; longer lines are cut on the delegate (the studio also enforces it). */
export const MAX_LOG_LINE_CHARS = 16_384;
/** Most lines in one chunk. */
export const MAX_CHUNK_LINES = 5_000;
/** Keep one POST of log chunks under this many bytes of JSON. */
export const MAX_LOG_POST_BYTES = 1_048_576;

export const LogChunkSchema = z.object({
  /** Contiguous per task attempt, from 1. The studio stores chunk N only after N-1; duplicates are ignored. */
  seq: z.number().int().positive(),
  stream: z.enum(LOG_STREAMS),
  /** The lane the lines belong to when a step works on several targets (SSH: the host name). */
  lane: z.string().max(200).optional(),
  /** Whole lines without their line terminator, already masked. */
  lines: z.array(z.string().max(MAX_LOG_LINE_CHARS)).min(1).max(MAX_CHUNK_LINES),
  /** When the first line was produced (epoch ms, delegate clock). */
  ts: z.number().int(),
});
export type LogChunk = z.infer<typeof LogChunkSchema>;

export const AppendLogsRequestSchema = z.object({
  fencingToken: z.number().int().positive(),
  chunks: z.array(LogChunkSchema).min(1).max(200),
});
export const AppendLogsResponseSchema = z.object({
  /** Every chunk up to this seq is stored. Resend from ackedThrough + 1 after a 409 gap. */
  ackedThrough: z.number().int().min(0),
});

// ------------------------------------------------------------------------------------------- progress

/** Where each host of an SSH step stands (the execution view's per-host lanes). */
export const SshProgressSchema = z.object({
  kind: z.literal("ssh"),
  batch: z.object({ index: z.number().int().min(0), total: z.number().int().min(0) }).nullable(),
  hosts: z.array(
    z.object({
      name: z.string(),
      /** The phase running or last run, e.g. "transfer". */
      phase: z.string().nullable(),
      status: z.enum(["pending", "running", "done", "failed", "skipped"]),
      /** The release the host runs now, when known. */
      release: z.string().nullable(),
      message: z.string().default(""),
    }),
  ),
});

/** Where an ECS deployment stands (the ECS service state machine, 003 §8.2). */
export const EcsProgressSchema = z.object({
  kind: z.literal("ecs"),
  phase: z.string(),
  weights: z.object({ blue: z.number(), green: z.number() }).nullable(),
  services: z.array(z.object({ name: z.string(), role: z.enum(["blue", "green", "live"]), desired: z.number(), running: z.number(), pending: z.number(), taskDefinition: z.string(), rolloutState: z.string().nullable() })),
  /** The sample that failed a verification, with where to see it. */
  failingSample: z.object({ metric: z.string(), value: z.number(), threshold: z.number(), at: z.string(), link: z.string().nullable() }).nullable(),
});

export const ProgressSchema = z.discriminatedUnion("kind", [SshProgressSchema, EcsProgressSchema]);
export type Progress = z.infer<typeof ProgressSchema>;
export const ProgressRequestSchema = z.object({ fencingToken: z.number().int().positive(), progress: ProgressSchema });

// ------------------------------------------------------------------------------------------- result

/**
 * How the work ended, before any failure strategy is applied (the studio decides the conclusion: ignore, retry,
 * rollback…). Timeout and cancel are distinct from failure.
 */
export const OUTCOMES = ["success", "failure", "timedOut", "cancelled"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const ResultRequestSchema = z.object({
  fencingToken: z.number().int().positive(),
  outcome: z.enum(OUTCOMES),
  exitCode: z.number().int().nullable().default(null),
  /** One line a person can act on, e.g. "exit code 2" or "expected status 200, got 503 after 4 attempts". */
  message: z.string().max(2000).default(""),
  /** The seq of the last log chunk sent; the studio refuses the result (409) until it has stored them all. */
  lastLogSeq: z.number().int().min(0),
  /** Values the step exports for later steps (reserved for strategy steps). */
  outputs: z.record(z.string(), z.string()).default({}),
});
export type ResultRequest = z.infer<typeof ResultRequestSchema>;

/** Error bodies of every delegate endpoint: a code the delegate switches on, and a message for its log. */
export const DelegateErrorSchema = z.object({
  /**
   * unauthorized/revoked: stop for good. unknown_instance: register again (the studio forgot this process).
   * not_found: no such task. lease_lost: stop that task, report nothing. log_gap/logs_incomplete: resend from
   * expectedSeq. conflict: someone else has the task. invalid: a bug; do not retry. unavailable: retry later.
   */
  error: z.enum(["unauthorized", "revoked", "unknown_instance", "not_found", "lease_lost", "log_gap", "logs_incomplete", "conflict", "invalid", "unavailable"]),
  message: z.string(),
  /** For log_gap / logs_incomplete: the seq the studio expects next. */
  expectedSeq: z.number().int().optional(),
});
export type DelegateError = z.infer<typeof DelegateErrorSchema>;
