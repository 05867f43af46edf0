/**
 * The builds the lab runs: the studio (`next build` through scripts/launcher/next-build.ts, which rebuilds only
 * when the sources changed) and the delegate bundle (`node delegate/build.mjs`, once per test file).
 *
 * The studio is built into its own dist folder (`.next-lab`, or PROCESS_LAB_NEXT_DIST) so a lab build never
 * rewrites the `.next` a developer's `npm start` is serving from. Several test files may ask at once: a lock
 * folder makes one of them build and the others wait. The build runs in a child process (a clean environment,
 * and the test worker's event loop stays free for vitest).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cleanEnv } from "./child";
import { sleep } from "./wait";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
export const LAB_NEXT_DIST = process.env.PROCESS_LAB_NEXT_DIST || ".next-lab";
export const DELEGATE_BUNDLE = path.join(REPO_ROOT, "delegate/dist/slipway-delegate.mjs");

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const take = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A cross-process lock: a folder holding the owner's pid; a dead owner's lock is taken over. Bounded wait. */
async function withLock<T>(name: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const dir = path.join(REPO_ROOT, name);
  const deadline = Date.now() + timeoutMs;
  // Bounded by the deadline.
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(path.join(dir, "pid"), String(process.pid));
      break;
    } catch {
      let owner = 0;
      try {
        owner = Number(readFileSync(path.join(dir, "pid"), "utf8"));
      } catch {
        // being created or removed right now
      }
      if (owner && !pidAlive(owner)) rmSync(dir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${dir} (held by pid ${owner})`);
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Makes sure the studio build in LAB_NEXT_DIST matches the sources (builds when they changed). With
 * PROCESS_LAB_REUSE_BUILD=1 an existing build is used as it is (handy while editing unrelated pages).
 */
export async function ensureStudioBuild(log: (s: string) => void = () => {}): Promise<void> {
  if (process.env.PROCESS_LAB_REUSE_BUILD === "1" && existsSync(path.join(REPO_ROOT, LAB_NEXT_DIST, "BUILD_ID"))) return;
  // One check per test run: the test files of one vitest run (worker processes with the same parent) share the
  // build the first of them made or checked, even if sources change while the run goes on.
  const runStamp = path.join(REPO_ROOT, LAB_NEXT_DIST, "process-lab-run");
  const thisRun = `${process.ppid}`;
  const checkedThisRun = () => {
    try {
      return readFileSync(runStamp, "utf8") === thisRun && existsSync(path.join(REPO_ROOT, LAB_NEXT_DIST, "BUILD_ID"));
    } catch {
      return false;
    }
  };
  if (checkedThisRun()) return;
  await withLock(`${LAB_NEXT_DIST}.lock`, 15 * 60_000, async () => {
    if (checkedThisRun()) return;
    const code = `const m = await import(${JSON.stringify(path.join(REPO_ROOT, "scripts/launcher/next-build.ts"))}); m.ensureNextBuild(${JSON.stringify(REPO_ROOT)}, (s) => console.log(s));`;
    const started = Date.now();
    const r = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], cleanEnv({ SLIPWAY_NEXT_DIST: LAB_NEXT_DIST, NEXT_TELEMETRY_DISABLED: "1" }), 14 * 60_000);
    if (r.code !== 0) throw new Error(`building the studio failed (exit ${r.code}):\n${r.output}`);
    if (r.output.includes("Built in")) log(`studio built into ${LAB_NEXT_DIST} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    writeFileSync(runStamp, thisRun);
  });
}

let delegateBuilt: Promise<string> | null = null;

/**
 * Builds delegate/dist/slipway-delegate.mjs with `node delegate/build.mjs`, once per process (= per test file).
 * It builds into a temporary file and renames it into place, so a delegate starting in another test file never
 * reads a half-written bundle.
 */
export function ensureDelegateBuild(): Promise<string> {
  delegateBuilt ??= (async () => {
    mkdirSync(path.dirname(DELEGATE_BUNDLE), { recursive: true });
    // Same folder as the bundle: a rename within one file system is atomic.
    const tmp = path.join(path.dirname(DELEGATE_BUNDLE), `.slipway-delegate-${process.pid}-${Date.now()}.mjs`);
    const r = await run(process.execPath, [path.join(REPO_ROOT, "delegate/build.mjs"), "--outfile", tmp], cleanEnv(), 5 * 60_000);
    if (r.code !== 0) rmSync(tmp, { force: true });
    if (r.code !== 0) throw new Error(`building the delegate failed (exit ${r.code}):\n${r.output}`);
    renameSync(tmp, DELEGATE_BUNDLE);
    return DELEGATE_BUNDLE;
  })();
  return delegateBuilt;
}
