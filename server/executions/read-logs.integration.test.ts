/**
 * Reading a multi-host step's log: the whole log carries each line's lane (host), one lane reads as the host's own
 * file (numbered 1… in the order sent), search in a lane counts that lane's lines only, and the download prefixes
 * each line with its host.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "~/test-support/db";
import { fakeDelegate } from "~/test-support/fake-delegate";
import { projectWithRoles } from "~/test-support/factories";
import type { Runner } from "graphile-worker";
import { appendLogs } from "../delegates/append-logs";
import { startEngineWorker } from "../engine/worker";
import { streamFullLog } from "./read-logs";

const { db, url } = useTestDatabase();
let runner: Runner;
let ctx: Awaited<ReturnType<typeof projectWithRoles>>;
let stepRunId: string;

beforeAll(async () => {
  runner = await startEngineWorker(url);
  ctx = await projectWithRoles(db);
  const d = await fakeDelegate(db);
  const yaml = `apiVersion: slipway/v1\nkind: Pipeline\nname: lanes\nstages:\n  - id: a\n    steps:\n      - { id: s, type: shell, script: "true" }\n`;
  const p = await ctx.as.admin.pipeline.create({ projectId: ctx.project.id, name: "lanes", yaml });
  await ctx.as.admin.execution.start({ projectId: ctx.project.id, pipelineId: p.id });
  let offer: { taskId: string } | undefined;
  for (let i = 0; i < 300 && !offer; i++, await sleep(50)) offer = (await d.offered())[0];
  const { task, lease } = await d.claim(offer!.taskId);
  stepRunId = task.taskId;
  const chunk = (seq: number, lane: string | undefined, lines: string[], stream: "stdout" | "stderr" | "system" = "stdout") => ({ seq, stream, lines, ts: Date.now(), ...(lane ? { lane } : {}) });
  await appendLogs({
    db,
    delegateId: d.id,
    taskId: task.taskId,
    fencingToken: lease.fencingToken,
    chunks: [
      chunk(1, undefined, ["connecting to 2 hosts"], "system"),
      chunk(2, "web-1", ["w1 stop", "w1 backup"]),
      chunk(3, "web-2", ["w2 stop"]),
      chunk(4, "web-1", ["w1 transfer sha256 ok"]),
      chunk(5, "web-2", ["w2 transfer failed: checksum"], "stderr"),
      chunk(6, "web-1", ["w1 start", "w1 healthy"]),
    ],
  });
});
afterAll(async () => runner?.stop());

describe("log lanes", () => {
  it("the whole log keeps the order sent and names each line's lane", async () => {
    const all = await ctx.as.viewer.execution.logLines({ projectId: ctx.project.id, stepRunId, from: 1, to: 100 });
    expect(all.lineCount).toBe(8);
    expect(all.lines.map((l) => [l.n, l.lane, l.text])).toEqual([
      [1, null, "connecting to 2 hosts"],
      [2, "web-1", "w1 stop"],
      [3, "web-1", "w1 backup"],
      [4, "web-2", "w2 stop"],
      [5, "web-1", "w1 transfer sha256 ok"],
      [6, "web-2", "w2 transfer failed: checksum"],
      [7, "web-1", "w1 start"],
      [8, "web-1", "w1 healthy"],
    ]);
  });

  it("one lane reads as that host's own log, numbered from 1, windowed like the whole log", async () => {
    const web1 = await ctx.as.viewer.execution.logLines({ projectId: ctx.project.id, stepRunId, lane: "web-1", from: 1, to: 100 });
    expect(web1.lineCount).toBe(5);
    expect(web1.lines.map((l) => [l.n, l.text])).toEqual([
      [1, "w1 stop"],
      [2, "w1 backup"],
      [3, "w1 transfer sha256 ok"],
      [4, "w1 start"],
      [5, "w1 healthy"],
    ]);
    const window = await ctx.as.viewer.execution.logLines({ projectId: ctx.project.id, stepRunId, lane: "web-1", from: 2, to: 4 });
    expect(window.lines.map((l) => l.text)).toEqual(["w1 backup", "w1 transfer sha256 ok"]);
    const web2 = await ctx.as.viewer.execution.logLines({ projectId: ctx.project.id, stepRunId, lane: "web-2", from: 1, to: 100 });
    expect(web2.lines.map((l) => [l.n, l.stream, l.text])).toEqual([
      [1, "stdout", "w2 stop"],
      [2, "stderr", "w2 transfer failed: checksum"],
    ]);
    const none = await ctx.as.viewer.execution.logLines({ projectId: ctx.project.id, stepRunId, lane: "web-9", from: 1, to: 100 });
    expect(none).toEqual({ lineCount: 0, lines: [] });
  });

  it("search in a lane counts that lane's lines; across the log, the whole log's", async () => {
    const inLane = await ctx.as.viewer.execution.searchLog({ projectId: ctx.project.id, stepRunId, lane: "web-1", text: "TRANSFER" });
    expect(inLane).toEqual({ lines: [3], total: 1, truncated: false });
    const everywhere = await ctx.as.viewer.execution.searchLog({ projectId: ctx.project.id, stepRunId, text: "transfer" });
    expect(everywhere).toEqual({ lines: [5, 6], total: 2, truncated: false });
    const regex = await ctx.as.viewer.execution.searchLog({ projectId: ctx.project.id, stepRunId, lane: "web-2", text: "^w2 (stop|transfer)", regex: true });
    expect(regex.lines).toEqual([1, 2]);
  });

  it("the download names each line's host", async () => {
    let text = "";
    for await (const part of streamFullLog(db, ctx.project.id, stepRunId)) text += part;
    expect(text.split("\n")).toEqual(["[slipway] connecting to 2 hosts", "[web-1] w1 stop", "[web-1] w1 backup", "[web-2] w2 stop", "[web-1] w1 transfer sha256 ok", "[web-2] [stderr] w2 transfer failed: checksum", "[web-1] w1 start", "[web-1] w1 healthy", ""]);
  });
});
