/**
 * In-memory ECS state. Field names follow the API where they are returned as-is; times are simulated epoch ms.
 */

export interface Cluster {
  name: string;
  arn: string;
  status: "ACTIVE" | "INACTIVE";
  tags: { key: string; value: string }[];
}

export interface ContainerDefinition {
  name?: string;
  image?: string;
  essential?: boolean;
  portMappings?: { containerPort?: number; hostPort?: number; protocol?: string }[];
  healthCheck?: { command?: string[]; interval?: number; timeout?: number; retries?: number; startPeriod?: number };
  [key: string]: unknown;
}

export interface TaskDefinition {
  family: string;
  revision: number;
  arn: string;
  status: "ACTIVE" | "INACTIVE" | "DELETE_IN_PROGRESS";
  registeredAt: number;
  registeredBy: string;
  deregisteredAt?: number;
  containerDefinitions: ContainerDefinition[];
  /** Every other member of the RegisterTaskDefinition request, echoed back by DescribeTaskDefinition. */
  rest: Record<string, unknown>;
  tags: { key: string; value: string }[];
}

export interface LoadBalancerRef {
  targetGroupArn?: string;
  loadBalancerName?: string;
  containerName?: string;
  containerPort?: number;
}

export interface DeploymentConfiguration {
  minimumHealthyPercent: number;
  maximumPercent: number;
  deploymentCircuitBreaker: { enable: boolean; rollback: boolean };
  [key: string]: unknown;
}

export type RolloutState = "IN_PROGRESS" | "COMPLETED" | "FAILED";

export interface Deployment {
  id: string;
  status: "PRIMARY" | "ACTIVE";
  taskDefinitionArn: string;
  /** For ACTIVE (old) deployments this shrinks as ECS stops their tasks. */
  desiredCount: number;
  failedTasks: number;
  createdAt: number;
  updatedAt: number;
  rolloutState: RolloutState;
  rolloutStateReason: string;
  loadBalancers: LoadBalancerRef[];
  networkConfiguration: unknown;
  launchType: string;
  platformVersion: string;
  /** ECS backs off before relaunching after a failed task; no launches before this sim time. */
  nextLaunchAt: number;
  /** Set when the circuit breaker tripped without rollback: ECS stops launching for this deployment. */
  halted: boolean;
  serviceDeploymentArn: string;
  serviceRevisionArn: string;
}

export interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

export interface Service {
  arn: string;
  name: string;
  clusterName: string;
  clusterArn: string;
  status: "ACTIVE" | "DRAINING" | "INACTIVE";
  desiredCount: number;
  taskDefinitionArn: string;
  launchType: string;
  platformVersion: string;
  deploymentConfiguration: DeploymentConfiguration;
  loadBalancers: LoadBalancerRef[];
  networkConfiguration: unknown;
  healthCheckGracePeriodSeconds: number;
  createdAt: number;
  createdBy: string;
  deletedAt?: number;
  /** Newest first: PRIMARY, then ACTIVE ones. */
  deployments: Deployment[];
  /** Newest first, capped at 100 like DescribeServices. */
  events: ServiceEvent[];
  steady: boolean;
  /** The last deployment that reached COMPLETED: the circuit breaker's rollback target. */
  lastCompleted?: { deploymentId: string; taskDefinitionArn: string; loadBalancers: LoadBalancerRef[]; revisionArn: string };
  currentServiceDeploymentArn: string;
  tags: { key: string; value: string }[];
  rest: Record<string, unknown>;
}

export type TaskStatus =
  | "PROVISIONING"
  | "PENDING"
  | "RUNNING"
  | "DEACTIVATING"
  | "STOPPING"
  | "DEPROVISIONING"
  | "STOPPED";

