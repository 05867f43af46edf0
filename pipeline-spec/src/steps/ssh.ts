/**
 * VM steps over SSH. The hosts come from the stage's `infrastructure` (an SSH infrastructure record: host groups
 * with tags); each step selects some of them. The strategies are built from these explicit steps (templates.ts):
 *   rolling     one sshDeploy with batches
 *   canary      sshDeploy to 25% → verify → (approval) → 50% → … → 100% (cumulative percentages)
 *   blue-green  sshDeploy to the idle group → verify → loadBalancer switchBackend → wait (hold)
 * Every phase on a host is idempotent and says so in its log lane, so a step retried on another delegate converges.
 */
import { z } from "zod";
import { StringValueSchema } from "../common";
import { DurationSchema } from "../duration";
import { stepHeadShape, stepTailShape } from "./common";

export const HostSelectorSchema = z
  .strictObject({
    group: z.string().min(1).optional().describe("Only hosts of this host group (e.g. blue or green). Default: every group."),
    tags: z.array(z.string().min(1)).optional().describe("Only hosts that have all of these tags."),
    percent: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe("Canary: deploy until at least this share of the selected hosts runs the new version (cumulative: 25, then 50, …)."),
  })
  .describe("Which hosts of the stage's infrastructure this step acts on. Empty: all of them.");
export type HostSelector = z.infer<typeof HostSelectorSchema>;

export const DEPLOY_PHASES = ["lbRemove", "stop", "backup", "transfer", "install", "configure", "permissions", "start", "healthCheck", "lbAdd"] as const;
export type DeployPhase = (typeof DEPLOY_PHASES)[number];

export const ServiceControlSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("systemd").describe("Control a systemd unit with systemctl."), unit: z.string().min(1).describe("The unit, e.g. checkout.service.") }),
    z.strictObject({ kind: z.literal("supervisor").describe("Control a program with supervisorctl."), program: z.string().min(1).describe("The program name in supervisord's config.") }),
    z.strictObject({
      kind: z.literal("script").describe("Your own commands (run in the app folder on the host)."),
      start: z.string().min(1).describe("Starts the service; must succeed when it already runs."),
      stop: z.string().min(1).describe("Stops the service; must succeed when it is already stopped."),
      status: z.string().min(1).optional().describe("Exits 0 when the service runs."),
    }),
  ])
  .describe("How the service is stopped and started on each host: systemd, supervisor, or your own commands.");

export const HealthCheckSchema = z
  .strictObject({
    url: z.string().min(1).describe("URL checked on each host; ${HOST} is the host's address, ${VAR} any variable, e.g. http://${HOST}:${APP_PORT}/health."),
    expectStatus: z.number().int().min(100).max(599).default(200).describe("Status that means healthy. Default 200."),
    retries: z.number().int().min(0).max(1000).default(30).describe("Attempts before the host counts as failed. Default 30 (reference value)."),
    interval: DurationSchema.default("5s").describe("Wait between attempts; grows exponentially up to maxInterval. Default 5s."),
    maxInterval: DurationSchema.default("30s").describe("Longest wait between attempts. Default 30s."),
    from: z.enum(["delegate", "host"]).default("delegate").describe("Call the URL from the delegate (default) or with curl on the host itself."),
  })
  .describe("When a host counts as healthy after start (seed default: 30 tries, 5 s apart).");

export const LoadBalancerTargetSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("haproxy").describe("HAProxy, through its runtime API."),
      runtimeApi: z.string().min(1).describe("Address of the runtime API the delegate can reach: unix:/path/to/admin.sock or tcp:host:port."),
      backend: z.string().min(1).describe("The HAProxy backend the hosts serve in."),
      server: z.string().min(1).default("${HOST_NAME}").describe("The HAProxy server name of a host; ${HOST_NAME} and ${HOST} are available. Default ${HOST_NAME}."),
      drainTimeout: DurationSchema.default("30s").describe("How long to wait for a drained server's connections to finish. Default 30s."),
    }),
    z.strictObject({
      kind: z.literal("hook").describe("Your own commands or HTTP calls to take a host out of / put it back in the pool."),
      remove: z.string().min(1).describe("Shell command run on the delegate to take ${HOST} out of the pool."),
      add: z.string().min(1).describe("Shell command run on the delegate to put ${HOST} back."),
    }),
  ])
  .describe("The load balancer in front of the hosts: each host leaves it before it is touched and returns once healthy.");

export const BatchSchema = z
  .strictObject({
    size: z
      .union([z.number().int().min(1), z.string().regex(/^\d{1,3}%$/)])
      .default(1)
      .describe("Hosts per batch: a count (2) or a share of the selected hosts (\"25%\"). Default 1."),
    maxConcurrency: z.number().int().min(1).optional().describe("Hosts worked on at once inside a batch. Default: the batch size."),
    tolerateFailures: z.number().int().min(0).default(0).describe("Failed hosts tolerated before the step stops and fails. Default 0: stop at the first."),
  })
  .describe("Rolling: hosts are deployed batch after batch; a batch must be healthy before the next starts.");

