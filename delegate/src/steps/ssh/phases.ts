/**
 * The per-host phases of sshDeploy and sshRollback. Layout on each host (appPath, e.g. /opt/app):
 *
 *   releases/<release>/          one folder per release; `.complete` once fully extracted
 *   current → releases/<release> the live release, switched atomically (ln -sfn to a temp link + mv -T)
 *   .previous-release            line 1: the release to roll back to; line 2: "by <release> <time>" (who replaced it)
 *   incoming/<release>.tar.gz    the uploaded artifact, sha256-checked on the host
 *   backups/<release>@<time>.tar.gz + backups/backups.log   backups of replaced releases, one metadata line each
 *
 * Every phase is idempotent and says so in the host's lane: running a deploy again converges without redoing work
 * ("already at release r42-…: skipped", "backup of r41-… exists: skipped", "already uploaded (sha256 matches)").
 * Each returns one line for the lane's summary; a failure throws HostError naming the phase and the cause.
 */
import { createHash, randomBytes } from "node:crypto";
import type { SshDeployWork } from "@slipway/pipeline-spec/protocol";
import type { LocalArtifact } from "./artifact";
import { formatBytes } from "./artifact";
import { exportLines, HostError, hostScript, parseKv, type FleetHost } from "./fleet";
import type { HaproxyRuntime } from "./haproxy";
import { checkHealth } from "./health";
import { runHook } from "./hooks";
import { shq, substitute } from "./vars";

type ServiceControl = SshDeployWork["serviceControl"];
type LoadBalancer = NonNullable<SshDeployWork["loadBalancer"]>;
type HealthCheck = NonNullable<SshDeployWork["healthCheck"]>;

const MIN = 60_000;
export const TIMEOUTS = { probe: MIN, service: 5 * MIN, backup: 30 * MIN, transfer: 30 * MIN, install: 10 * MIN, small: 2 * MIN, lbUp: MIN, hook: 5 * MIN };

/** A release name becomes a folder and a file name on every host. */
export const RELEASE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface LbContext {
  lb: LoadBalancer;
  haproxy: HaproxyRuntime | null;
  baseEnv: Record<string, string>;
  delegatePid: number;
  workDir: string;
}

/** One host's run of a deploy or rollback. */
export interface HostRun {
  h: FleetHost;
  appPath: string;
  release: string;
  /** ${VAR} values on this host (the step's, the host's tags, HOST…, APP_PATH, RELEASE). */
  vars: Record<string, string>;
  sudo: boolean;
  serviceControl: ServiceControl;
  signal: AbortSignal;
  /** The live release when this host's run started. */
  current: string | null;
  /** current === release, complete, when the run started: most phases have nothing to do. */
  atRelease: boolean;
  /** Set by the phases: the service was stopped in this run; `current` was switched in this run. */
  stopped: boolean;
  relinked: boolean;
}

// ------------------------------------------------------------------------------------------- scripts

/** Every phase script starts with the step's variables exported, A (app path) and R (release). */
function prelude(run: HostRun): string {
  return [exportLines(run.vars), `A=${shq(run.appPath)}`, `R=${shq(run.release)}`, `say() { printf '%s\\n' "$*"; }`, `current_release() { if [ -L "$A/current" ]; then basename "$(readlink "$A/current")"; fi; }`].join("\n");
}

async function script(run: HostRun, body: string, what: string, timeoutMs: number, o: { sudo?: boolean; quiet?: boolean } = {}) {
  return hostScript(run.h, `${prelude(run)}\n${body}`, { signal: run.signal, sudo: o.sudo ?? run.sudo, timeoutMs, what, quiet: o.quiet });
}

/**
 * Resolves appPath on the host (`~` and `$NAME` of the host's environment are allowed; nothing else that a shell
 * would expand) and reads where the host stands. Runs as the login user, never with sudo.
 */
