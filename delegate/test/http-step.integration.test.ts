/** The http step through a real delegate: retries with doubling backoff, one system line per attempt. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HttpWork } from "@slipway/pipeline-spec/protocol";
import { FakeStudio } from "./fake-studio-server";
import { startDelegate, startHttpTarget, type RunningDelegate } from "./helpers";

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

function check(url: string, overrides: Partial<HttpWork> = {}): HttpWork {
  return { kind: "http", url, method: "GET", headers: {}, expectStatus: [200], retries: 3, retryIntervalMs: 50, maxRetryIntervalMs: 150, requestTimeoutMs: 2_000, ...overrides };
}

describe("http step", () => {
  it("succeeds after the endpoint answers 503 twice, then 200", async () => {
    let calls = 0;
    const target = await startHttpTarget((_req, res) => {
      calls++;
      res.writeHead(calls <= 2 ? 503 : 200).end(calls <= 2 ? "warming up" : "status: ok");
    });
    try {
      const id = studio.addTask({ work: check(`${target.url}/health`, { bodyContains: "ok" }) });
      const result = await studio.waitForResult(id);
      expect(result).toMatchObject({ outcome: "success", message: "status 200 after 3 attempts", outputs: { status: "200" } });
      const attempts = studio.lines(id, "system").filter((l) => l.startsWith("attempt "));
      expect(attempts).toHaveLength(3);
      expect(attempts[0]).toMatch(/^attempt 1\/4: GET http:\/\/127\.0\.0\.1:\d+\/health → 503 in \d+ ms: expected status 200, got 503$/);
      expect(attempts[2]).toMatch(/→ 200 in \d+ ms: ok$/);
      expect(studio.lines(id, "system")).toEqual(expect.arrayContaining(["retrying in 50 ms", "retrying in 100 ms"]));
    } finally {
      await target.close();
    }
  });

  it("fails with a clear message once retries are exhausted", async () => {
    const target = await startHttpTarget((_req, res) => res.writeHead(503).end("down for maintenance"));
    try {
      const id = studio.addTask({ work: check(target.url, { retries: 2 }) });
      const result = await studio.waitForResult(id);
      expect(result).toMatchObject({ outcome: "failure", exitCode: null, message: "expected status 200, got 503 after 3 attempts" });
      expect(studio.lines(id, "system")).toContain("  response body: down for maintenance");
    } finally {
      await target.close();
    }
  });

  it("reports an unreachable endpoint and a body mismatch in words", async () => {
    const target = await startHttpTarget((_req, res) => res.writeHead(200).end("hello"));
    try {
      const mismatch = studio.addTask({ work: check(target.url, { retries: 0, bodyContains: "ready" }) });
      expect((await studio.waitForResult(mismatch)).message).toBe('status 200 but the body does not contain "ready" after 1 attempt');
    } finally {
      await target.close();
    }
    const refused = studio.addTask({ work: check(target.url, { retries: 1 }) });
    expect((await studio.waitForResult(refused)).message).toMatch(/^request failed: ECONNREFUSED after 2 attempts$/);
  });
});