export const SshDeployStepSchema = z
  .strictObject({
    ...stepHeadShape,
    type: z.literal("sshDeploy").describe("Deploy the stage's service to hosts of its SSH infrastructure, host by host."),
    hosts: HostSelectorSchema.default({}),
    batch: BatchSchema.default({ size: 1, tolerateFailures: 0 }),
    phases: z
      .array(z.enum(DEPLOY_PHASES))
      .optional()
      .describe("The per-host phases to run, in this order: lbRemove, stop, backup, transfer, install, configure, permissions, start, healthCheck, lbAdd. Default: all that are configured."),
    serviceControl: ServiceControlSchema,
    healthCheck: HealthCheckSchema.optional(),
    loadBalancer: LoadBalancerTargetSchema.optional(),
    sudo: z.boolean().default(false).describe("Run the service and install commands with sudo on the hosts."),
    env: z.record(z.string(), StringValueSchema).optional().describe("Extra variables for ${VAR} in config files and commands (over service and environment variables)."),
    keepReleases: z.number().int().min(1).max(20).default(3).describe("Backups kept per host for rollback. Default 3."),
    ...stepTailShape,
  })
  .describe("sshDeploy: the seed's per-host sequence (remove from LB, stop, back up, transfer + sha256, install, render config, permissions, start, health check, return to LB) on the selected hosts, in batches.");
export type SshDeployStep = z.infer<typeof SshDeployStepSchema>;

export const SshRollbackStepSchema = z
  .strictObject({
    ...stepHeadShape,
    type: z.literal("sshRollback").describe("Restore the previous version on hosts from the backups sshDeploy made."),
    hosts: HostSelectorSchema.default({}),
    batch: BatchSchema.default({ size: 1, tolerateFailures: 0 }),
    serviceControl: ServiceControlSchema,
    healthCheck: HealthCheckSchema.optional(),
    loadBalancer: LoadBalancerTargetSchema.optional(),
    sudo: z.boolean().default(false).describe("Run the service commands with sudo."),
    ...stepTailShape,
  })
  .describe("sshRollback: per host, restore the newest backup taken before this execution's deploy, restart, check health. Hosts this execution never touched are left alone.");
export type SshRollbackStep = z.infer<typeof SshRollbackStepSchema>;

export const SshCommandStepSchema = z
  .strictObject({
    ...stepHeadShape,
    type: z.literal("ssh").describe("Run a script on hosts of the stage's SSH infrastructure."),
    hosts: HostSelectorSchema.default({}),
    script: z.string().min(1).describe("The script, run with bash on each host; ${VAR} and expressions are replaced first."),
    env: z.record(z.string(), StringValueSchema).optional().describe("Environment variables for the script."),
    sudo: z.boolean().default(false).describe("Run the script with sudo."),
    concurrency: z.number().int().min(1).default(10).describe("Hosts at once. Default 10."),
    tolerateFailures: z.number().int().min(0).default(0).describe("Hosts that may fail before the step fails. Default 0."),
    ...stepTailShape,
  })
  .describe("ssh: run a script on the selected hosts; each host's output is its own lane in the log.");
export type SshCommandStep = z.infer<typeof SshCommandStepSchema>;

export const LoadBalancerStepSchema = z
  .strictObject({
    ...stepHeadShape,
    type: z.literal("loadBalancer").describe("Change the load balancer: switch backends (blue-green) or set servers' state."),
    action: z
      .discriminatedUnion("kind", [
        z.strictObject({
          kind: z.literal("switchBackend").describe("Blue-green: send traffic to another HAProxy backend by updating a map entry (no reload)."),
          runtimeApi: z.string().min(1).describe("unix:/path/to/admin.sock or tcp:host:port."),
          map: z.string().min(1).describe("The map file HAProxy's use_backend rule reads (its path as HAProxy knows it)."),
          key: z.string().min(1).default("default").describe("The map key to change. Default default."),
          backend: z.string().min(1).describe("The backend to send traffic to, e.g. green."),
        }),
        z.strictObject({
          kind: z.literal("setServerState").describe("Put servers in ready, drain or maint state."),
          runtimeApi: z.string().min(1).describe("unix:/path/to/admin.sock or tcp:host:port."),
          backend: z.string().min(1).describe("The HAProxy backend the servers are in."),
          servers: z.array(z.string().min(1)).min(1).describe("Server names in the backend."),
          state: z.enum(["ready", "drain", "maint"]).describe("ready: takes traffic. drain: finishes current connections, takes no new ones. maint: out of service."),
        }),
        z.strictObject({
          kind: z.literal("hook").describe("Your own command, run on the delegate."),
          command: z.string().min(1).describe("Shell command run on the delegate."),
        }),
      ])
      .describe("What to change."),
    ...stepTailShape,
  })
  .describe("loadBalancer: switch HAProxy backends or server states through the runtime API, or run a hook.");
export type LoadBalancerStep = z.infer<typeof LoadBalancerStepSchema>;