export function probeScript(appPath: string, sudo: boolean): string {
  if (!/^[A-Za-z0-9_.\/~$@%+=:,{}-]+$/.test(appPath) || appPath.includes("$(")) {
    throw new HostError(`appPath ${JSON.stringify(appPath)} may only use letters, digits, "/._-~@%+=:," and $NAME of the host's environment`);
  }
  const expr = appPath.startsWith("~") ? `$HOME${appPath.slice(1)}` : appPath;
  return [
    `app="${expr}"`,
    `case "$app" in /*) ;; *) echo "appPath ${appPath.replace(/["$`\\]/g, "")} is not an absolute path on this host ($app)" >&2; exit 2 ;; esac`,
    `app=$(printf '%s' "$app" | sed 's:/*$::')`,
    `printf 'app=%s\\n' "$app"`,
    `cur=""; if [ -L "$app/current" ]; then cur=$(basename "$(readlink "$app/current")"); fi`,
    `printf 'current=%s\\n' "$cur"`,
    `if [ -n "$cur" ] && [ -f "$app/releases/$cur/.complete" ]; then echo "currentComplete=1"; fi`,
    `if [ -f "$app/.previous-release" ]; then printf 'previous=%s\\n' "$(sed -n 1p "$app/.previous-release")"; printf 'previousBy=%s\\n' "$(sed -n 's/^by \\([^ ]*\\).*/\\1/p' "$app/.previous-release")"; fi`,
    sudo ? `if sudo -n true 2>/dev/null; then echo "sudo=ok"; else echo "sudo=no"; fi` : "",
    `printf 'user=%s\\n' "$(id -un)"`,
  ].join("\n");
}

export interface HostState {
  appPath: string;
  current: string | null;
  currentComplete: boolean;
  previous: string | null;
  previousBy: string | null;
  user: string;
}

export async function probeHost(h: FleetHost, appPath: string, sudo: boolean, signal: AbortSignal): Promise<HostState> {
  const r = await hostScript(h, probeScript(appPath, sudo), { signal, quiet: true, timeoutMs: TIMEOUTS.probe, what: "reading the host's state" });
  const kv = parseKv(r.stdout);
  if (sudo && kv.sudo !== "ok") throw new HostError(`sudo is configured but \`sudo -n true\` fails for ${kv.user ?? "the login user"} on this host (it needs passwordless sudo)`);
  return { appPath: kv.app!, current: kv.current || null, currentComplete: kv.currentComplete === "1", previous: kv.previous ?? null, previousBy: kv.previousBy || null, user: kv.user ?? "" };
}

// ------------------------------------------------------------------------------------------- service control

function userCommand(cmd: string, vars: Record<string, string>): string {
  // Known ${VAR} are filled in; the rest (${x} the shell defines) is left to the shell. Run from the live release.
  return `(\ncd "$A/current" 2>/dev/null || cd "$A"\n${substitute(cmd, vars, "shell", "a service control command")}\n)`;
}

/** Shell that exits 0 when the service runs (scripts without a status command: unknown → exit 2). */
function isRunning(sc: ServiceControl, vars: Record<string, string>): string | null {
  if (sc.kind === "systemd") return `systemctl is-active --quiet ${shq(sc.unit)}`;
  if (sc.kind === "supervisor") return `supervisorctl status ${shq(sc.program)} 2>/dev/null | grep -Eq 'RUNNING|STARTING'`;
  return sc.status ? `${userCommand(sc.status, vars)} >/dev/null 2>&1` : null;
}

function serviceName(sc: ServiceControl): string {
  return sc.kind === "systemd" ? `systemd unit ${sc.unit}` : sc.kind === "supervisor" ? `supervisor program ${sc.program}` : "the service";
}

function stopCommand(sc: ServiceControl, vars: Record<string, string>): string {
  if (sc.kind === "systemd") return `systemctl stop ${shq(sc.unit)}\nif systemctl is-active --quiet ${shq(sc.unit)}; then echo ${shq(`${sc.unit} is still active after systemctl stop`)} >&2; exit 1; fi`;
  if (sc.kind === "supervisor") return `supervisorctl stop ${shq(sc.program)}`;
  return userCommand(sc.stop, vars);
}

function startCommand(sc: ServiceControl, vars: Record<string, string>): string {
  if (sc.kind === "systemd") return `systemctl start ${shq(sc.unit)}\nif ! systemctl is-active --quiet ${shq(sc.unit)}; then systemctl status ${shq(sc.unit)} --no-pager 2>&1 | tail -n 20 >&2; echo ${shq(`${sc.unit} is not active after systemctl start`)} >&2; exit 1; fi`;
  if (sc.kind === "supervisor") return `supervisorctl start ${shq(sc.program)}\nsupervisorctl status ${shq(sc.program)} | grep -q RUNNING || { echo ${shq(`${sc.program} is not RUNNING after supervisorctl start`)} >&2; exit 1; }`;
  return userCommand(sc.start, vars);
}

