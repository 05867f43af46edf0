/**
 * Reading a step's log by line number (the viewer fetches only the window on screen), searching all of it in the
 * database (the true count, never just the loaded lines), and streaming it whole for download.
 */
import type { Db } from "../db";
import { AppError } from "../errors";

export const MAX_LINES_PER_READ = 5_000;

async function stepInProject(db: Db, projectId: string, stepRunId: string) {
  const step = await db.stepRun.findFirst({ where: { id: stepRunId, execution: { projectId } }, select: { id: true, logLines: true, stepId: true, attempt: true, executionId: true } });
  if (!step) throw new AppError("NOT_FOUND", "Step not found", { field: "stepRunId" });
  return step;
}

type Line = { n: number; text: string; stream: string; lane: string | null; ts: number };

export async function readLogLines(o: { db: Db; projectId: string; stepRunId: string; lane?: string; from: number; to: number }) {
  const step = await stepInProject(o.db, o.projectId, o.stepRunId);
  if (o.lane !== undefined) return readLaneLines(o.db, step.id, o.lane, o.from, o.to);
  const from = Math.max(1, o.from);
  const to = Math.min(o.to, from + MAX_LINES_PER_READ, step.logLines + 1);
  if (to <= from) return { lineCount: step.logLines, lines: [] };
  const chunks = await o.db.logChunk.findMany({
    where: { stepRunId: step.id, firstLine: { lt: to }, AND: [{ firstLine: { gte: from - 5_000 } }] },
    orderBy: { seq: "asc" },
    select: { firstLine: true, lineCount: true, lines: true, stream: true, lane: true, ts: true },
  });
  const lines: Line[] = [];
  for (const c of chunks) {
    for (let i = 0; i < c.lineCount; i++) {
      const n = c.firstLine + i;
      if (n >= from && n < to) lines.push({ n, text: c.lines[i]!, stream: c.stream, lane: c.lane, ts: c.ts.getTime() });
    }
  }
  return { lineCount: step.logLines, lines };
}

/**
 * One lane's chunks with the number of that lane's lines before each: a lane's lines are numbered 1… in the order
 * the delegate sent them, so a host's log reads like its own file. A window over the step's chunks (an index on
 * stepRunId), fine for the few thousand chunks an SSH step writes; a larger fleet would store the lane's offset.
 */
const LANE_CHUNKS = `WITH lc AS (
  SELECT c.seq, c.lines, c.stream, c.lane, c.ts, c."lineCount",
         (SUM(c."lineCount") OVER (ORDER BY c.seq) - c."lineCount")::int AS before
  FROM log_chunk c WHERE c."stepRunId" = $1 AND c.lane = $2)`;

async function readLaneLines(db: Db, stepRunId: string, lane: string, fromRaw: number, toRaw: number) {
  const from = Math.max(1, fromRaw);
  const to = Math.min(toRaw, from + MAX_LINES_PER_READ);
  const [total] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT COALESCE(SUM("lineCount"), 0)::int AS n FROM log_chunk WHERE "stepRunId" = $1 AND lane = $2`, stepRunId, lane);
  const lineCount = total?.n ?? 0;
  if (Math.min(to, lineCount + 1) <= from) return { lineCount, lines: [] };
  const chunks = await db.$queryRawUnsafe<{ before: number; lines: string[]; stream: string; ts: Date }[]>(
    `${LANE_CHUNKS} SELECT before, lines, stream, ts FROM lc WHERE before < $4 - 1 AND before + "lineCount" >= $3 ORDER BY seq`,
    stepRunId,
    lane,
    from,
    to,
  );
  const lines: Line[] = [];
  for (const c of chunks) {
    c.lines.forEach((text, i) => {
      const n = c.before + i + 1;
      if (n >= from && n < to) lines.push({ n, text, stream: c.stream, lane, ts: c.ts.getTime() });
    });
  }
  return { lineCount, lines };
}

export async function searchLog(o: { db: Db; projectId: string; stepRunId: string; lane?: string; text: string; caseSensitive: boolean; regex: boolean; limit: number }) {
  const step = await stepInProject(o.db, o.projectId, o.stepRunId);
  if (o.regex) {
    try {
      new RegExp(o.text);
    } catch (e) {
      throw new AppError("INVALID_INPUT", `Not a valid regular expression: ${(e as Error).message}`, { field: "text" });
    }
  }
  const op = o.regex ? (o.caseSensitive ? "~" : "~*") : o.caseSensitive ? "LIKE" : "ILIKE";
  const pattern = o.regex ? o.text : `%${o.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  // In a lane, line numbers count that lane's lines only (as readLaneLines does).
  const [base, number, args] =
    o.lane === undefined
      ? [`FROM log_chunk c, unnest(c.lines) WITH ORDINALITY AS u(line, ord) WHERE c."stepRunId" = $1 AND u.line ${op} $2`, `(c."firstLine" + u.ord - 1)::int`, [step.id, pattern]]
      : [`FROM lc c, unnest(c.lines) WITH ORDINALITY AS u(line, ord) WHERE u.line ${op} $3`, `(c.before + u.ord)::int`, [step.id, o.lane, pattern]];
  const prefix = o.lane === undefined ? "" : LANE_CHUNKS;
  const limitArg = `$${args.length + 1}`;
  const [hits, count] = await Promise.all([
    o.db.$queryRawUnsafe<{ n: number }[]>(`${prefix} SELECT ${number} AS n ${base} ORDER BY n LIMIT ${limitArg}`, ...args, o.limit),
    o.db.$queryRawUnsafe<{ total: bigint }[]>(`${prefix} SELECT count(*) AS total ${base}`, ...args),
  ]);
  const total = Number(count[0]?.total ?? 0);
  return { lines: hits.map((h) => h.n), total, truncated: total > hits.length };
}

export async function* streamFullLog(db: Db, projectId: string, stepRunId: string): AsyncGenerator<string> {
  const step = await stepInProject(db, projectId, stepRunId);
  let seq = 0;
  for (;;) {
    const chunks = await db.logChunk.findMany({ where: { stepRunId: step.id, seq: { gt: seq } }, orderBy: { seq: "asc" }, take: 200, select: { seq: true, stream: true, lane: true, lines: true } });
    if (!chunks.length) return;
    for (const c of chunks) {
      seq = c.seq;
      const lane = c.lane ? `[${c.lane}] ` : "";
      yield c.lines.map((l) => lane + (c.stream === "stderr" ? `[stderr] ${l}` : c.stream === "system" ? `[slipway] ${l}` : l)).join("\n") + "\n";
    }
  }
}
