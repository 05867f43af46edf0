/**
 * Fixtures for the VM deployment system tests: SSH labs turned into studio records (environment, SSH
 * infrastructure with pinned keys and `APP_PORT` / `LB` host vars, the service with its artifact, the private key
 * as a project secret), artifacts served over HTTP, the pipelines the strategies are made of, and read-backs of
 * what each host runs.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { EnvironmentRecordSchema, InfrastructureRecordSchema, ServiceRecordSchema, type InfrastructureRecord } from "@slipway/pipeline-spec/records";
import { saveEnvironment, saveInfrastructure, saveService } from "~/server/records/save-records";
import type { Lab } from "~/test-support/process-lab";
import { writeAppArtifact, type SshLab } from "~/test-support/ssh-lab";

export const APP_PATH = "$SLIPWAY_HOST_ROOT/srv";
export const SECRET = "lab-ssh-key";
export const SECRET_BG = "lab-ssh-key-bg";

export type Artifact = { version: string; file: string; sha256: string; url: string };

/** Serves files of `dir` on 127.0.0.1 (the delegate downloads `url` artifacts from here). */
export async function fileServer(dir: string): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const file = path.join(dir, path.basename(req.url ?? ""));
    if (!existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/gzip" }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server, requests };
}

export async function makeArtifact(dir: string, baseUrl: string, version: string): Promise<Artifact> {
  const src = path.join(dir, `src-${version}`);
  await writeAppArtifact(src, version);
  const file = path.join(dir, `app-${version}.tar.gz`);
  execFileSync("tar", ["-czf", file, "-C", src, "."]);
  return { version, file, sha256: createHash("sha256").update(readFileSync(file)).digest("hex"), url: `${baseUrl}/app-${version}.tar.gz` };
}

/** The lab scripts run $ROOT/app/app.js: make app/ a link to srv/current so they run the live release. */
export function linkApps(lab: SshLab): void {
  for (const h of lab.hosts) {
    const app = path.join(h.root, "app");
    if (existsSync(app) && lstatSync(app).isSymbolicLink()) continue;
    rmSync(app, { recursive: true, force: true });
    symlinkSync("srv/current", app);
    if (lab.mode === "root") execFileSync("chown", ["-h", String(lab.uid), app]);
  }
}

export type HostGroupSpec = { name: string; hosts: number[] };

export function infrastructureDoc(lab: SshLab, name: string, groups: HostGroupSpec[], o: { pins?: Record<number, string | undefined>; trustOnFirstUse?: boolean; credential?: string } = {}): InfrastructureRecord {
  return InfrastructureRecordSchema.parse({
    name,
    environment: "prod",
    spec: {
      type: "SSH",
      appPath: APP_PATH,
      trustOnFirstUse: o.trustOnFirstUse ?? false,
      hostGroups: groups.map((g) => ({
        name: g.name,
        user: lab.user,
        credential: o.credential ?? SECRET,
        hosts: g.hosts.map((i) => {
          const h = lab.hosts[i]!;
          const pin = o.pins && i in o.pins ? o.pins[i] : h.hostKeyFingerprint;
          return { hostname: "127.0.0.1", port: h.port, ...(pin ? { hostKey: pin } : {}), vars: { APP_PORT: String(h.appPort), LB: h.name } };
        }),
      })),
    },
  });
}

export async function saveRecords(lab: Lab, o: { infrastructure?: InfrastructureRecord; service?: { artifact: Artifact; source: "url" | "file" } }) {
  const common = { db: lab.db, projectId: lab.project.id, actor: lab.actor };
  const env = EnvironmentRecordSchema.parse({ name: "prod", type: "PRODUCTION", variables: [{ name: "GREETING", value: "hello from prod" }] });
  await saveEnvironment({ ...common, input: { projectId: lab.project.id, ...env } });
  if (o.infrastructure) await saveInfrastructure({ ...common, input: { projectId: lab.project.id, ...o.infrastructure } });
  if (o.service) {
    const a = o.service.artifact;
    const doc = ServiceRecordSchema.parse({
      name: "web",
      spec: {
        type: "SSH",
        artifact: { source: o.service.source, location: o.service.source === "url" ? a.url : a.file, sha256: a.sha256 },
        variables: [{ name: "GREETING", value: "hello" }, { name: "APP_NAME", value: "lab-web" }],
        configFiles: [{ path: "config/app.env", template: "APP_NAME=${APP_NAME}\nGREETING=${GREETING}\nPORT=${APP_PORT}\nRELEASE=${RELEASE}\n" }],
      },
    });
    await saveService({ ...common, input: { projectId: lab.project.id, ...doc } });
  }
}

