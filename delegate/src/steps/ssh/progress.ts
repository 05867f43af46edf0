/**
 * The per-host picture of an SSH step (SshProgress): for each host its phase, status and release, and the batch
 * being worked on. Every change is handed to `ctx.progress`, which keeps only the latest and throttles the posts.
 */
import type { Progress } from "@slipway/pipeline-spec/protocol";

type SshProgress = Extract<Progress, { kind: "ssh" }>;
export type HostProgress = SshProgress["hosts"][number];
export type HostStatus = HostProgress["status"];

export class FleetProgress {
  private readonly hosts = new Map<string, HostProgress>();
  private batch: SshProgress["batch"] = null;

  constructor(
    names: readonly string[],
    private readonly post: (p: Progress) => void,
  ) {
    for (const name of names) this.hosts.set(name, { name, phase: null, status: "pending", release: null, message: "" });
    this.emit();
  }

  set(name: string, patch: Partial<Omit<HostProgress, "name">>): void {
    const h = this.hosts.get(name);
    if (!h) return;
    Object.assign(h, patch);
    if (patch.message !== undefined) h.message = patch.message.slice(0, 300);
    this.emit();
  }

  get(name: string): HostProgress | undefined {
    return this.hosts.get(name);
  }

  setBatch(index: number, total: number): void {
    this.batch = { index, total };
    this.emit();
  }

  snapshot(): SshProgress {
    return { kind: "ssh", batch: this.batch, hosts: [...this.hosts.values()].map((h) => ({ ...h })) };
  }

  private emit(): void {
    this.post(this.snapshot());
  }
}
