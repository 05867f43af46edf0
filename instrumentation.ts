/**
 * Runs once when a studio (Next.js) server process starts: the engine's job runner lives here, beside the
 * requests it serves. Node runtime only.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.SLIPWAY_WORKER === "0" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { startEngineWorker } = await import("./server/engine/worker");
  await startEngineWorker();
}
