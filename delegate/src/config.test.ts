import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeConfig, parseConfig, type ParseInput } from "./config";
import { DELEGATE_VERSION } from "./version";

const base = (argv: string[], env: Record<string, string> = {}): ParseInput => ({ argv, env, hostname: "host-1", tmpDir: "/tmp" });
const required = { SLIPWAY_URL: "https://studio.example.com/", SLIPWAY_DELEGATE_TOKEN: "tok-secret" };

describe("parseConfig", () => {
  it("applies defaults and builds a minimal base environment", () => {
    const out = parseConfig(base([], { ...required, PATH: "/bin", HOME: "/home/d", SECRET_STUFF: "x" }));
    expect(out).toEqual({
      kind: "config",
      config: {
        url: "https://studio.example.com",
        token: "tok-secret",
        name: "host-1",
        tags: [],
        maxTasks: 4,
        workDir: "/tmp/slipway-delegate",
        logLevel: "info",
        baseEnv: { PATH: "/bin", HOME: "/home/d", LANG: "C.UTF-8" },
      },
    });
  });

  it("lets flags win over environment variables", () => {
    const out = parseConfig(base(["--max-tasks", "8", "--tags", "linux, prod,linux", "--name", "flag-name"], { ...required, SLIPWAY_DELEGATE_MAX_TASKS: "2", SLIPWAY_DELEGATE_NAME: "env-name" }));
    expect(out.kind === "config" && out.config).toMatchObject({ maxTasks: 8, tags: ["linux", "prod"], name: "flag-name" });
  });

  it("names the flag and its variable in errors", () => {
    expect(parseConfig(base([], {}))).toEqual({ kind: "error", message: "--url (SLIPWAY_URL) is required" });
    expect(parseConfig(base(["--url", "ftp://x"], required))).toMatchObject({ message: '--url (SLIPWAY_URL) must be an http(s) URL, got "ftp://x"' });
    expect(parseConfig(base([], { ...required, SLIPWAY_DELEGATE_MAX_TASKS: "300" }))).toMatchObject({ message: '--max-tasks (SLIPWAY_DELEGATE_MAX_TASKS) must be from 1 to 256, got "300"' });
    expect(parseConfig(base(["--log-level", "loud"], required))).toMatchObject({ message: expect.stringMatching(/^--log-level \(SLIPWAY_DELEGATE_LOG_LEVEL\) must be one of debug, info, warn, error/) });
    expect(parseConfig(base(["--tags", "ok,not ok"], required))).toMatchObject({ message: expect.stringMatching(/^--tags \(SLIPWAY_DELEGATE_TAGS\) each tag/) });
    expect(parseConfig(base(["--nope"], required))).toMatchObject({ kind: "error", message: expect.stringContaining("--nope") });
  });

  it("never echoes the token in an error or the printed config", () => {
    const out = parseConfig(base(["--token", ""], { SLIPWAY_URL: "https://s" }));
    expect(out).toEqual({ kind: "error", message: "--token (SLIPWAY_DELEGATE_TOKEN) is required" });
    const ok = parseConfig(base([], required));
    expect(ok.kind === "config" && describeConfig(ok.config)).toBe(
      'url=https://studio.example.com name="host-1" tags=(none) maxTasks=4 workDir=/tmp/slipway-delegate logLevel=info token=<redacted, 10 chars>',
    );
  });

  it("handles --help and --version", () => {
    expect(parseConfig(base(["--help"]))).toEqual({ kind: "help" });
    expect(parseConfig(base(["-v"]))).toEqual({ kind: "version" });
  });

  it("keeps DELEGATE_VERSION equal to package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(DELEGATE_VERSION).toBe(pkg.version);
  });
});
