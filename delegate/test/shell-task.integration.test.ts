/**
 * Shell tasks end to end: a real delegate (in-process) claims from a real HTTP fake studio, runs bash, masks and
 * ships logs, and reports. Timeout and cancel must leave no process of the task's group behind.
 */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeStudio } from "./fake-studio-server";
import { isAlive, readPids, scratchDir, shell, startDelegate, waitUntil, type RunningDelegate } from "./helpers";

let studio: FakeStudio;
let delegate: RunningDelegate;
let scratch: ReturnType<typeof scratchDir>;

beforeEach(async () => {
  studio = await FakeStudio.start();
  delegate = startDelegate(studio);
  scratch = scratchDir();
});

afterEach(async () => {
  await delegate.stop();
  await studio.close();
  scratch.remove();
  expect(studio.violations).toEqual([]);
});

/** A script that records its own pid and a backgrounded sleep's pid, then waits. */
function sleeperScript(pidFile: string): string {
  return `echo $$ > ${pidFile}\nsleep 30 &\necho $! >> ${pidFile}\necho started\nwait\n`;
}

describe("shell tasks", () => {
  it("streams lines and succeeds", async () => {
    const id = studio.addTask({ work: shell('for i in 1 2 3; do echo "line $i"; done\necho "to stderr" >&2') });
    const result = await studio.waitForResult(id);
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
    expect(studio.lines(id, "stdout")).toEqual(["line 1", "line 2", "line 3"]);
    expect(studio.lines(id, "stderr")).toEqual(["to stderr"]);
    expect(studio.lines(id, "system")[0]).toMatch(/^Attempt 1 starting on delegate test-delegate/);
    expect(result.lastLogSeq).toBe(studio.tasks.get(id)!.chunks.at(-1)!.seq);
  });

  it("reports exit 3 as a failure with exitCode 3", async () => {
    const id = studio.addTask({ work: shell("echo before\nexit 3\necho never") });
    const result = await studio.waitForResult(id);
    expect(result).toMatchObject({ outcome: "failure", exitCode: 3, message: "exit code 3" });
    expect(studio.lines(id, "stdout")).toEqual(["before"]);
    expect(studio.lines(id, "system")).toContain("Finished: failure (exit code 3)");
  });

  it("times out: outcome timedOut, and the whole process group is gone", async () => {
    const pidFile = join(scratch.path, "pids");
    const id = studio.addTask({ work: shell(sleeperScript(pidFile)), timeoutMs: 800 });
    const result = await studio.waitForResult(id);
    expect(result.outcome).toBe("timedOut");
    expect(result.message).toBe("timed out after 800 ms");
    const pids = readPids(pidFile);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isAlive(pid), `pid ${pid}`).toBe(false);
  });

  it("cancel via the stream: outcome cancelled, processes gone", async () => {
    const pidFile = join(scratch.path, "pids");
    const id = studio.addTask({ work: shell(sleeperScript(pidFile)) });
    await studio.waitFor("the script to start", () => studio.lines(id, "stdout").includes("started"));
    studio.cancelTask(id, "user pressed abort");
    const result = await studio.waitForResult(id);
    expect(result).toMatchObject({ outcome: "cancelled", message: "cancelled: user pressed abort" });
    for (const pid of readPids(pidFile)) expect(isAlive(pid), `pid ${pid}`).toBe(false);
  });

  it("cancel that arrives only through the lease heartbeat, or the delegate heartbeat's stopTaskIds", async () => {
    const quiet = studio.addTask({ work: shell("echo started; sleep 30") });
    const listed = studio.addTask({ work: shell("echo started; sleep 30") });
    await studio.waitFor("both to start", () => studio.lines(quiet, "stdout").includes("started") && studio.lines(listed, "stdout").includes("started"));
    studio.cancelTask(quiet, "aborted while the stream was quiet", { notify: false });
    studio.stopTaskIds.add(listed);
    expect(await studio.waitForResult(quiet)).toMatchObject({ outcome: "cancelled", message: "cancelled: aborted while the stream was quiet" });
    expect(await studio.waitForResult(listed)).toMatchObject({ outcome: "cancelled" });
  });

  it("graceful stop: lets a short task finish, cancels a long one after the grace period", async () => {
    const short = studio.addTask({ work: shell("echo started; sleep 0.3; echo finished") });
    const long = studio.addTask({ work: shell("echo started; sleep 30") });
    await studio.waitFor("both to start", () => studio.lines(short, "stdout").includes("started") && studio.lines(long, "stdout").includes("started"));
    void delegate.worker.stop(1_000);
    const late = studio.addTask({ work: shell("echo should not run") }); // offered while draining: not claimed
    expect(await studio.waitForResult(short)).toMatchObject({ outcome: "success" });
    expect(await studio.waitForResult(long)).toMatchObject({ outcome: "cancelled", message: "cancelled: the delegate is shutting down" });
    expect(await delegate.exited).toEqual({ code: 0 });
    expect(studio.tasks.get(late)!.state).toBe("offered");
  });

  it("never lets a secret through: whole, split across writes, base64, JSON-escaped", async () => {
    const secret = "supersecret";
    const script = [
      `echo "token is ${secret}!"`,
      "printf 'sup'; sleep 0.2; printf 'ersecret\\n'",
      `printf '%s' '${secret}' | base64`,
      `echo "url: https://x.example/?t=$(printf '%s' '${secret}' | base64 -w0)&q=1"`,
      `echo '{"k":"${secret}"}'`,
      'echo "$MY_SECRET" >&2',
    ].join("\n");
    const id = studio.addTask({ work: shell(script, { MY_SECRET: secret }), mask: [secret, "ab"] });
    await studio.waitForResult(id);
    const all = studio.lines(id).join("\n");
    const b64 = Buffer.from(secret).toString("base64");
    expect(all).not.toContain(secret);
    expect(all).not.toContain("sup\n");
    expect(all).not.toContain(b64.slice(0, 12));
    expect(studio.lines(id, "stdout")).toEqual(["token is ***!", "***", "***", expect.stringMatching(/^url: https:\/\/x\.example\/\?t=\*\*\*.*&q=1$/), '{"k":"***"}']);
    expect(studio.lines(id, "stderr")).toEqual(["***"]);
    expect(studio.lines(id, "system").join("\n")).toMatch(/1 secret value\(s\) shorter than 3 characters are not masked/);
  });

  it("stops at once and reports nothing when the lease is lost", async () => {
    const pidFile = join(scratch.path, "pids");
    const id = studio.addTask({ work: shell(sleeperScript(pidFile)) });
    await studio.waitFor("the script to start", () => studio.lines(id, "stdout").includes("started"));
    studio.loseLease(id);
    const pids = readPids(pidFile);
    await waitUntil("the task's processes to die", () => pids.every((p) => !isAlive(p)), 5_000);
    await waitUntil("the runner to let go", () => delegate.worker.runningTaskIds.length === 0, 5_000);
    expect(studio.tasks.get(id)!.result).toBeNull();
  });

  it("never runs more than maxTasks at once", async () => {
    const ids = Array.from({ length: 7 }, () => studio.addTask({ work: shell("sleep 0.3") }));
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, delegate.worker.runningTaskIds.length)), 10);
    await Promise.all(ids.map((id) => studio.waitForResult(id)));
    clearInterval(timer);
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
  });
});
