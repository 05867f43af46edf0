/**
 * Shared pieces of the SSH executor tests: a StepContext that records every lane's lines and every progress, SSH
 * targets for the lab's hosts (pinned keys, `APP_PORT` and `LB` host vars), the lab app as a deployable artifact,
 * and the host layout the deploy tests use (appPath = $SLIPWAY_HOST_ROOT/srv, and the lab scripts' app/ folder
 * a symlink to srv/current, so start.sh runs whatever release is live).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Progress, SshDeployWork, SshTarget } from "@slipway/pipeline-spec/protocol";
import type { SshLab } from "../../../test-support/ssh-lab/index";
import { writeAppArtifact } from "../../../test-support/ssh-lab/index";
import type { StepContext, StepLog } from "../../src/steps/types";

export interface Recorded {
  ctx: StepContext;
  abort: AbortController;
  /** Lines per lane ("" = the step's own log), each "stream: text". */
  lines: Map<string, string[]>;
  progress: Progress[];
  /** Every line of a lane as one string (for toMatch). */
  text(lane?: string): string;
  all(): string;
}

export function recordingCtx(workDir = mkdtempSync(join(tmpdir(), "ssh-test-work-"))): Recorded {
  const abort = new AbortController();
  const lines = new Map<string, string[]>();
  const progress: Progress[] = [];
  const logFor = (lane: string): StepLog => {
    const push = (stream: string, chunk: Uint8Array | string) => {
      const list = lines.get(lane) ?? [];
      lines.set(lane, list);
      for (const l of Buffer.from(chunk).toString("utf8").split("\n")) if (l) list.push(`${stream}: ${l}`);
    };
    return { stdout: (c) => push("stdout", c), stderr: (c) => push("stderr", c), system: (l) => push("system", l) };
  };
  const ctx: StepContext = {
    signal: abort.signal,
    log: logFor(""),
    workDir,
    timeoutMs: 0,
    lane: (name) => logFor(name),
    progress: (p) => progress.push(structuredClone(p)),
    task: { taskId: "task-1", executionId: "exec-1", stepId: "step", attempt: 1 },
    stageOutputs: {},
  };
  return {
    ctx,
    abort,
    lines,
    progress,
    text: (lane = "") => (lines.get(lane) ?? []).join("\n"),
    all: () => [...lines.entries()].map(([lane, l]) => l.map((x) => `[${lane || "step"}] ${x}`).join("\n")).join("\n"),
  };
}

/** The lab's hosts as work targets. `pin: false` leaves the key unpinned; `pins` overrides per host index. */
export function targets(lab: SshLab, o: { indexes?: number[]; pin?: boolean; pins?: Record<number, string>; trustOnFirstUse?: boolean; group?: (i: number) => string } = {}): SshTarget[] {
  const indexes = o.indexes ?? lab.hosts.map((_, i) => i);
  return indexes.map((i) => {
    const h = lab.hosts[i]!;
    return {
      name: h.name,
      address: h.address,
      port: h.port,
      user: lab.user,
      auth: lab.password ? { kind: "password", password: lab.password } : { kind: "key", privateKey: lab.clientPrivateKey },
      hostKey: o.pins?.[i] ?? (o.pin === false ? null : h.hostKeyFingerprint),
      trustOnFirstUse: o.trustOnFirstUse ?? false,
      group: o.group?.(i) ?? "all",
      tags: [],
      vars: { APP_PORT: String(h.appPort), LB: h.name },
      jumpHost: null,
    };
  });
}

export interface Artifact {
  path: string;
  sha256: string;
  version: string;
}

/** A tar.gz of the lab app at `version` (app.js, package.json, VERSION at its top level). */
export async function appArtifact(dir: string, version: string): Promise<Artifact> {
  const src = join(dir, `src-${version}`);
  await writeAppArtifact(src, version);
  const path = join(dir, `app-${version}.tar.gz`);
  execFileSync("tar", ["-czf", path, "-C", src, "."]);
  const sha256 = createHash("sha256").update(readFileSync(path)).digest("hex");
  return { path, sha256, version };
}

/** appPath on every lab host: $SLIPWAY_HOST_ROOT/srv (each "VM" has its own root). */
export const APP_PATH = "$SLIPWAY_HOST_ROOT/srv";

/** Makes host i's app/ a symlink to srv/current, so the lab's start.sh runs the live release. */
export function linkAppToCurrent(lab: SshLab, i: number): void {
  const root = lab.hosts[i]!.root;
  const app = join(root, "app");
  if (existsSync(app) && lstatSync(app).isSymbolicLink()) return;
  rmSync(app, { recursive: true, force: true });
  symlinkSync("srv/current", app);
  if (lab.mode === "root") execFileSync("chown", ["-h", String(lab.uid), app]);
}

/** The release a host's srv/current points at, read from the file system (null: none). */
export function liveRelease(lab: SshLab, i: number): string | null {
  try {
    return basename(readlinkSync(join(lab.hosts[i]!.root, "srv", "current")));
  } catch {
    return null;
  }
}

export function releasesOn(lab: SshLab, i: number): string[] {
  try {
    return execFileSync("ls", ["-1A", join(lab.hosts[i]!.root, "srv", "releases")], { encoding: "utf8" }).split("\n").filter(Boolean).sort();
  } catch {
    return [];
  }
}

export function scriptControl(): SshDeployWork["serviceControl"] {
  return { kind: "script", start: 'sh "$SLIPWAY_HOST_ROOT/scripts/start.sh"', stop: 'sh "$SLIPWAY_HOST_ROOT/scripts/stop.sh"', status: 'sh "$SLIPWAY_HOST_ROOT/scripts/status.sh"' };
}

/** A deploy of `artifact` to the given targets with the lab's layout; override anything. */
export function deployWork(t: SshTarget[], artifact: Artifact | null, release: string, over: Partial<SshDeployWork> = {}): SshDeployWork {
  return {
    kind: "sshDeploy",
    hosts: t,
    percent: null,
    batch: { size: 1, tolerateFailures: 0 },
    phases: [],
    serviceControl: scriptControl(),
    healthCheck: { url: "http://${HOST}:${APP_PORT}/health", expectStatus: 200, retries: 20, intervalMs: 100, maxIntervalMs: 500, from: "delegate" },
    loadBalancer: null,
    sudo: false,
    appPath: APP_PATH,
    release,
    artifact: artifact ? { source: "file", location: artifact.path, sha256: artifact.sha256 } : null,
    configFiles: [],
    variables: {},
    keepReleases: 3,
    ...over,
  };
}

export async function health(lab: SshLab, i: number): Promise<{ status: number; version?: string }> {
  try {
    const res = await fetch(`http://127.0.0.1:${lab.hosts[i]!.appPort}/health`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json()) as { version?: string };
    return { status: res.status, version: body.version };
  } catch {
    return { status: 0 };
  }
}

export function scratch(prefix = "ssh-test-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(d, { recursive: true });
  return d;
}

/** Processes whose command line contains `needle` (pgrep -f), excluding pgrep itself. */
export function processesMatching(needle: string): string[] {
  try {
    return execFileSync("pgrep", ["-af", needle], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l && !l.includes("pgrep"));
  } catch {
    return [];
  }
}
