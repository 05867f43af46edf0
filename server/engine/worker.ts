/**
 * Starts the engine's job runner in this studio process (from instrumentation.ts). Every replica runs one; the
 * queue makes them cooperate. Tasks: `reconcile` and the self-rescheduling `sweep`. At start it also queues a
 * reconcile for every unfinished execution, so a restarted studio picks up where it stopped even if a wake-up
 * job was lost. Set SLIPWAY_WORKER=0 to run a replica that only serves requests.
 */
import { Logger, run, runMigrations, type Runner, type TaskList } from "graphile-worker";
import { db } from "../db";
import { logger } from "../logger";
import { ensureListening } from "../realtime/pg-listener";
import { enqueueReconcile } from "./queue";
import { reconcileExecution } from "./reconcile";
import { sweep, SWEEP_INTERVAL_MS } from "./sweeper";

const g = globalThis as unknown as { __slipwayWorker?: Promise<Runner> };

const tasks: TaskList = {
  reconcile: async (payload) => {
    const { executionId } = payload as { executionId: string };
    await reconcileExecution(db(), executionId);
  },
  sweep: async (_payload, helpers) => {
    try {
      await sweep(db());
    } finally {
      await helpers.addJob("sweep", {}, { jobKey: "sweep", runAt: new Date(Date.now() + SWEEP_INTERVAL_MS), maxAttempts: 1 });
    }
  },
};

export function startEngineWorker(connectionString = process.env.DATABASE_URL!): Promise<Runner> {
  g.__slipwayWorker ??= (async () => {
    const options = { connectionString, concurrency: 4, noHandleSignals: true, pollInterval: 1_000, logger: quietLogger() };
    await runMigrations(options);
    const runner = await run({ ...options, taskList: tasks });
    await runner.addJob("sweep", {}, { jobKey: "sweep", jobKeyMode: "preserve_run_at", maxAttempts: 1 });
    const unfinished = await db().execution.findMany({ where: { status: { notIn: ["SUCCESS", "FAILED", "ABORTED", "ROLLED_BACK"] } }, select: { id: true } });
    await db().$transaction(async (tx) => {
      for (const e of unfinished) await enqueueReconcile(tx, e.id);
    });
    await ensureListening().catch(() => undefined);
    logger().info({ unfinished: unfinished.length }, "engine worker started");
    return runner;
  })();
  return g.__slipwayWorker;
}

function quietLogger() {
  // graphile-worker logs every job at info; keep warnings and errors.
  return new Logger(() => (level: string, message: string, meta?: unknown) => {
    if (level === "error" || level === "warning") logger()[level === "error" ? "error" : "warn"]({ meta }, `worker: ${message}`);
  });
}
