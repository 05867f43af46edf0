/**
 * `${VAR}` placeholders in what an SSH step sends to hosts, filled on the delegate from the step's variables and
 * the host's own (HOST, HOST_NAME, HOST_PORT, HOST_GROUP, APP_PATH, RELEASE, and the host's `vars` from the infrastructure).
 *
 *   strict   config templates, URLs, names: an unknown ${VAR} is an error that names it and where it was
 *   shell    commands and scripts: only known names are replaced; `${x}` the shell itself defines is left to it
 *
 * `$${VAR}` writes a literal `${VAR}`. `$VAR` without braces is never touched (it is the remote shell's).
 */
export type Vars = Readonly<Record<string, string>>;

const PLACEHOLDER = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export class UnknownVariableError extends Error {
  constructor(
    readonly variable: string,
    readonly where: string,
  ) {
    super(`unknown variable \${${variable}} in ${where}`);
    this.name = "UnknownVariableError";
  }
}

export function substitute(text: string, vars: Vars, mode: "strict" | "shell", where: string): string {
  return text.replace(PLACEHOLDER, (whole, escaped: string, name: string) => {
    if (escaped) return whole.slice(1);
    if (Object.hasOwn(vars, name)) return vars[name]!;
    if (mode === "strict") throw new UnknownVariableError(name, where);
    return whole;
  });
}

/** The names a text refers to (for checking every template before any host is touched). */
export function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].filter((m) => !m[1]).map((m) => m[2]!);
}

/** Single-quoted for POSIX sh: safe for any bytes, including quotes and newlines. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Valid environment variable names for `export` (others are skipped with a note by the caller). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