// ------------------------------------------------------------------------------------------- phases

/** Before the first phase: record what this release replaces (once), so a rollback knows where to return. */
export async function recordPrevious(run: HostRun): Promise<string> {
  const r = await script(
    run,
    `mkdir -p "$A/releases" "$A/backups" "$A/incoming"
cur=$(current_release)
if [ "$cur" = "$R" ]; then echo "note=already at release $R"
elif [ -f "$A/.previous-release" ] && [ "$(sed -n 's/^by \\([^ ]*\\).*/\\1/p' "$A/.previous-release")" = "$R" ]; then echo "note=release to roll back to already recorded: $(sed -n 1p "$A/.previous-release")"
else printf '%s\\nby %s %s\\n' "$cur" "$R" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$A/.previous-release.tmp" && mv "$A/.previous-release.tmp" "$A/.previous-release"; echo "note=recorded the release to roll back to: \${cur:-none (first release on this host)}"
fi`,
    "recording the previous release",
    TIMEOUTS.small,
    { quiet: true },
  );
  return parseKv(r.stdout).note ?? "";
}

export async function lbRemove(run: HostRun, lb: LbContext | null, vars: Record<string, string>): Promise<string> {
  if (!lb) return "no load balancer configured: skipped";
  if (run.atRelease) return `already at release ${run.release}: skipped`;
  return lbChange(run, lb, vars, "remove");
}

export async function lbAdd(run: HostRun, lb: LbContext | null, vars: Record<string, string>): Promise<string> {
  if (!lb) return "no load balancer configured: skipped";
  return lbChange(run, lb, vars, "add");
}

async function lbChange(run: HostRun, ctx: LbContext, vars: Record<string, string>, change: "remove" | "add"): Promise<string> {
  const say = (line: string) => run.h.lane.system(line);
  if (ctx.lb.kind === "haproxy") {
    const server = substitute(ctx.lb.server, vars, "strict", "the load balancer's server name");
    try {
      if (change === "remove") return await ctx.haproxy!.removeServer(ctx.lb.backend, server, ctx.lb.drainTimeoutMs, run.signal, say);
      return await ctx.haproxy!.addServer(ctx.lb.backend, server, TIMEOUTS.lbUp, run.signal);
    } catch (err) {
      throw new HostError(`load balancer: ${(err as Error).message}`);
    }
  }
  const command = substitute(change === "remove" ? ctx.lb.remove : ctx.lb.add, vars, "shell", `the load balancer's ${change} hook`);
  const r = await runHook(command, { baseEnv: ctx.baseEnv, delegatePid: ctx.delegatePid, env: vars, log: run.h.lane, signal: run.signal, timeoutMs: TIMEOUTS.hook, cwd: ctx.workDir });
  if (!r.ok) throw new HostError(`load balancer ${change} hook: ${r.message}`);
  return `${change} hook ran (${r.message}); hooks must be idempotent themselves`;
}

export async function stop(run: HostRun): Promise<string> {
  if (run.atRelease) return `already at release ${run.release}: skipped`;
  const running = isRunning(run.serviceControl, run.vars);
  const body = running
    ? `if ${running}; then\n${stopCommand(run.serviceControl, run.vars)}\nsay ${shq(`stopped ${serviceName(run.serviceControl)}`)}\nelse say ${shq(`${serviceName(run.serviceControl)} is not running: already stopped`)}; fi`
    : `${stopCommand(run.serviceControl, run.vars)}\necho "stop command done (it must succeed when already stopped)"`;
  const r = await script(run, body, "stop", TIMEOUTS.service);
  run.stopped = true;
  return lastLine(r.stdout) ?? "stopped";
}