export interface Task {
  arn: string;
  id: string;
  clusterName: string;
  clusterArn: string;
  serviceName?: string;
  deploymentId?: string;
  group: string;
  startedBy?: string;
  taskDefinitionArn: string;
  familyRevision: string;
  image: string | undefined;
  containers: { name: string; image: string; essential: boolean }[];
  cpu?: string;
  memory?: string;
  launchType: string;
  ip: string;
  availabilityZone: string;
  lastStatus: TaskStatus;
  desiredStatus: "RUNNING" | "STOPPED";
  /** Sim time of the next lifecycle transition. */
  nextAt: number;
  createdAt: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  exitCode?: number;
  healthStatus: "HEALTHY" | "UNHEALTHY" | "UNKNOWN";
  /** When the container health check reaches its verdict (HEALTHY or UNHEALTHY). */
  containerHealthAt?: number;
  /** Target registrations this task holds (ECS registers them when the task reaches RUNNING). */
  targets: { targetGroupArn: string; port: number }[];
  /** True when the task stopped because it failed (counts toward the circuit breaker). */
  failed: boolean;
  version: number;
}

export interface ServiceRevision {
  arn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  launchType: string;
  platformVersion: string;
  loadBalancers: LoadBalancerRef[];
  networkConfiguration: unknown;
  createdAt: number;
}

export type ServiceDeploymentStatus =
  | "PENDING"
  | "IN_PROGRESS"
  | "SUCCESSFUL"
  | "STOPPED"
  | "STOP_REQUESTED"
  | "ROLLBACK_REQUESTED"
  | "ROLLBACK_IN_PROGRESS"
  | "ROLLBACK_SUCCESSFUL"
  | "ROLLBACK_FAILED";

export interface ServiceDeploymentRecord {
  arn: string;
  serviceArn: string;
  clusterArn: string;
  deploymentId: string;
  createdAt: number;
  startedAt: number;
  updatedAt: number;
  finishedAt?: number;
  stoppedAt?: number;
  status: ServiceDeploymentStatus;
  statusReason?: string;
  sourceRevisionArns: string[];
  targetRevisionArn: string;
  deploymentConfiguration: DeploymentConfiguration;
  rollback?: { reason: string; startedAt: number; serviceRevisionArn: string };
  circuitBreaker: { status: "TRIGGERED" | "MONITORING" | "MONITORING_COMPLETE" | "DISABLED"; failureCount: number; threshold: number };
}

/** Knobs tests turn; defaults are AWS-like but short, since every second here is simulated. */
export interface EcsSettings {
  /** Fixed circuit-breaker threshold; undefined = AWS rule: ceil(0.5 × desired), clamped to [3, 200]. */
  circuitBreakerThreshold: number | undefined;
  /** PROVISIONING → PENDING (ENI attach). */
  provisioningMs: number;
  /** PENDING → RUNNING (image pull, container start). */
  pendingMs: number;
  /** STOPPING → DEPROVISIONING (SIGTERM, stopTimeout). */
  stoppingMs: number;
  /** DEPROVISIONING → STOPPED (ENI detach). */
  deprovisioningMs: number;
  /** Delay before ECS relaunches after a failed task of the same deployment. */
  launchRetryDelayMs: number;
  /** How long STOPPED tasks stay visible to DescribeTasks/ListTasks. */
  stoppedTaskRetentionMs: number;
}

export const DEFAULT_ECS_SETTINGS: EcsSettings = {
  circuitBreakerThreshold: undefined,
  provisioningMs: 5_000,
  pendingMs: 10_000,
  stoppingMs: 5_000,
  deprovisioningMs: 5_000,
  launchRetryDelayMs: 5_000,
  stoppedTaskRetentionMs: 60 * 60_000,
};

export interface EcsState {
  clusters: Map<string, Cluster>;
  /** family → revisions, index = revision - 1. */
  taskDefinitions: Map<string, TaskDefinition[]>;
  services: Service[];
  tasks: Map<string, Task>;
  serviceDeployments: Map<string, ServiceDeploymentRecord>;
  serviceRevisions: Map<string, ServiceRevision>;
  settings: EcsSettings;
}

export function createEcsState(settings: Partial<EcsSettings> = {}): EcsState {
  return {
    clusters: new Map(),
    taskDefinitions: new Map(),
    services: [],
    tasks: new Map(),
    serviceDeployments: new Map(),
    serviceRevisions: new Map(),
    settings: { ...DEFAULT_ECS_SETTINGS, ...settings },
  };
}
