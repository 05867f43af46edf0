/**
 * Development-only pages (component demos, test harnesses) exist in `next dev` and, for the end-to-end suite, in a
 * production build started with SLIPWAY_DEV_PAGES=1. Callers must read this at request time (see `connection()` in
 * the pages), or a production build would bake in the build machine's answer.
 */
export function devPagesEnabled(): boolean {
  return process.env.NODE_ENV !== "production" || process.env.SLIPWAY_DEV_PAGES === "1";
}
