/**
 * Fault injection: API-level (throttling bursts, one-off errors) and application-level (how a container image
 * behaves once it runs: 5xx rate, latency, health, crash on start, CPU/memory).
 */
import { AwsError } from "./errors.js";
import type { ServiceName } from "./journal.js";

export interface LatencyProfile {
  p50: number;
  p95: number;
}

export interface ImageBehavior {
  /** Fraction of requests answered with a 5xx, 0..1. Defaults to 1 when `healthy` is false, else 0. */
  http5xxRate: number;
  /** Target response time in milliseconds (log-normal fitted to p50/p95). */
  latencyMs: LatencyProfile;
  /** False makes ALB and container health checks fail, which ECS turns into stopped tasks. */
  healthy: boolean;
  /** The essential container exits as soon as it starts. */
  crashOnStart: boolean;
  /** Average CPUUtilization / MemoryUtilization of a task running this image, in percent. */
  cpuPercent: number;
  memoryPercent: number;
}

export type ImageBehaviorInput = Partial<ImageBehavior>;

const DEFAULT_BEHAVIOR: ImageBehavior = {
  http5xxRate: 0,
  latencyMs: { p50: 40, p95: 90 },
  healthy: true,
  crashOnStart: false,
  cpuPercent: 25,
  memoryPercent: 40,
};

/** Throttling codes the SDK's standard retry strategy classifies as throttling, per protocol. */
const DEFAULT_THROTTLE_CODE: Record<ServiceName, string> = {
  ecs: "ThrottlingException",
  elbv2: "Throttling",
  // CloudWatch's query code is `Throttling`; its JSON shape name is sent as __type (see cloudwatch/errors.ts).
  cloudwatch: "Throttling",
};

interface ApiFault {
  service?: ServiceName;
  action?: string;
  remaining: number;
  make: (service: ServiceName) => AwsError;
}

export class Faults {
  private readonly apiFaults: ApiFault[] = [];
  private readonly behaviors = new Map<string, ImageBehaviorInput>();

  /** The next `count` calls matching service/action answer a throttling error. */
  throttle(opts: { service?: ServiceName; action?: string; count: number; code?: string; message?: string }): void {
    this.apiFaults.push({
      service: opts.service,
      action: opts.action,
      remaining: opts.count,
      make: (service) =>
        new AwsError(opts.code ?? DEFAULT_THROTTLE_CODE[service], opts.message ?? "Rate exceeded", 400),
    });
  }

  /** The next matching call (or `count` calls) answers `error` with `message`. */
  failNext(opts: {
    service: ServiceName;
    action: string;
    error: string;
    message?: string;
    status?: number;
    count?: number;
  }): void {
    this.apiFaults.push({
      service: opts.service,
      action: opts.action,
      remaining: opts.count ?? 1,
      make: () => new AwsError(opts.error, opts.message ?? opts.error, opts.status ?? 400),
    });
  }

  /** Consumes and returns the injected error for this call, if any. First registered fault wins. */
  take(service: ServiceName, action: string): AwsError | undefined {
    const index = this.apiFaults.findIndex(
      (f) => (!f.service || f.service === service) && (!f.action || f.action === action) && f.remaining > 0,
    );
    if (index < 0) return undefined;
    const fault = this.apiFaults[index]!;
    fault.remaining--;
    if (fault.remaining <= 0) this.apiFaults.splice(index, 1);
    return fault.make(service);
  }

  /**
   * Sets how tasks behave. The key is an image (`myapp:v2`, matched exactly or as the suffix after the registry
   * path) or a task definition `family:revision`; a task-definition key wins over an image key.
   */
  setImageBehavior(key: string, behavior: ImageBehaviorInput): void {
    this.behaviors.set(key, { ...this.behaviors.get(key), ...behavior });
  }

  clearImageBehavior(key?: string): void {
    if (key === undefined) this.behaviors.clear();
    else this.behaviors.delete(key);
  }

  behaviorFor(image: string | undefined, familyRevision: string | undefined): ImageBehavior {
    const byTd = familyRevision ? this.behaviors.get(familyRevision) : undefined;
    const byImage = image ? this.findImage(image) : undefined;
    const merged = { ...DEFAULT_BEHAVIOR, ...byImage, ...byTd };
    // An app whose health endpoint fails is broken for real requests too, unless the test said otherwise.
    const explicitRate = byTd?.http5xxRate ?? byImage?.http5xxRate;
    if (!merged.healthy && explicitRate === undefined) merged.http5xxRate = 1;
    return merged;
  }

  reset(): void {
    this.apiFaults.length = 0;
    this.behaviors.clear();
  }

  private findImage(image: string): ImageBehaviorInput | undefined {
    const exact = this.behaviors.get(image);
    if (exact) return exact;
    for (const [key, value] of this.behaviors) {
      if (image.endsWith(`/${key}`)) return value;
    }
    return undefined;
  }
}
