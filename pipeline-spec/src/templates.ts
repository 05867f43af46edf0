/**
 * "Add deployment": a ready stage for each strategy, made of the explicit steps the strategy runs, so what will
 * happen is on screen and editable (the way Harness adds "Blue Green Create Service / Swap / Rollback" steps).
 * Every template validates against the schema; names of records and endpoints are placeholders to adjust.
 */
import type { StageInput } from "./edit/types";

export const STRATEGY_TEMPLATES = ["ssh-rolling", "ssh-blue-green", "ssh-canary", "ecs-rolling", "ecs-blue-green", "ecs-canary"] as const;
export type StrategyTemplate = (typeof STRATEGY_TEMPLATES)[number];

export const STRATEGY_LABELS: Record<StrategyTemplate, { title: string; summary: string }> = {
  "ssh-rolling": { title: "VMs over SSH — rolling", summary: "Hosts in batches: out of the load balancer, deploy, health check, back in." },
  "ssh-blue-green": { title: "VMs over SSH — blue-green", summary: "Deploy to the idle group, verify, switch HAProxy, keep blue for instant rollback." },
  "ssh-canary": { title: "VMs over SSH — canary", summary: "25% → 50% → 75% → 100% of hosts with verification and an approval between phases." },
  "ecs-rolling": { title: "Amazon ECS — rolling", summary: "Update the service in place with the circuit breaker; roll back to the previous task definition." },
  "ecs-blue-green": { title: "Amazon ECS — blue-green", summary: "Green service on the stage target group, verify, approval, swap, scale blue down after a hold." },
  "ecs-canary": { title: "Amazon ECS — canary", summary: "Traffic 10% → 50% → 100% to the new version with CloudWatch verification after each step." },
};

export type TemplateOptions = {
  /** Stage id; step ids are prefixed with it so several deployment stages can coexist. */
  stageId: string;
  environment?: string;
  service?: string;
  infrastructure?: string;
  /** Canary steps: host percentages (SSH, default 25/50/75/100) or traffic weights (ECS, default 10/50/100). */
  steps?: number[];
};

const sshControl = { kind: "systemd" as const, unit: "app.service" };
const sshHealth = { url: "http://${HOST}:8080/health", expectStatus: 200, retries: 30, interval: "5s" };
const haproxy = { kind: "haproxy" as const, runtimeApi: "unix:/run/haproxy/admin.sock", backend: "app" };

export function strategyStage(kind: StrategyTemplate, o: TemplateOptions): StageInput {
  const id = (s: string) => `${o.stageId}-${s}`;
  const base = {
    id: o.stageId,
    name: STRATEGY_LABELS[kind].title,
    ...(o.environment ? { environment: o.environment } : {}),
    ...(o.service ? { service: o.service } : {}),
    ...(o.infrastructure ? { infrastructure: o.infrastructure } : {}),
    onFailure: { action: "rollback" as const },
  };
  switch (kind) {
    case "ssh-rolling":
      return {
        ...base,
        steps: [{ id: id("deploy"), type: "sshDeploy", batch: { size: "25%", tolerateFailures: 0 }, serviceControl: sshControl, healthCheck: sshHealth, loadBalancer: haproxy }],
        rollbackSteps: [{ id: id("rollback"), type: "sshRollback", serviceControl: sshControl, healthCheck: sshHealth, loadBalancer: haproxy }],
      };
    case "ssh-blue-green":
      return {
        ...base,
        steps: [
          { id: id("deploy-green"), type: "sshDeploy", hosts: { group: "green" }, batch: { size: "100%" }, serviceControl: sshControl, healthCheck: sshHealth },
          { id: id("verify-green"), type: "verify", window: "2m", interval: "20s", source: { kind: "http", url: "http://green.internal/health" } },
          { id: id("switch"), type: "loadBalancer", action: { kind: "switchBackend", runtimeApi: haproxy.runtimeApi, map: "/etc/haproxy/active.map", key: "default", backend: "green" } },
          { id: id("hold"), type: "wait", duration: "30m" },
        ],
        rollbackSteps: [{ id: id("switch-back"), type: "loadBalancer", action: { kind: "switchBackend", runtimeApi: haproxy.runtimeApi, map: "/etc/haproxy/active.map", key: "default", backend: "blue" } }],
      };
    case "ssh-canary": {
      const phases = o.steps ?? [25, 50, 75, 100];
      const steps: NonNullable<StageInput["steps"]> = [];
      phases.forEach((p, i) => {
        steps.push({ id: id(`deploy-${p}`), type: "sshDeploy", hosts: { percent: p }, serviceControl: sshControl, healthCheck: sshHealth, loadBalancer: haproxy });
        if (i < phases.length - 1) {
          steps.push({ id: id(`verify-${p}`), type: "verify", window: "5m", interval: "30s", source: { kind: "http", url: "http://app.internal/health" } });
          steps.push({ id: id(`approve-${p}`), type: "approval", message: `Canary at ${p}% looks healthy: continue to ${phases[i + 1]}%?`, approvers: { roles: ["Admin", "PipelineAdmin"] } });
        }
      });
      return { ...base, steps, rollbackSteps: [{ id: id("rollback"), type: "sshRollback", serviceControl: sshControl, healthCheck: sshHealth, loadBalancer: haproxy }] };
    }
    case "ecs-rolling":
      return {
        ...base,
        steps: [{ id: id("deploy"), type: "ecsDeploy", mode: "rolling", minimumHealthyPercent: 100, maximumPercent: 200, circuitBreaker: true, onFailure: { action: "retry", retries: 2, backoff: "10s", then: "rollback" } }],
        rollbackSteps: [{ id: id("rollback"), type: "ecsRollback" }],
      };
    case "ecs-blue-green":
      return {
        ...base,
        steps: [
          { id: id("deploy-green"), type: "ecsDeploy", mode: "green", onFailure: { action: "retry", retries: 2, backoff: "10s", then: "rollback" } },
          { id: id("verify-green"), type: "verify", window: "5m", interval: "30s", source: { kind: "cloudwatch" } },
          { id: id("approve-swap"), type: "approval", message: "Green is healthy. Swap production traffic to it?", approvers: { roles: ["Admin", "PipelineAdmin"] } },
          { id: id("swap"), type: "ecsPromote" },
          { id: id("hold"), type: "wait", duration: "30m" },
          { id: id("scale-down-blue"), type: "ecsScaleDown", side: "idle" },
        ],
        rollbackSteps: [{ id: id("rollback"), type: "ecsRollback" }],
      };
    case "ecs-canary": {
      const weights = o.steps ?? [10, 50, 100];
      const steps: NonNullable<StageInput["steps"]> = [{ id: id("deploy-canary"), type: "ecsDeploy", mode: "green", desiredCount: "20%", onFailure: { action: "retry", retries: 2, backoff: "10s", then: "rollback" } }];
      for (const w of weights) {
        steps.push({ id: id(`shift-${w}`), type: "ecsTrafficShift", greenWeight: w });
        if (w < 100) steps.push({ id: id(`verify-${w}`), type: "verify", window: "5m", interval: "30s", source: { kind: "cloudwatch" } });
      }
      steps.push({ id: id("promote"), type: "ecsPromote" }, { id: id("scale-down-old"), type: "ecsScaleDown", side: "idle" });
      return { ...base, steps, rollbackSteps: [{ id: id("rollback"), type: "ecsRollback" }] };
    }
  }
}
