// What failed, in a few lines: read from the JSON reports that `npm test` asks Vitest and Playwright to write beside
// their usual console output. The summary is the last thing a CI log shows (often the only part anyone reads), so
// a red run must say there which test failed and why, not only which stage.
import { existsSync, readFileSync } from "node:fs";

/** One line per failing test (or failing file, for errors outside any test) from a Vitest JSON report. */
export function vitestFailures(file) {
  const report = readJson(file);
  if (!report) return null;
  const out = [];
  for (const f of report.testResults ?? []) {
    const where = relative(f.name);
    const failed = (f.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const t of failed) out.push(`${where} › ${t.fullName ?? t.title}: ${firstLine(t.failureMessages?.[0])}`);
    // A file that failed with no failing test: an error in a hook or at import.
    if (f.status === "failed" && failed.length === 0) out.push(`${where}: ${firstLine(f.message)}`);
  }
  return out;
}

/** One line per failing test from a Playwright JSON report, plus errors outside tests (web server, global setup). */
export function playwrightFailures(file) {
  const report = readJson(file);
  if (!report) return null;
  const out = [];
  const walk = (suite, path) => {
    for (const spec of suite.specs ?? []) {
      if (spec.ok) continue;
      const results = (spec.tests ?? []).flatMap((t) => t.results ?? []);
      const bad = results.find((r) => r.status !== "passed" && r.status !== "skipped") ?? results[0];
      const title = [...path, spec.title].filter(Boolean).join(" › ");
      out.push(`${spec.file ?? suite.file}:${spec.line ?? ""} › ${title}: ${bad?.status ?? "failed"}: ${firstLine(bad?.error?.message)}`);
    }
    for (const child of suite.suites ?? []) walk(child, child.file === suite.file ? [...path, child.title] : path);
  };
  for (const s of report.suites ?? []) walk(s, []);
  for (const e of report.errors ?? []) out.push(`(outside any test): ${firstLine(e.message)}`);
  return out;
}

function readJson(file) {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

function relative(path) {
  return path?.startsWith(process.cwd() + "/") ? path.slice(process.cwd().length + 1) : path;
}

function firstLine(message) {
  // Strip ANSI colours and keep the first non-empty line, short enough to read in a log tail.
  const line = String(message ?? "no message")
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split("\n")
    .map((l) => l.trim())
    .find(Boolean);
  return (line ?? "no message").slice(0, 220);
}
