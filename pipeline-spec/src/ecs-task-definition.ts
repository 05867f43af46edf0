/**
 * ECS task-definition templates (reference 000, "Task Definition Management"): JSON with {{VAR}} placeholders in
 * string positions ("{{CPU}}") and unquoted numeric positions ({{CONTAINER_PORT}}). Rendered and checked before
 * anything is registered — in the studio when an execution starts, and in the record editor as you type — with
 * errors that name the placeholder or the field.
 */
export type TemplateProblem = { message: string; placeholder?: string; field?: string };
export type RenderResult = { ok: true; taskDefinition: Record<string, unknown>; json: string } | { ok: false; problems: TemplateProblem[] };

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Fargate's valid CPU (units) → memory (MiB) combinations. */
const FARGATE_MEMORY: Record<number, (m: number) => boolean> = {
  256: (m) => [512, 1024, 2048].includes(m),
  512: (m) => m >= 1024 && m <= 4096 && m % 1024 === 0,
  1024: (m) => m >= 2048 && m <= 8192 && m % 1024 === 0,
  2048: (m) => m >= 4096 && m <= 16384 && m % 1024 === 0,
  4096: (m) => m >= 8192 && m <= 30720 && m % 1024 === 0,
  8192: (m) => m >= 16384 && m <= 61440 && m % 4096 === 0,
  16384: (m) => m >= 32768 && m <= 122880 && m % 8192 === 0,
};
const FARGATE_MEMORY_TEXT: Record<number, string> = {
  256: "512, 1024 or 2048",
  512: "1024 to 4096 in steps of 1024",
  1024: "2048 to 8192 in steps of 1024",
  2048: "4096 to 16384 in steps of 1024",
  4096: "8192 to 30720 in steps of 1024",
  8192: "16384 to 61440 in steps of 4096",
  16384: "32768 to 122880 in steps of 8192",
};

export function renderTaskDefinition(template: string, vars: Record<string, string>, opts: { launchType?: "FARGATE" | "EC2" } = {}): RenderResult {
  const unknown = new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => !Object.hasOwn(vars, name)));
  if (unknown.size) return { ok: false, problems: [...unknown].map((name) => ({ placeholder: name, message: `unknown placeholder {{${name}}}: no service or environment variable ${name}` })) };
  const substituted = substitute(template, vars);
  if (substituted.problems.length) return { ok: false, problems: substituted.problems };
  let td: unknown;
  try {
    td = JSON.parse(substituted.text);
  } catch (e) {
    return { ok: false, problems: [{ message: `the rendered task definition is not valid JSON: ${(e as Error).message}` }] };
  }
  if (!td || typeof td !== "object" || Array.isArray(td)) return { ok: false, problems: [{ message: "the task definition must be a JSON object" }] };
  return check(td as Record<string, unknown>, opts);
}

/**
 * Substitutes with JSON escaping inside string literals and raw text elsewhere, so a value with a quote cannot
 * break the document, and "cpu": {{CPU}} stays a number. A placeholder outside quotes must hold a JSON value (a
 * number, true/false/null, an array…); otherwise the problem names it rather than leaving a JSON syntax error.
 */
function substitute(template: string, vars: Record<string, string>): { text: string; problems: TemplateProblem[] } {
  let out = "";
  let inString = false;
  const problems: TemplateProblem[] = [];
  const reported = new Set<string>();
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === "{" && template[i + 1] === "{") {
      const end = template.indexOf("}}", i);
      const m = end > 0 ? /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(template.slice(i, end + 2)) : null;
      if (m) {
        const name = m[1]!;
        const value = vars[name] ?? "";
        if (inString) out += JSON.stringify(value).slice(1, -1);
        else {
          if (!isJsonValue(value) && !reported.has(name)) {
            reported.add(name);
            problems.push({
              placeholder: name,
              message: `{{${name}}} is not in quotes, so it must be a number (or another JSON value), but its value is ${JSON.stringify(value)}; write "{{${name}}}" for a string`,
            });
          }
          out += value;
        }
        i = end + 1;
        continue;
      }
    }
    if (inString && ch === "\\") {
      // An escape: copy it with the character it escapes, so \" does not end the string and \\ does not hide a quote.
      out += ch + (template[i + 1] ?? "");
      i++;
      continue;
    }
    if (ch === '"') inString = !inString;
    out += ch;
  }
  return { text: out, problems };
}

