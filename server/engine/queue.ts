/**
 * The engine's durable work queue: graphile-worker on the same PostgreSQL. Jobs are added with SQL inside the
 * transaction that made them necessary (a state change and its follow-up commit together or not at all), and any
 * studio replica's worker may run them. LISTEN/NOTIFY only wakes workers up; the jobs table is the truth.
 *   reconcile {executionId}   run decide() for one execution (job_key per execution: duplicates collapse)
 *   sweep                      every 2 s: expired leases, lost delegates, due timers (crontab)
 * @see https://worker.graphile.org/docs/sql-add-job
 */
import type { Tx } from "../db";

export async function enqueueReconcile(tx: Tx, executionId: string, runAt?: Date): Promise<void> {
  if (runAt) {
    // A separate key for the timer, so an immediate reconcile never replaces (and loses) a future wake-up.
    await tx.$executeRaw`SELECT graphile_worker.add_job('reconcile', json_build_object('executionId', ${executionId}::text), run_at := ${runAt}, job_key := ${`wake:${executionId}`}, max_attempts := 25)`;
  } else {
    await tx.$executeRaw`SELECT graphile_worker.add_job('reconcile', json_build_object('executionId', ${executionId}::text), job_key := ${`now:${executionId}`}, max_attempts := 25)`;
  }
}
