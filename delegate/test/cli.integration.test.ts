/**
 * The built bundle as a child process, the way it runs on a customer host: exit codes, revoked token, graceful
 * SIGTERM, and the watchdog that kills a task's processes when the delegate itself is SIGKILLed.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeStudio } from "./fake-studio-server";
import { isAlive, readPids, scratchDir, shell, waitUntil } from "./helpers";

const run = promisify(execFile);
const here = new URL(".", import.meta.url).pathname;
const build = scratchDir("slipway-delegate-bundle-");
const bundle = join(build.path, "slipway-delegate.mjs");

let studio: FakeStudio;
let scratch: ReturnType<typeof scratchDir>;
let children: ChildProcess[] = [];

beforeAll(async () => {
  await run(process.execPath, [join(here, "..", "build.mjs"), "--outfile", bundle]);
});
afterAll(() => build.remove());

beforeEach(async () => {
  studio = await FakeStudio.start();
  scratch = scratchDir();
});

afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  children = [];
  await studio.close();
  scratch.remove();
});

interface Cli {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startCli(args: string[], token = studio.token): Cli {
  const child = spawn(process.execPath, [bundle, ...args], {
    env: { NODE_ENV: "test", PATH: process.env.PATH, SLIPWAY_URL: studio.url, SLIPWAY_DELEGATE_TOKEN: token, SLIPWAY_DELEGATE_WORK_DIR: join(scratch.path, "work") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("exit", (code, signal) => r({ code, signal })));
  return { child, output: () => output, exited };
}

describe("slipway-delegate (built bundle)", () => {
  it("prints usage with --help and exits 2 naming the flag on a bad value", async () => {
    const help = await run(process.execPath, [bundle, "--help"]);
    expect(help.stdout).toContain("Usage: slipway-delegate [options]");
    expect(help.stdout).toContain("SLIPWAY_DELEGATE_MAX_TASKS");
    const bad = await run(process.execPath, [bundle, "--url", studio.url, "--token", "x", "--max-tasks", "0"]).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining("--max-tasks (SLIPWAY_DELEGATE_MAX_TASKS) must be from 1 to 256") });
  });

  it("prints the resolved config without the token, runs a task, and exits 0 on SIGTERM after it finishes", async () => {
    const cli = startCli(["--name", "cli-test", "--tags", "a,b"]);
    await studio.waitFor("registration", () => studio.registrations.length > 0);
    expect(cli.output()).toMatch(/url=http:\/\/127\.0\.0\.1:\d+ name="cli-test" tags=a,b maxTasks=4 .* token=<redacted, 14 chars>/);
    expect(cli.output()).not.toContain(studio.token);
    const id = studio.addTask({ work: shell("echo working; sleep 1; echo done") });
    await studio.waitFor("the task to start", () => studio.lines(id, "stdout").includes("working"));
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(studio.tasks.get(id)!.result).toMatchObject({ outcome: "success" });
    expect(studio.lines(id, "stdout")).toEqual(["working", "done"]);
  });

  it("exits non-zero with a message when the token is revoked", async () => {
    const cli = startCli([]);
    await studio.waitFor("registration", () => studio.registrations.length > 0);
    await studio.waitFor("the stream", () => studio.streamConnects > 0);
    studio.revoke("delegate removed by an admin");
    const exit = await cli.exited;
    expect(exit.code).toBe(1);
    expect(cli.output()).toContain("slipway-delegate: the studio revoked this delegate: delegate removed by an admin");
  });

  it("exits non-zero at once when the studio refuses the token", async () => {
    const cli = startCli([], "wrong-token");
    expect((await cli.exited).code).toBe(1);
    expect(cli.output()).toMatch(/slipway-delegate: POST \/register → 401 unauthorized: bad token/);
  });

  it("SIGKILL of the delegate mid-task: the watchdog kills the task's processes within ~2 s", async () => {
    const pidFile = join(scratch.path, "pids");
    const cli = startCli([]);
    const id = studio.addTask({ work: shell(`echo $$ > ${pidFile}\nsleep 60 &\necho $! >> ${pidFile}\necho started\nwait`) });
    await studio.waitFor("the script to start", () => studio.lines(id, "stdout").includes("started"));
    const pids = readPids(pidFile);
    expect(pids).toHaveLength(2);
    cli.child.kill("SIGKILL");
    await cli.exited;
    const killedAt = Date.now();
    await waitUntil("the task's processes to die", () => pids.every((p) => !isAlive(p)), 3_000);
    expect(Date.now() - killedAt).toBeLessThan(2_000);
  });
});
