/**
 * The `slipway-delegate` command: usage text, config errors (exit 2), start-up banner with the resolved config
 * (token redacted), signal handling, and the exit code of the worker.
 *
 *   exit 0  stopped by SIGTERM/SIGINT after a graceful drain (or --help / --version)
 *   exit 1  unrecoverable: token rejected or revoked, delegate removed, studio refused registration
 *   exit 2  bad flags or settings (the message names the flag)
 *
 * Signals: the first SIGTERM/SIGINT stops claiming and lets running tasks finish for up to 30 s, then cancels them;
 * a second one cancels them at once.
 *
 * Edit when the command grows a flag (config.ts has the table) or a subcommand.
 */
import { mkdir, access, constants } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { SETTINGS, describeConfig, parseConfig } from "./config";
import { createLogger } from "./logger";
import { DELEGATE_VERSION } from "./version";
import { DelegateWorker, type WorkerTuning } from "./worker/delegate-worker";

export function usage(): string {
  const rows = Object.values(SETTINGS).map((s) => `  ${`${s.flag} <value>`.padEnd(20)} ${s.env.padEnd(28)} ${s.help}`);
  return [
    `slipway-delegate ${DELEGATE_VERSION}: runs Slipway pipeline steps inside your network.`,
    "It only makes outbound HTTPS requests to the studio; nothing connects to it.",
    "",
    "Usage: slipway-delegate [options]",
    "",
    `  ${"flag".padEnd(20)} ${"environment variable".padEnd(28)} meaning`,
    ...rows,
    `  ${"-h, --help".padEnd(20)} ${"".padEnd(28)} print this help`,
    `  ${"-v, --version".padEnd(20)} ${"".padEnd(28)} print the version`,
    "",
    "Flags win over environment variables. SIGTERM or SIGINT: stop taking tasks, let running ones finish",
    "(up to 30 s), then cancel them and exit 0; a second signal cancels at once.",
    "Exit codes: 0 stopped, 1 token rejected/revoked or studio refused us, 2 bad settings.",
    "",
  ].join("\n");
}

export interface CliIo {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Tests only: shrink timings. */
  tuning?: WorkerTuning;
}

export async function runCli(io: CliIo): Promise<number> {
  const out = io.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = io.stderr ?? ((t: string) => void process.stderr.write(t));
  const parsed = parseConfig({ argv: io.argv, env: io.env, hostname: hostname(), tmpDir: tmpdir() });
  if (parsed.kind === "help") return out(usage()), 0;
  if (parsed.kind === "version") return out(`${DELEGATE_VERSION}\n`), 0;
  if (parsed.kind === "error") return err(`slipway-delegate: ${parsed.message}\nRun "slipway-delegate --help" for usage.\n`), 2;
  const { config } = parsed;

  try {
    await mkdir(config.workDir, { recursive: true, mode: 0o700 });
    await access(config.workDir, constants.W_OK);
  } catch (e) {
    err(`slipway-delegate: ${SETTINGS.workDir.flag} (${SETTINGS.workDir.env}) ${config.workDir} is not a writable folder: ${(e as Error).message}\n`);
    return 2;
  }

  const log = createLogger({ level: config.logLevel, write: out });
  log.info(`slipway-delegate ${DELEGATE_VERSION} starting (pid ${process.pid}): ${describeConfig(config)}`);
  if (config.url.startsWith("http://") && !/^http:\/\/(localhost|127\.|\[::1\])/.test(config.url)) {
    log.warn("the studio URL is plain http: the delegate token and task secrets travel unencrypted");
  }

  // Benchmarks only (bench/dispatch-latency.bench.ts): record when each claim's answer arrives. Not a user setting.
  const traceClaimsFile = io.env.SLIPWAY_DELEGATE_TRACE_CLAIMS || undefined;
  const worker = new DelegateWorker({ config, log, tuning: traceClaimsFile ? { ...io.tuning, traceClaimsFile } : io.tuning });
  let signals = 0;
  const onSignal = (name: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      log.info(`${name}: no new tasks; running tasks get up to 30 s to finish, then are cancelled`);
      void worker.stop();
    } else {
      log.warn(`${name} again: cancelling running tasks now`);
      void worker.stop(0);
    }
  };
  const handlers = { SIGTERM: () => onSignal("SIGTERM"), SIGINT: () => onSignal("SIGINT") };
  process.on("SIGTERM", handlers.SIGTERM);
  process.on("SIGINT", handlers.SIGINT);
  try {
    const exit = await worker.run();
    if (exit.code !== 0) {
      err(`slipway-delegate: ${exit.reason}\n`);
      return exit.code;
    }
    log.info("stopped");
    return 0;
  } finally {
    process.off("SIGTERM", handlers.SIGTERM);
    process.off("SIGINT", handlers.SIGINT);
  }
}
