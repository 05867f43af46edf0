/**
 * The studio's configuration, read once from the environment and validated. The launcher (scripts/start.ts) fills in
 * the embedded defaults (database URL, generated secrets) before it starts Next, so inside the studio every value
 * here is either given by the operator or provided by the launcher. Edit this file when adding a setting, and
 * document it in .env.example.
 */
import { z } from "zod";

const optional = z.string().trim().transform((v) => (v === "" ? undefined : v)).optional();

const EnvSchema = z.object({
  DATABASE_URL: z.string().url().describe("PostgreSQL connection string"),
  BETTER_AUTH_SECRET: z.string().min(32).describe("Signs session cookies; the same on every studio replica"),
  SLIPWAY_URL: z.string().url().default("http://localhost:3000").describe("The studio's public origin"),
  OIDC_ISSUER: optional,
  OIDC_CLIENT_ID: optional,
  OIDC_CLIENT_SECRET: optional,
  OIDC_DISPLAY_NAME: z.string().default("Single sign-on"),
  OIDC_SCOPES: z.string().default("openid email profile").describe("Scopes requested at sign-in; add your IdP's groups scope if it needs one"),
  OIDC_GROUPS_CLAIM: z.string().default("groups").describe("ID-token claim holding the user's groups"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid studio configuration:\n${lines.join("\n")}\nStart the studio with \`npm start\`, which provides the embedded defaults.`);
  }
  cached = parsed.data;
  return cached;
}

export function oidcConfigured(e: Env = env()): boolean {
  return Boolean(e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET);
}
