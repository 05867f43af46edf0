/**
 * Secrets never leave the delegate in clear. Real processes: the studio, one delegate, a bash step that prints a
 * project secret and a secret variable three ways — whole, split across two writes with a pause between them, and
 * base64-encoded — on stdout and stderr.
 *
 * Checked where a person could see them: every stored log_chunk row, the browser's live event stream (signed in
 * with a password, read until the execution ends) and the log download. `***` must appear in their place.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "~/test-support/db";
import {
  createLabDatabase,
  createLabPipeline,
  createLabToken,
  downloadLog,
  readExecutionStream,
  readRun,
  saveLabSecret,
  seedLab,
  signIn,
  startDelegate,
  startLabRun,
  startStudio,
  type Lab,
  type LabDatabase,
  type LabDelegate,
  type Studio,
} from "~/test-support/process-lab";

useTestDatabase();

const TAG = "lab-secrets";
// Values unlike anything else in a log, so a leak of any part of them is unmistakable.
const SECRET = `Sx${randomBytes(12).toString("hex")}Q`;
const SECRET_VAR = `Vy${randomBytes(12).toString("hex")}W`;

/** Every form in which a value must not appear: whole, its base64 (padded and bare), and the two split writes. */
function forbidden(value: string): string[] {
  const b64 = Buffer.from(value).toString("base64");
  return [value, b64, b64.replace(/=+$/, ""), value.slice(0, 5), value.slice(5)];
}
const FORBIDDEN = [...forbidden(SECRET), ...forbidden(SECRET_VAR)];
/** The lines the step prints, as they must be stored: the secret part replaced by ***. */
const EXPECTED_LINES = ["whole=***", "split=***", "b64=***", "vwhole=***", "vsplit=***", "vb64=***", "err=***", "verr=***"];

let labDb: LabDatabase;
let lab: Lab;
let studio: Studio;
let delegate: LabDelegate;

beforeAll(async () => {
  labDb = await createLabDatabase();
  lab = await seedLab(labDb.db);
  studio = await startStudio({ databaseUrl: labDb.url });
  delegate = await startDelegate({ url: studio.baseUrl, token: await createLabToken(lab), name: "secrets", tags: [TAG] });
}, 15 * 60_000);

afterAll(async () => {
  await delegate?.kill("SIGKILL");
  await studio?.stop();
  await labDb?.drop();
});

const SCRIPT = [
  `echo "whole=$S"`,
  // Split across two writes, 0.3 s apart: the delegate sees "split=Sx…" then the rest.
  `printf 'split=%s' "\${S:0:5}"; sleep 0.3; printf '%s\\n' "\${S:5}"`,
  `printf 'b64='; printf '%s' "$S" | base64`,
  `echo "vwhole=$V"`,
  `printf 'vsplit=%s' "\${V:0:5}"; sleep 0.3; printf '%s\\n' "\${V:5}"`,
  `printf 'vb64='; printf '%s' "$V" | base64`,
  `echo "err=$S" >&2`,
  `echo "verr=$V" >&2`,
  `echo done`,
];

function pipelineYaml() {
  return [
    "apiVersion: slipway/v1",
    "kind: Pipeline",
    `name: Secrets ${Math.random().toString(36).slice(2, 8)}`,
    "variables:",
    "  - name: token",
    "    type: secret",
    "stages:",
    "  - id: main",
    `    selectors: [${TAG}]`,
    "    steps:",
    "      - id: leak",
    "        type: shell",
    "        env:",
    `          S: <+secrets.getValue("lab-secret")>`,
    "          V: <+pipeline.variables.token>",
    "        script: |",
    ...SCRIPT.map((l) => `          ${l}`),
  ].join("\n");
}

const leaks = (text: string) => FORBIDDEN.filter((f) => text.includes(f));

describe("secrets printed by a step (real delegate and studio)", () => {
  it("a project secret and a secret variable — printed whole, split across two writes, and base64 — never reach the stored log, the browser's live stream or the log download; *** does", async () => {
    await saveLabSecret(lab, "lab-secret", SECRET);
    const session = await signIn(studio, lab.admin.email, lab.admin.password);
    const pipelineId = await createLabPipeline(lab, pipelineYaml());
    const run = await startLabRun(lab, pipelineId, { token: SECRET_VAR });

    // The browser's view, live from the first event to the execution's end.
    const stream = await readExecutionStream(studio, session, run.id, { timeoutMs: 60_000 });
    expect(stream.ended, `stream ended: ${stream.raw.slice(-1000)}`).toBe("done");
    const exec = await readRun(lab.db, run.id);
    expect(exec.status).toBe("SUCCESS");
    const step = exec.steps.find((s) => s.stepId === "leak")!;

    // 1. Every stored log row of the whole database (this lab's database holds only this run).
    const rows = await lab.db.logChunk.findMany({ select: { lines: true, stream: true } });
    const stored = rows.flatMap((r) => r.lines).join("\n");
    expect(rows.length).toBeGreaterThan(0);
    expect(leaks(stored)).toEqual([]);
    const storedLines = rows.flatMap((r) => r.lines);
    for (const line of EXPECTED_LINES) expect(storedLines, `stored line ${line}`).toContain(line);
    // Nothing else the studio keeps about the run holds the values either: attempt rows, events, messages.
    const events = await lab.db.executionEvent.findMany({ where: { executionId: run.id }, select: { cause: true } });
    expect(leaks(JSON.stringify({ steps: exec.steps.map((s) => ({ work: s.work, message: s.message })), events, inputs: exec.inputs }))).toEqual([]);

    // 2. The browser's stream: every byte received.
    expect(leaks(stream.raw)).toEqual([]);
    const streamedLines = stream.messages.filter((m) => m.event === "log").flatMap((m) => (JSON.parse(m.data) as { lines: string[] }).lines);
    for (const line of EXPECTED_LINES) expect(streamedLines, `streamed line ${line}`).toContain(line);

    // 3. The log download.
    const text = await downloadLog(studio, session, run.id, step.id);
    expect(leaks(text)).toEqual([]);
    for (const line of ["whole=***", "split=***", "b64=***", "vwhole=***", "vsplit=***", "vb64=***"]) expect(text.split("\n")).toContain(line);
    expect(text.split("\n")).toContain("[stderr] err=***");
    expect(text.split("\n")).toContain("[stderr] verr=***");
  });
});
