/**
 * The ledger: proof of what really ran, kept outside the studio and the database. Step scripts (run by delegates
 * on this host) append one line per event to a file in a temp folder:
 *
 *   run    <stepId> <marker> <pid> start <epoch-ms> <ppid>     the script started (ppid = the delegate's pid)
 *   canary <stepId> <marker> <pid> <epoch-ms>                  a background `sleep` started in the step's process group
 *   tick   <stepId> <marker> <pid> <n> <epoch-ms>              the script printed line n
 *   run    <stepId> <marker> <pid> end <epoch-ms>              the script finished
 *
 * <marker> is the task folder the delegate runs the script in (`<taskId>-<attempt>-<random>`): it names the step
 * run (the task id is the step_run id) and the attempt, and differs for every execution of the script — so two
 * `start` lines with one step id mean the step ran twice. Lines are appended with O_APPEND and are shorter than
 * PIPE_BUF, so concurrent writers never interleave.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export type LedgerEntry =
  | { kind: "start"; stepId: string; marker: string; taskId: string; attempt: number; pid: number; at: number; ppid: number }
  | { kind: "end"; stepId: string; marker: string; taskId: string; attempt: number; pid: number; at: number }
  | { kind: "canary"; stepId: string; marker: string; taskId: string; attempt: number; pid: number; at: number }
  | { kind: "tick"; stepId: string; marker: string; taskId: string; attempt: number; pid: number; n: number; at: number };

export type Ledger = {
  readonly dir: string;
  readonly file: string;
  read(): LedgerEntry[];
  /** Start lines, optionally for one step id. */
  starts(stepId?: string): Extract<LedgerEntry, { kind: "start" }>[];
  remove(): void;
};

export function createLedger(): Ledger {
  const dir = mkdtempSync(path.join(tmpdir(), "lab-ledger-"));
  const file = path.join(dir, "ledger.txt");
  writeFileSync(file, "");
  const read = () => parseLedger(readFileSync(file, "utf8"));
  return {
    dir,
    file,
    read,
    starts: (stepId?: string) => read().filter((e): e is Extract<LedgerEntry, { kind: "start" }> => e.kind === "start" && (stepId === undefined || e.stepId === stepId)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function parseMarker(marker: string) {
  const m = /^(.+)-(\d+)-[0-9a-f]+$/.exec(marker);
  return { taskId: m?.[1] ?? "", attempt: Number(m?.[2] ?? 0) };
}

export function parseLedger(text: string): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(" ");
    if (f.length < 5) continue;
    const [kind, stepId, marker, pid] = [f[0]!, f[1]!, f[2]!, Number(f[3])];
    const base = { stepId, marker, ...parseMarker(marker), pid };
    if (kind === "run" && f[4] === "start") out.push({ kind: "start", ...base, at: Number(f[5]), ppid: Number(f[6]) });
    else if (kind === "run" && f[4] === "end") out.push({ kind: "end", ...base, at: Number(f[5]) });
    else if (kind === "canary") out.push({ kind: "canary", ...base, at: Number(f[4]) });
    else if (kind === "tick") out.push({ kind: "tick", ...base, n: Number(f[4]), at: Number(f[5]) });
  }
  return out;
}

export type NumberedStepOptions = {
  /** The ledger file (Ledger.file). */
  ledger: string;
  stepId: string;
  /** Lines to print: `${prefix} 1` … `${prefix} ${count}`. */
  count: number;
  prefix?: string;
  /** Pause `pauseSeconds` after every `every` lines (and write a tick to the ledger). */
  every: number;
  pauseSeconds: number;
  /** Start a background `sleep` in the step's process group and record its pid (killed at the end). */
  canary?: boolean;
};

/**
 * A bash script printing numbered lines at a steady pace while keeping the ledger. Safe under `bash -e -o
 * pipefail` (how the delegate runs shell steps).
 */
export function numberedStepScript(o: NumberedStepOptions): string {
  const prefix = o.prefix ?? "line";
  const L = JSON.stringify(o.ledger);
  return [
    `M="$(basename "$PWD")"`,
    `echo "run ${o.stepId} $M $$ start $(date +%s%3N) $PPID" >> ${L}`,
    ...(o.canary ? [`sleep 600 & CANARY=$!`, `echo "canary ${o.stepId} $M $CANARY $(date +%s%3N)" >> ${L}`] : []),
    `for i in $(seq 1 ${o.count}); do`,
    `  echo "${prefix} $i"`,
    `  if [ $((i % ${o.every})) -eq 0 ]; then echo "tick ${o.stepId} $M $$ $i $(date +%s%3N)" >> ${L}; sleep ${o.pauseSeconds}; fi`,
    `done`,
    ...(o.canary ? [`kill $CANARY 2>/dev/null || true`, `wait $CANARY 2>/dev/null || true`] : []),
    `echo "run ${o.stepId} $M $$ end $(date +%s%3N)" >> ${L}`,
  ].join("\n");
}

/** Indents a script for a YAML block scalar (`script: |`). */
export function yamlBlock(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return text
    .split("\n")
    .map((l) => pad + l)
    .join("\n");
}
