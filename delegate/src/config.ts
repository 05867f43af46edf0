/**
 * The delegate's settings: CLI flags, then SLIPWAY_* environment variables, then defaults (flags win), validated
 * with zod into one typed `DelegateConfig`. Parsed once at start (main.ts → cli.ts) and passed down; nothing below
 * reads process.env (buildkite's struct config, t3's env schema).
 *
 * Edit this file to add a setting: a row in SETTINGS (flag, env, help), a field in the schema, a line in README.md.
 * @see README.md "Settings"  src/cli.ts (usage text, exit codes)
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { LOG_LEVELS } from "./logger";

/** Every setting: its flag, its environment variable and one line of help (the usage text is built from this). */
export const SETTINGS = {
  url: { flag: "--url", env: "SLIPWAY_URL", help: "studio origin, e.g. https://slipway.example.com (required)" },
  token: { flag: "--token", env: "SLIPWAY_DELEGATE_TOKEN", help: "delegate token (required; prefer the env var: flags show in ps)" },
  name: { flag: "--name", env: "SLIPWAY_DELEGATE_NAME", help: "display name (default: host name)" },
  tags: { flag: "--tags", env: "SLIPWAY_DELEGATE_TAGS", help: "comma-separated tags that step selectors match, e.g. linux,prod" },
  maxTasks: { flag: "--max-tasks", env: "SLIPWAY_DELEGATE_MAX_TASKS", help: "tasks run at once, 1..256 (default 4)" },
  workDir: { flag: "--work-dir", env: "SLIPWAY_DELEGATE_WORK_DIR", help: "scratch folder for scripts and spilled logs (default: OS temp)" },
  logLevel: { flag: "--log-level", env: "SLIPWAY_DELEGATE_LOG_LEVEL", help: "debug | info | warn | error (default info)" },
} as const;
export type SettingKey = keyof typeof SETTINGS;

const TAG = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$/;

/** Raw strings in, typed config out. Each message is completed with the flag's name by `parseConfig`. */
const ConfigSchema = z.object({
  url: z
    .string({ error: "is required" })
    .refine((v) => /^https?:\/\/[^/\s]+/.test(v) && URL.canParse(v), { error: "must be an http(s) URL" })
    .transform((v) => v.replace(/\/+$/, "")),
  token: z.string({ error: "is required" }).min(1, { error: "is required" }),
  name: z.string().min(1, { error: "must not be empty" }).max(100, { error: "must be at most 100 characters" }),
  tags: z
    .string()
    .transform((v) => [...new Set(v.split(",").map((t) => t.trim()).filter(Boolean))])
    .pipe(z.array(z.string().regex(TAG, { error: "each tag: letters, digits, _ . : -, at most 63 characters" })).max(50, { error: "at most 50 tags" })),
  maxTasks: z
    .string()
    .regex(/^\d+$/, { error: "must be a whole number from 1 to 256" })
    .transform(Number)
    .pipe(z.number().int().min(1, { error: "must be from 1 to 256" }).max(256, { error: "must be from 1 to 256" })),
  workDir: z.string().min(1, { error: "must not be empty" }),
  logLevel: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }),
  /** The environment every shell step starts from (PATH, HOME, LANG): a minimal, predictable base, never the whole env. */
  baseEnv: z.record(z.string(), z.string()),
});
export type DelegateConfig = z.infer<typeof ConfigSchema>;

export type ParseOutcome =
  | { kind: "config"; config: DelegateConfig }
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "error"; message: string };

export interface ParseInput {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** Defaults that depend on the machine, passed in so this stays pure. */
  hostname: string;
  tmpDir: string;
}

const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function parseConfig(input: ParseInput): ParseOutcome {
  let flags: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(Object.values(SETTINGS).map((s) => [s.flag.slice(2), { type: "string" as const }]));
    flags = parseArgs({
      args: [...input.argv],
      options: { ...options, help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "v" } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return { kind: "error", message: (err as Error).message.split("\n")[0] ?? String(err) };
  }
  if (flags.help) return { kind: "help" };
  if (flags.version) return { kind: "version" };

  const pick = (key: SettingKey): string | undefined => {
    const fromFlag = flags[SETTINGS[key].flag.slice(2)];
    if (typeof fromFlag === "string") return fromFlag;
    const fromEnv = input.env[SETTINGS[key].env];
    return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
  };
  const raw = {
    url: pick("url"),
    token: pick("token"),
    name: pick("name") ?? input.hostname,
    tags: pick("tags") ?? "",
    maxTasks: pick("maxTasks") ?? "4",
    workDir: pick("workDir") ?? `${input.tmpDir.replace(/\/+$/, "")}/slipway-delegate`,
    logLevel: pick("logLevel") ?? "info",
    baseEnv: {
      PATH: input.env.PATH || DEFAULT_PATH,
      HOME: input.env.HOME || input.tmpDir,
      LANG: input.env.LANG || "C.UTF-8",
    },
  };
  const parsed = ConfigSchema.safeParse(raw);
  if (parsed.success) return { kind: "config", config: parsed.data };
  const issue = parsed.error.issues[0];
  const key = issue?.path[0] as SettingKey | undefined;
  const setting = key && key in SETTINGS ? SETTINGS[key] : undefined;
  const got = key && key in SETTINGS && key !== "token" ? raw[key] : undefined;
  const where = setting ? `${setting.flag} (${setting.env})` : "configuration";
  return { kind: "error", message: `${where} ${issue?.message ?? "is invalid"}${got !== undefined ? `, got ${JSON.stringify(got)}` : ""}` };
}

/** The config as printed at start: everything but the token, which shows only its length. */
export function describeConfig(config: DelegateConfig): string {
  return [
    `url=${config.url}`,
    `name=${JSON.stringify(config.name)}`,
    `tags=${config.tags.join(",") || "(none)"}`,
    `maxTasks=${config.maxTasks}`,
    `workDir=${config.workDir}`,
    `logLevel=${config.logLevel}`,
    `token=<redacted, ${config.token.length} chars>`,
  ].join(" ");
}
