/**
 * The delivery guarantee under faults: whatever happens to the stream or the studio, the studio ends up with
 * exactly the lines the task printed, in order, each once, and the task completes.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeStudio } from "./fake-studio-server";
import { shell, startDelegate, type RunningDelegate } from "./helpers";

let studio: FakeStudio;
let delegate: RunningDelegate;

beforeEach(async () => {
  studio = await FakeStudio.start();
  delegate = startDelegate(studio);
});

afterEach(async () => {
  await delegate.stop();
  await studio.close();
  expect(studio.violations).toEqual([]);
});

/** 2,000 numbered lines over ~`seconds`, in bursts, so faults land mid-stream. */
function numberedLines(seconds: number): string {
  const pause = (seconds / 50).toFixed(3);
  return `for i in $(seq 1 2000); do echo "line $i"; if [ $((i % 40)) -eq 0 ]; then sleep ${pause}; fi; done`;
}

function expectExactlyLines1To2000(taskId: string): void {
  const lines = studio.lines(taskId, "stdout");
  expect(lines.length).toBe(2000);
  expect(lines).toEqual(Array.from({ length: 2000 }, (_, i) => `line ${i + 1}`));
  const seqs = studio.tasks.get(taskId)!.chunks.map((c) => c.seq);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1)); // contiguous from 1
}

describe("delivery under faults", () => {
  it("SSE cut 50 times during a 2,000-line task: every line once, in order; the task completes", async () => {
    const id = studio.addTask({ work: shell(numberedLines(3)) });
    await studio.waitFor("the task to start", () => studio.lines(id, "stdout").length > 0);
    const connectsBefore = studio.streamConnects;
    expect(studio.lines(id, "stdout").length).toBeLessThan(1000); // the cuts land while it prints
    for (let i = 0; i < 50; i++) {
      studio.dropStreams();
      await new Promise((r) => setTimeout(r, 60));
    }
    const result = await studio.waitForResult(id, 30_000);
    expect(result.outcome).toBe("success");
    expectExactlyLines1To2000(id);
    expect(studio.streamConnects - connectsBefore).toBeGreaterThan(5); // it kept reconnecting
  });

  it("studio down for ~5 s mid-task, then back on the same port: same guarantee", async () => {
    const id = studio.addTask({ work: shell(numberedLines(4)) });
    await studio.waitFor("some lines", () => studio.lines(id, "stdout").length >= 200);
    await studio.goDown();
    const storedWhenDown = studio.lines(id, "stdout").length;
    await new Promise((r) => setTimeout(r, 5_000));
    expect(storedWhenDown).toBeLessThan(1500); // most lines were printed while nobody could store them
    await studio.comeUp();
    const result = await studio.waitForResult(id, 30_000);
    expect(result.outcome).toBe("success");
    expectExactlyLines1To2000(id);
  });

  it("503s for a while and lost log responses: resent, stored once", async () => {
    const id = studio.addTask({ work: shell(numberedLines(2)) });
    await studio.waitFor("some lines", () => studio.lines(id, "stdout").length >= 100);
    studio.dropLogResponses(3);
    await new Promise((r) => setTimeout(r, 300));
    studio.failRequests(1_500);
    const result = await studio.waitForResult(id, 30_000);
    expect(result.outcome).toBe("success");
    expectExactlyLines1To2000(id);
    expect(studio.tasks.get(id)!.duplicateChunks).toBeGreaterThan(0); // the repeats did arrive, and were ignored
  });

  it("the studio forgets this instance mid-task: the delegate registers again, keeps the task, loses no line", async () => {
    const id = studio.addTask({ work: shell(numberedLines(2)) });
    await studio.waitFor("some lines", () => studio.lines(id, "stdout").length >= 100);
    studio.forgetInstances();
    const result = await studio.waitForResult(id, 30_000);
    expect(result.outcome).toBe("success");
    expectExactlyLines1To2000(id);
    expect(studio.registrations).toHaveLength(2);
    expect(studio.registrations[1]!.runningTaskIds).toEqual([id]); // so a real studio moves the lease to the new instance
  });

  it("a stream that goes silent (no keepalives) is declared dead and replaced; offers still arrive", async () => {
    await studio.waitFor("the stream", () => studio.streamConnects > 0);
    const before = studio.streamConnects;
    studio.stallStreams();
    // keepalive 250 ms in the tests: after 3 silent intervals the watchdog cuts the stream and it reconnects.
    await studio.waitFor("a new stream", () => studio.streamConnects > before, 3_000);
    const id = studio.addTask({ work: shell("echo after the stall") });
    expect(await studio.waitForResult(id)).toMatchObject({ outcome: "success" });
  });

  it("picks up offers by polling while the stream is down", async () => {
    await studio.waitFor("the stream", () => studio.streamConnects > 0);
    await studio.goDown();
    await studio.comeUp(); // the delegate's stream reconnects with backoff; offers made meanwhile are polled or replayed
    const id = studio.addTask({ work: shell("echo polled") });
    const result = await studio.waitForResult(id);
    expect(result.outcome).toBe("success");
    expect(studio.lines(id, "stdout")).toEqual(["polled"]);
  });
});
