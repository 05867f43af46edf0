/** Durations as people read them: 850 ms, 12 s, 3 m 04 s, 1 h 02 m. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} m`;
}

export function elapsed(start: Date | string | null | undefined, end: Date | string | null | undefined, now = Date.now()): number | null {
  if (!start) return null;
  return (end ? new Date(end).getTime() : now) - new Date(start).getTime();
}

export const statusLabel = (s: string) => s.replace(/_/g, " ").toLowerCase();

export function StatusBadge({ status }: { status: string }) {
  return <span className="status" data-status={status} data-testid="status-badge">{statusLabel(status)}</span>;
}