export async function backup(run: HostRun): Promise<string> {
  if (run.atRelease) return `already at release ${run.release}: skipped`;
  const r = await script(
    run,
    `cur=$(current_release)
if [ -z "$cur" ]; then say "no current release: nothing to back up"; exit 0; fi
if [ "$cur" = "$R" ]; then say "already at release $R: skipped"; exit 0; fi
for f in "$A/backups/$cur@"*.tar.gz; do
  if [ -e "$f" ]; then say "backup of $cur exists (backups/$(basename "$f")): skipped"; exit 0; fi
done
if [ ! -d "$A/releases/$cur" ]; then say "the current release folder releases/$cur is missing: nothing to back up"; exit 0; fi
mkdir -p "$A/backups"
ts=$(date -u +%Y%m%dT%H%M%SZ)
f="$A/backups/$cur@$ts.tar.gz"
tar -czf "$f.part" -C "$A/releases" "$cur"
mv "$f.part" "$f"
size=$(wc -c < "$f" | tr -d ' ')
printf '%s release=%s file=%s bytes=%s by=%s host=%s\\n' "$ts" "$cur" "$(basename "$f")" "$size" "$R" "$HOST_NAME" >> "$A/backups/backups.log"
say "backed up $cur to backups/$(basename "$f") ($size bytes)"`,
    "backup",
    TIMEOUTS.backup,
  );
  return lastLine(r.stdout) ?? "backed up";
}

export async function transfer(run: HostRun, artifact: (() => Promise<LocalArtifact>) | null): Promise<string> {
  if (!artifact) return "no artifact configured: skipped";
  if (run.atRelease) return `already at release ${run.release}: skipped`;
  const local = await artifact();
  const check = await script(
    run,
    `if [ -f "$A/releases/$R/.complete" ]; then echo "state=installed"; exit 0; fi
f="$A/incoming/$R.tar.gz"
if [ -f "$f" ]; then printf 'state=present\\nsha=%s\\n' "$(sha256sum "$f" | cut -d' ' -f1)"; else echo "state=absent"; fi
command -v sha256sum >/dev/null 2>&1 || echo "nosha=1"`,
    "transfer",
    TIMEOUTS.small,
    { quiet: true },
  );
  const kv = parseKv(check.stdout);
  if (kv.nosha) throw new HostError("transfer: sha256sum is not installed on the host, so the upload cannot be verified");
  if (kv.state === "installed") return `release ${run.release} is already installed: skipped`;
  if (kv.state === "present" && kv.sha === local.sha256) return `incoming/${run.release}.tar.gz already uploaded (sha256 matches): skipped`;
  if (kv.state === "present") run.h.lane.system(`incoming/${run.release}.tar.gz is there but its sha256 is ${kv.sha}: uploading again`);
  // With sudo the app folder may not be writable by the login user: upload to /tmp, then move it with sudo.
  const part = run.sudo ? `/tmp/slipway-${run.release}-${randomBytes(4).toString("hex")}.tar.gz` : `${run.appPath}/incoming/${run.release}.tar.gz.part-${randomBytes(4).toString("hex")}`;
  const started = Date.now();
  await upload(run, local.path, part);
  const secs = Math.max(0.001, (Date.now() - started) / 1000);
  run.h.lane.system(`uploaded ${formatBytes(local.bytes)} with sftp in ${Math.round(secs * 1000)} ms (${formatBytes(Math.round(local.bytes / secs))}/s)`);
  const r = await script(
    run,
    `p=${shq(part)}
f="$A/incoming/$R.tar.gz"
want=${shq(local.sha256)}
got=$(sha256sum "$p" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then rm -f "$p"; echo "sha256 of the uploaded file on the host is $got, expected $want" >&2; exit 1; fi
mkdir -p "$A/incoming"
mv -f "$p" "$f"
say "sha256 verified on the host: $got"`,
    "transfer",
    TIMEOUTS.small,
  );
  return lastLine(r.stdout) ?? "uploaded";
}

async function upload(run: HostRun, local: string, remote: string): Promise<void> {
  const sftp = await run.h.session.sftp(run.signal);
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new HostError("transfer: cancelled"));
      run.signal.addEventListener("abort", onAbort, { once: true });
      const timer = setTimeout(() => reject(new HostError(`transfer: the upload took longer than ${TIMEOUTS.transfer / MIN} min`)), TIMEOUTS.transfer);
      sftp.fastPut(local, remote, { concurrency: 64, chunkSize: 32_768, mode: 0o600 }, (err) => {
        clearTimeout(timer);
        run.signal.removeEventListener("abort", onAbort);
        if (err) reject(new HostError(`transfer: sftp upload to ${remote} failed: ${err.message}`));
        else resolve();
      });
    });
  } finally {
    sftp.end();
  }
}

