/**
 * Shared pieces of the delegate integration tests: an in-process delegate pointed at a FakeStudio with timings
 * shrunk for tests, process liveness checks, and a scratch folder per test.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ShellWork } from "@slipway/pipeline-spec/protocol";
import type { DelegateConfig } from "../src/config";
import { createLogger, type Logger } from "../src/logger";
import { isProcessAlive } from "../src/steps/process-group";
import { DelegateWorker, type WorkerExit, type WorkerTuning } from "../src/worker/delegate-worker";
import type { FakeStudio } from "./fake-studio-server";

export const FAST: WorkerTuning = {
  backoff: { initialMs: 20, capMs: 300 },
  sseKeepaliveMs: 250,
  shellKillGraceMs: 2_000,
  shutdownGraceMs: 2_000,
  requestTimeoutMs: 5_000,
};

export function scratchDir(prefix = "slipway-delegate-test-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Delegate logs go to the test output only when DELEGATE_TEST_LOGS=1 (they are chatty by design). */
function testLogger(): Logger {
  const verbose = process.env.DELEGATE_TEST_LOGS === "1";
  return createLogger({ level: verbose ? "debug" : "error", write: (l) => void process.stderr.write(l) });
}

export interface RunningDelegate {
  worker: DelegateWorker;
  exited: Promise<WorkerExit>;
  workDir: string;
  stop(): Promise<WorkerExit>;
}

export function startDelegate(studio: FakeStudio, overrides: Partial<DelegateConfig> = {}, tuning: WorkerTuning = FAST): RunningDelegate {
  const dir = scratchDir("slipway-delegate-work-");
  const config: DelegateConfig = {
    url: studio.url,
    token: studio.token,
    name: "test-delegate",
    tags: ["test"],
    maxTasks: 4,
    workDir: dir.path,
    logLevel: "error",
    baseEnv: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir.path, LANG: "C.UTF-8" },
    ...overrides,
  };
  const worker = new DelegateWorker({ config, log: testLogger(), tuning });
  const exited = worker.run();
  return {
    worker,
    exited,
    workDir: dir.path,
    async stop() {
      await worker.stop(0);
      const exit = await exited;
      dir.remove();
      return exit;
    },
  };
}

export function shell(script: string, env: Record<string, string> = {}): ShellWork {
  return { kind: "shell", shell: "bash", script, env };
}

/** Pids a test script wrote to `file`, one per line. */
export function readPids(file: string): number[] {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export const isAlive = isProcessAlive;

export async function waitUntil(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A throwaway HTTP endpoint on 127.0.0.1 for http-step tests. */
export async function startHttpTarget(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
