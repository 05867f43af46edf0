// The lab's demo application and its "custom script" service control, placed on simulated hosts.
//
// Host layout (root = host.root = $SLIPWAY_HOST_ROOT on that host):
//   app/app.js, app/package.json, app/VERSION   the deployable "artifact"
//   scripts/start.sh, stop.sh, status.sh        what a "service control: custom script" step calls
//   host.env                                    per-host facts the lab decides (port, node binary)
//   run/app.pid, logs/app.log                   runtime state
//   unhealthy                                   touch it to make /health return 500
import { chmod, chown, copyFile, mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ASSETS_DIR = fileURLToPath(new URL("./assets/", import.meta.url));
/** The app source in the repo (`.cjs` because the repo is `"type": "module"`; hosts get `app.js`). */
export const APP_SOURCE = join(ASSETS_DIR, "app.cjs");
export const SCRIPT_NAMES = ["start.sh", "stop.sh", "status.sh", "common.sh"] as const;

export interface AppFiles {
  /** Absolute paths of the files that make up one artifact directory (app.js, package.json, VERSION). */
  files: string[];
  dir: string;
}

/**
 * Writes an artifact directory (what a build would produce) for `version`. Tests upload these files
 * with sftp to exercise the real transfer path instead of relying on pre-placed files.
 * The package.json pins CommonJS so app.js runs the same wherever it lands, even under a
 * `"type": "module"` tree.
 */
export async function writeAppArtifact(dir: string, version: string): Promise<AppFiles> {
  await mkdir(dir, { recursive: true });
  const files = [join(dir, "app.js"), join(dir, "package.json"), join(dir, "VERSION")];
  await copyFile(APP_SOURCE, files[0]!);
  await writeFile(files[1]!, `${JSON.stringify({ name: "slipway-lab-app", version, type: "commonjs" })}\n`);
  await writeFile(files[2]!, `${version}\n`);
  return { dir, files };
}

export interface InstallAppOptions {
  appPort: number;
  hostName: string;
  /** Pre-place the artifact too (default true); false leaves app/ empty so a test must upload it. */
  withArtifact?: boolean;
  version?: string;
  /** Node binary the scripts use; defaults to this process's, so hosts need no PATH setup. */
  node?: string;
  /** In root mode the login user must own the tree to write pidfiles, logs and uploads. */
  owner?: { uid: number; gid: number };
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export async function installApp(root: string, opts: InstallAppOptions): Promise<void> {
  for (const d of ["app", "scripts", "run", "logs"]) await mkdir(join(root, d), { recursive: true });
  for (const name of SCRIPT_NAMES) {
    await copyFile(join(ASSETS_DIR, name), join(root, "scripts", name));
    await chmod(join(root, "scripts", name), 0o755);
  }
  const env = [
    `SLIPWAY_APP_PORT=${opts.appPort}`,
    `SLIPWAY_NODE=${shellQuote(opts.node ?? process.execPath)}`,
    `SLIPWAY_HOST_NAME=${shellQuote(opts.hostName)}`,
  ];
  await writeFile(join(root, "host.env"), `${env.join("\n")}\n`);
  if (opts.withArtifact !== false) await writeAppArtifact(join(root, "app"), opts.version ?? "1.0.0");
  if (opts.owner) await chownTree(root, opts.owner.uid, opts.owner.gid);
}

/** Recursive chown without shelling out (the tree is a dozen files). */
export async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  if (!(await stat(path)).isDirectory()) return;
  for (const entry of await readdir(path)) await chownTree(join(path, entry), uid, gid);
}

/** Remote commands for the custom-script service control, relative to the host's own root. */
export const remote = {
  start: (version?: string) =>
    `sh "$SLIPWAY_HOST_ROOT/scripts/start.sh"${version ? ` --version ${shellQuote(version)}` : ""}`,
  stop: () => `sh "$SLIPWAY_HOST_ROOT/scripts/stop.sh"`,
  status: () => `sh "$SLIPWAY_HOST_ROOT/scripts/status.sh"`,
  markUnhealthy: () => `touch "$SLIPWAY_HOST_ROOT/unhealthy"`,
  markHealthy: () => `rm -f "$SLIPWAY_HOST_ROOT/unhealthy"`,
};