const q = JSON.stringify;

export const SERVICE_CONTROL = [
  "serviceControl:",
  "  kind: script",
  `  start: ${q('sh "$SLIPWAY_HOST_ROOT/scripts/start.sh"')}`,
  `  stop: ${q('sh "$SLIPWAY_HOST_ROOT/scripts/stop.sh"')}`,
  `  status: ${q('sh "$SLIPWAY_HOST_ROOT/scripts/status.sh"')}`,
];

export function healthCheck(retries = 30): string[] {
  return ["healthCheck:", `  url: ${q("http://${HOST}:${APP_PORT}/health")}`, `  retries: ${retries}`, "  interval: 200ms", "  maxInterval: 1s"];
}

export function haproxy(socket: string, backend: string): string[] {
  return ["loadBalancer:", "  kind: haproxy", `  runtimeApi: ${q(`unix:${socket}`)}`, `  backend: ${backend}`, `  server: ${q("${LB}")}`, "  drainTimeout: 5s"];
}

export function indent(lines: string[], spaces: number): string {
  return lines.map((l) => " ".repeat(spaces) + l).join("\n");
}

export function pipeline(name: string, stage: { infrastructure: string; steps: string[][]; rollbackSteps?: string[][]; onFailure?: string }): string {
  return [
    "apiVersion: slipway/v1",
    "kind: Pipeline",
    `name: ${name} ${Math.random().toString(36).slice(2, 8)}`,
    "stages:",
    "  - id: deploy",
    "    service: web",
    "    environment: prod",
    `    infrastructure: ${stage.infrastructure}`,
    ...(stage.onFailure ? [`    onFailure: ${stage.onFailure}`] : []),
    "    steps:",
    ...stage.steps.map((s) => indent(["- " + s[0]!, ...s.slice(1).map((l) => "  " + l)], 6)),
    ...(stage.rollbackSteps ? ["    rollbackSteps:", ...stage.rollbackSteps.map((s) => indent(["- " + s[0]!, ...s.slice(1).map((l) => "  " + l)], 6))] : []),
  ].join("\n");
}

export function sshDeployStep(id: string, o: { group?: string; batch: string; lb?: string[]; retries?: number }): string[] {
  return [`id: ${id}`, "type: sshDeploy", "timeout: 10m", ...(o.group ? [`hosts: { group: ${o.group} }`] : []), `batch: ${o.batch}`, ...SERVICE_CONTROL, ...healthCheck(o.retries), ...(o.lb ?? [])];
}

export function sshRollbackStep(id: string, o: { batch: string; lb?: string[] }): string[] {
  return [`id: ${id}`, "type: sshRollback", "timeout: 10m", `batch: ${o.batch}`, ...SERVICE_CONTROL, ...healthCheck(), ...(o.lb ?? [])];
}

/** The release host i runs (srv/current), or null. */
export function live(lab: SshLab, i: number): string | null {
  try {
    return path.basename(readlinkSync(path.join(lab.hosts[i]!.root, "srv", "current")));
  } catch {
    return null;
  }
}

/** Everything a deploy could change on a host, to prove nothing was. */
export function hostSnapshot(lab: SshLab, i: number): string {
  const root = path.join(lab.hosts[i]!.root, "srv");
  const list = (d: string) => (existsSync(path.join(root, d)) ? readdirSync(path.join(root, d)).sort().join(",") : "-");
  const prev = existsSync(path.join(root, ".previous-release")) ? readFileSync(path.join(root, ".previous-release"), "utf8") : "-";
  return `${live(lab, i)}|${list("releases")}|${list("backups")}|${list("incoming")}|${prev}`;
}

export async function healthOf(lab: SshLab, i: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${lab.hosts[i]!.appPort}/health`, { signal: AbortSignal.timeout(2_000) });
    return `${res.status} ${((await res.json()) as { version: string }).version}`;
  } catch (err) {
    return `error ${(err as Error).message}`;
  }
}