function isJsonValue(value: string): boolean {
  if (value.trim() === "") return false;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

/** ECS also accepts "1 vCPU" and "2 GB" / "2GB"; both normalise to units and MiB. */
function cpuUnits(v: unknown): number {
  if (typeof v === "string") {
    const m = /^\s*(\d+(?:\.\d+)?)\s*vcpu\s*$/i.exec(v);
    if (m) return Math.round(Number(m[1]) * 1024);
  }
  return typeof v === "number" || (typeof v === "string" && v.trim() !== "") ? Number(v) : Number.NaN;
}

function memoryMiB(v: unknown): number {
  if (typeof v === "string") {
    const m = /^\s*(\d+(?:\.\d+)?)\s*gb\s*$/i.exec(v);
    if (m) return Math.round(Number(m[1]) * 1024);
  }
  return typeof v === "number" || (typeof v === "string" && v.trim() !== "") ? Number(v) : Number.NaN;
}

function check(td: Record<string, unknown>, opts: { launchType?: "FARGATE" | "EC2" }): RenderResult {
  const problems: TemplateProblem[] = [];
  const need = (field: string, ok: boolean, message: string) => ok || problems.push({ field, message });
  need("family", typeof td.family === "string" && /^[A-Za-z0-9_-]{1,255}$/.test(td.family), '"family" is required: letters, digits, "-" and "_"');
  const containers = td.containerDefinitions;
  need("containerDefinitions", Array.isArray(containers) && containers.length > 0, '"containerDefinitions" must list at least one container');
  if (Array.isArray(containers)) {
    const names = containers.map((c: Record<string, unknown>) => c?.name).filter((n): n is string => typeof n === "string");
    for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) need("containerDefinitions", false, `container name "${dup}" is used twice; names must be unique`);
    containers.forEach((c: Record<string, unknown>, i) => {
      need(`containerDefinitions[${i}].name`, typeof c?.name === "string" && c.name.length > 0, `container ${i} needs a "name"`);
      need(`containerDefinitions[${i}].image`, typeof c?.image === "string" && c.image.length > 0, `container ${i} needs an "image"`);
      for (const [j, pm] of (Array.isArray(c?.portMappings) ? c.portMappings : []).entries()) {
        const port = Number((pm as { containerPort?: unknown }).containerPort);
        need(`containerDefinitions[${i}].portMappings[${j}].containerPort`, Number.isInteger(port) && port > 0 && port < 65536, `containerPort must be a port number, got ${JSON.stringify((pm as { containerPort?: unknown }).containerPort)}`);
      }
    });
  }
  if ((opts.launchType ?? "FARGATE") === "FARGATE") {
    const cpu = cpuUnits(td.cpu);
    const memory = memoryMiB(td.memory);
    const cpus = Object.keys(FARGATE_MEMORY).join(", ");
    need("cpu", Number.isInteger(cpu) && cpu in FARGATE_MEMORY, td.cpu === undefined ? `Fargate needs a task-level "cpu" (${cpus})` : `Fargate "cpu" must be one of ${cpus}, got ${JSON.stringify(td.cpu)}`);
    if (Number.isInteger(cpu) && cpu in FARGATE_MEMORY) {
      need(
        "memory",
        Number.isInteger(memory) && FARGATE_MEMORY[cpu]!(memory),
        td.memory === undefined ? `Fargate needs a task-level "memory" (with cpu ${cpu}: ${FARGATE_MEMORY_TEXT[cpu]})` : `Fargate "memory" ${JSON.stringify(td.memory)} is not valid with cpu ${cpu} (valid: ${FARGATE_MEMORY_TEXT[cpu]})`,
      );
    }
    need("networkMode", td.networkMode === undefined || td.networkMode === "awsvpc", 'Fargate needs "networkMode": "awsvpc"');
  } else if (td.memory === undefined && Array.isArray(containers)) {
    containers.forEach((c: Record<string, unknown>, i) => {
      need(`containerDefinitions[${i}].memory`, c?.memory !== undefined || c?.memoryReservation !== undefined, `EC2 without a task-level "memory": container ${i} needs "memory" or "memoryReservation"`);
    });
  }
  if (problems.length) return { ok: false, problems };
  // The API types task-level cpu and memory as strings; a template may write them as numbers.
  const out = { ...td };
  for (const k of ["cpu", "memory"] as const) if (typeof out[k] === "number") out[k] = String(out[k]);
  return { ok: true, taskDefinition: out, json: JSON.stringify(out) };
}
