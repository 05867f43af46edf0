/**
 * SSH step → SshDeploy/SshRollback/Ssh/LoadBalancer work: the hosts the step selects from the stage's SSH
 * infrastructure (with credentials as secret expressions, filled in only at claim), the service's artifact and
 * config templates, and ${VAR} values (service variables < environment overrides < the step's env).
 */
import type { HostSelector, LoadBalancerStep, SshCommandStep, SshDeployStep, SshRollbackStep } from "@slipway/pipeline-spec";
import { parseDuration } from "@slipway/pipeline-spec";
import type { SshTarget, Work } from "@slipway/pipeline-spec/protocol";
import type { InfrastructureSpec } from "@slipway/pipeline-spec/records";
import { AppError } from "../errors";
import type { StageRecords } from "./stage-records";

type SshInfra = Extract<InfrastructureSpec, { type: "SSH" }>;

const secretRef = (name: string) => `<+secrets.getValue("${name}")>`;

export function selectHosts(infra: SshInfra, sel: HostSelector | undefined, where: string): SshTarget[] {
  const hosts: SshTarget[] = [];
  for (const g of infra.hostGroups) {
    if (sel?.group && g.name !== sel.group) continue;
    for (const h of g.hosts) {
      const tags = [...new Set([...g.tags, ...h.tags])];
      if (sel?.tags?.some((t) => !tags.includes(t))) continue;
      const credential = h.credential ?? g.credential;
      hosts.push({
        name: h.hostname === "127.0.0.1" || h.hostname === "localhost" ? `${h.hostname}:${h.port}` : h.hostname,
        address: h.hostname,
        port: h.port,
        user: h.user ?? g.user,
        auth: g.authMethod === "password" ? { kind: "password", password: secretRef(credential) } : { kind: "key", privateKey: secretRef(credential) },
        hostKey: h.hostKey ?? null,
        trustOnFirstUse: infra.trustOnFirstUse,
        group: g.name,
        tags,
        vars: h.vars,
        jumpHost: infra.jumpHost ? { address: infra.jumpHost.hostname, port: infra.jumpHost.port, user: infra.jumpHost.user, auth: { kind: "key", privateKey: secretRef(infra.jumpHost.credential) }, hostKey: infra.jumpHost.hostKey ?? null } : null,
      });
    }
  }
  if (!hosts.length) throw new AppError("INVALID_INPUT", `${where}: no host of the infrastructure matches ${JSON.stringify(sel ?? {})}`, { field: `${where}.hosts` });
  return hosts;
}

function sshInfra(records: StageRecords, where: string): SshInfra {
  const infra = records.infrastructure?.spec;
  if (!infra) throw new AppError("INVALID_INPUT", `${where}: the stage needs an SSH \`infrastructure\` for this step`, { field: where });
  if (infra.type !== "SSH") throw new AppError("INVALID_INPUT", `${where}: infrastructure "${records.infrastructure!.name}" is ${infra.type}, not SSH`, { field: where });
  return infra;
}

function variables(records: StageRecords, env: Record<string, string> | undefined, resolve: (s: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  if (records.service?.spec.type === "SSH") for (const v of records.service.spec.variables) out[v.name] = resolve(v.value);
  for (const v of records.environment?.variables ?? []) out[v.name] = resolve(v.value);
  for (const [k, v] of Object.entries(env ?? {})) out[k] = resolve(v);
  return out;
}

const control = (s: SshDeployStep["serviceControl"], r: (x: string) => string) => (s.kind === "script" ? { kind: "script" as const, start: r(s.start), stop: r(s.stop), ...(s.status ? { status: r(s.status) } : {}) } : s);
const health = (h: SshDeployStep["healthCheck"], r: (x: string) => string) => (h ? { url: r(h.url), expectStatus: h.expectStatus ?? 200, retries: h.retries ?? 30, intervalMs: parseDuration(h.interval ?? "5s"), maxIntervalMs: parseDuration(h.maxInterval ?? "30s"), from: h.from ?? "delegate" } : null);
const lb = (l: SshDeployStep["loadBalancer"], r: (x: string) => string) => (!l ? null : l.kind === "haproxy" ? { kind: "haproxy" as const, runtimeApi: r(l.runtimeApi), backend: r(l.backend), server: l.server ?? "${HOST_NAME}", drainTimeoutMs: parseDuration(l.drainTimeout ?? "30s") } : { kind: "hook" as const, remove: l.remove, add: l.add });

export function sshWork(step: SshDeployStep | SshRollbackStep | SshCommandStep | LoadBalancerStep, records: StageRecords, release: string, r: (s: string) => string, where: string): Work {
  if (step.type === "loadBalancer") {
    const a = step.action;
    return { kind: "loadBalancer", action: a.kind === "hook" ? { kind: "hook", command: r(a.command) } : a.kind === "switchBackend" ? { ...a, runtimeApi: r(a.runtimeApi), map: r(a.map), key: a.key ?? "default", backend: r(a.backend) } : { ...a, runtimeApi: r(a.runtimeApi) } };
  }
  const infra = sshInfra(records, where);
  const hosts = selectHosts(infra, step.hosts, where);
  if (step.type === "ssh") {
    return { kind: "ssh", hosts, script: r(step.script), env: variables(records, step.env, r), sudo: step.sudo ?? false, concurrency: step.concurrency ?? 10, tolerateFailures: step.tolerateFailures ?? 0 };
  }
  const batch = { size: step.batch?.size ?? 1, ...(step.batch?.maxConcurrency ? { maxConcurrency: step.batch.maxConcurrency } : {}), tolerateFailures: step.batch?.tolerateFailures ?? 0 };
  if (step.type === "sshRollback") {
    return { kind: "sshRollback", hosts, batch, serviceControl: control(step.serviceControl, r), healthCheck: health(step.healthCheck, r), loadBalancer: lb(step.loadBalancer, r), sudo: step.sudo ?? false, appPath: infra.appPath, release, variables: variables(records, undefined, r) };
  }
  const service = records.service?.spec;
  if (service && service.type !== "SSH") throw new AppError("INVALID_INPUT", `${where}: service "${records.service!.name}" is ${service.type}, not SSH`, { field: where });
  return {
    kind: "sshDeploy",
    hosts,
    percent: step.hosts?.percent ?? null,
    batch,
    phases: step.phases ?? [],
    serviceControl: control(step.serviceControl, r),
    healthCheck: health(step.healthCheck, r),
    loadBalancer: lb(step.loadBalancer, r),
    sudo: step.sudo ?? false,
    appPath: infra.appPath,
    release,
    artifact: service?.artifact ? { source: service.artifact.source, location: r(service.artifact.location), sha256: service.artifact.sha256 ?? null } : null,
    configFiles: (service?.configFiles ?? []).map((f) => ({ path: f.path, template: r(f.template) })),
    variables: variables(records, step.env, r),
    keepReleases: step.keepReleases ?? 3,
  };
}