export async function install(run: HostRun, hasArtifact: boolean): Promise<string> {
  const fill = hasArtifact
    ? `[ -f "$A/incoming/$R.tar.gz" ] || { echo "incoming/$R.tar.gz is missing (the transfer phase must run first)" >&2; exit 1; }
tar -xzf "$A/incoming/$R.tar.gz" -C "$tmp"`
    : `cur=$(current_release)
if [ -n "$cur" ] && [ -d "$A/releases/$cur" ]; then cp -a "$A/releases/$cur/." "$tmp/"; rm -f "$tmp/.complete"; say "no artifact: the release starts as a copy of $cur"
else say "no artifact and no current release: the release starts empty"; fi`;
  const r = await script(
    run,
    `d="$A/releases/$R"
if [ -f "$d/.complete" ]; then say "release $R is already installed: skipped"; exit 0; fi
tmp="$A/releases/.$R.installing"
rm -rf "$tmp"
mkdir -p "$tmp"
${fill}
touch "$tmp/.complete"
rm -rf "$d"
mv "$tmp" "$d"
say "installed releases/$R ($(find "$d" -type f | wc -l | tr -d ' ') files)"`,
    "install",
    TIMEOUTS.install,
  );
  return lastLine(r.stdout) ?? "installed";
}

export interface RenderedFile {
  path: string;
  content: string;
}

/** Config files relative to the release folder; no absolute paths, no "..". */
export function checkConfigPath(path: string): string {
  const clean = path.replace(/^\.\/+/, "");
  if (!clean || clean.startsWith("/") || clean.split("/").some((p) => p === ".." || p === "") || /[\0\n]/.test(clean)) {
    throw new HostError(`config file path ${JSON.stringify(path)} must be relative to the app folder, without ".."`);
  }
  return clean;
}

export async function configure(run: HostRun, files: readonly RenderedFile[]): Promise<string> {
  if (!files.length) return "no config files: skipped";
  const parts = files.map((f) => {
    const sha = createHash("sha256").update(f.content).digest("hex");
    const b64 = Buffer.from(f.content).toString("base64");
    return `f="$d"/${shq(f.path)}
if [ -f "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = ${shq(sha)} ]; then say ${shq(`${f.path}: unchanged: skipped`)}
else mkdir -p "$(dirname "$f")"; printf '%s' ${shq(b64)} | base64 -d > "$f.tmp"; chmod 640 "$f.tmp"; mv -f "$f.tmp" "$f"; say ${shq(`${f.path}: written (${Buffer.byteLength(f.content)} bytes)`)}; fi`;
  });
  // The contents (secrets included) travel inside the script on stdin and are never echoed to the log.
  await script(run, `d="$A/releases/$R"\n[ -d "$d" ] || { echo "releases/$R does not exist (the install phase must run first)" >&2; exit 1; }\n${parts.join("\n")}`, "configure", TIMEOUTS.small);
  return `${files.length} config file${files.length === 1 ? "" : "s"} in place`;
}

export async function permissions(run: HostRun, files: readonly RenderedFile[]): Promise<string> {
  const r = await script(
    run,
    `d="$A/releases/$R"
[ -d "$d" ] || { echo "releases/$R does not exist (the install phase must run first)" >&2; exit 1; }
chmod -R u+rwX,go+rX,go-w "$d"
n=$(find "$d" -type f \\( -name '*.sh' -o -path "$d/bin/*" -o -path "$d/scripts/*" \\) | wc -l | tr -d ' ')
find "$d" -type f \\( -name '*.sh' -o -path "$d/bin/*" -o -path "$d/scripts/*" \\) -exec chmod 755 {} +
${files.map((f) => `chmod 640 "$d"/${shq(f.path)}`).join("\n")}
say "modes set: folders 755, files 644, $n script(s) executable (755)${files.length ? `, ${files.length} config file(s) 640` : ""}; safe to repeat"`,
    "permissions",
    TIMEOUTS.small,
  );
  return lastLine(r.stdout) ?? "modes set";
}

/** Points `current` at `target` atomically (unless it already does), then starts the service. */
export async function start(run: HostRun, target = run.release): Promise<string> {
  const running = isRunning(run.serviceControl, run.vars);
  const r = await script(
    run,
    `T=${shq(target)}
[ -f "$A/releases/$T/.complete" ] || { echo "release $T is not installed (releases/$T/.complete is missing)" >&2; exit 1; }
cur=$(current_release)
if [ "$cur" = "$T" ]; then echo "relinked=0"; say "current already points at releases/$T"
else ln -sfn "releases/$T" "$A/.current.tmp"; mv -T "$A/.current.tmp" "$A/current"; echo "relinked=1"; say "current → releases/$T (was \${cur:-nothing})"; fi`,
    "start",
    TIMEOUTS.small,
    { quiet: true },
  );
  const said = lastLine(r.stdout);
  if (said) run.h.lane.stdout(`${said}\n`);
  const relinked = parseKv(r.stdout).relinked === "1";
  run.relinked ||= relinked;
  // A service still running the release `current` pointed at before must restart to pick up the new one.
  const mustRestart = run.relinked && !run.stopped;
  const sc = run.serviceControl;
  let body: string;
  if (mustRestart) {
    body = running ? `if ${running}; then\n${stopCommand(sc, run.vars)}\nsay ${shq(`stopped ${serviceName(sc)} (it ran the previous release)`)}\nfi\n${startCommand(sc, run.vars)}` : `${stopCommand(sc, run.vars)}\n${startCommand(sc, run.vars)}`;
  } else {
    body = running ? `if ${running}; then say ${shq(`${serviceName(sc)} is already running: skipped`)}; else\n${startCommand(sc, run.vars)}\nsay ${shq(`started ${serviceName(sc)}`)}\nfi` : `${startCommand(sc, run.vars)}\nsay "start command done (it must succeed when already running)"`;
  }
  const s = await script(run, body, "start", TIMEOUTS.service);
  return lastLine(s.stdout) ?? "started";
}

export async function healthCheck(run: HostRun, hc: HealthCheck | null): Promise<string> {
  if (!hc) return "no health check configured: skipped";
  const url = substitute(hc.url, run.vars, "strict", "the health check URL");
  return checkHealth(run.h, hc, url, run.signal);
}

/** After a successful deploy: keep the newest `keep` releases and backups (never current or the rollback target). */
export async function prune(run: HostRun, keep: number): Promise<string> {
  const r = await script(
    run,
    `keep=${Math.max(1, Math.floor(keep))}
cur=$(current_release)
prev=$(sed -n 1p "$A/.previous-release" 2>/dev/null || true)
n=0; pruned=0
for r in $(ls -1t "$A/releases" 2>/dev/null); do
  n=$((n+1))
  if [ $n -le $keep ] || [ "$r" = "$cur" ] || [ "$r" = "$prev" ]; then continue; fi
  rm -rf -- "$A/releases/$r"; rm -f -- "$A/incoming/$r.tar.gz"; pruned=$((pruned+1)); say "pruned release $r"
done
n=0
for b in $(cd "$A/backups" 2>/dev/null && ls -1t -- *.tar.gz 2>/dev/null); do
  n=$((n+1))
  case "$b" in "$prev@"*) continue ;; esac
  if [ $n -le $keep ]; then continue; fi
  rm -f -- "$A/backups/$b"; pruned=$((pruned+1)); say "pruned backup $b"
done
say "kept the newest $keep releases and backups; pruned $pruned"`,
    "cleanup",
    TIMEOUTS.small,
  );
  return lastLine(r.stdout) ?? "pruned";
}

/**
 * Rollback: make `target` live again. Its folder is used when it is still there; otherwise it is restored from
 * its newest backup. Then `current` is switched (start does that).
 */
export async function restore(run: HostRun, target: string): Promise<string> {
  const r = await script(
    run,
    `T=${shq(target)}
d="$A/releases/$T"
if [ -f "$d/.complete" ]; then say "releases/$T is still there: no restore needed"; exit 0; fi
b=$(ls -1t "$A/backups/$T@"*.tar.gz 2>/dev/null | head -n 1 || true)
[ -n "$b" ] || { echo "releases/$T is gone and backups/ has no backup of it" >&2; exit 1; }
tmp="$A/releases/.$T.restoring"
rm -rf "$tmp"; mkdir -p "$tmp"
tar -xzf "$b" -C "$tmp"
[ -d "$tmp/$T" ] || { echo "backups/$(basename "$b") does not contain $T/" >&2; exit 1; }
touch "$tmp/$T/.complete"
rm -rf "$d"; mv "$tmp/$T" "$d"; rm -rf "$tmp"
say "restored releases/$T from backups/$(basename "$b")"`,
    "restore",
    TIMEOUTS.backup,
  );
  return lastLine(r.stdout) ?? "restored";
}

function lastLine(text: string): string | undefined {
  return text
    .trim()
    .split("\n")
    .filter((l) => l && !/^[a-zA-Z]+=/.test(l))
    .pop();
}
