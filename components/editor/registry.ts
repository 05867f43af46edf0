/**
 * The node registry: one entry per step type drives the palette (label, icon, colour, category), the node faces
 * (the "key setting" line), the defaults a dropped step starts with, and the inspector's title and help. Adding a
 * step type to the language without an entry here fails the type check (the record is keyed by `StepType`) and
 * the registry unit test (every default must validate against the schema).
 *
 * Pure: no React, so the unit tests, the benchmarks and the layout can import it.
 */
import { ID_PATTERN, type Step, type StepInput, type StepType } from "@slipway/pipeline-spec";

export type StepCategory = "Run" | "Flow" | "SSH deploy" | "ECS deploy" | "Verify";
export const CATEGORIES: readonly StepCategory[] = ["Run", "Flow", "SSH deploy", "ECS deploy", "Verify"];

const CATEGORY_COLOR: Record<StepCategory, string> = {
  Run: "var(--accent)",
  Flow: "var(--paused)",
  "SSH deploy": "var(--kind-ssh)",
  "ECS deploy": "var(--kind-ecs)",
  Verify: "var(--ok)",
};

type StepOf<T extends StepType> = Extract<Step, { type: T }>;
type InputOf<T extends StepType> = Omit<Extract<StepInput, { type: T }>, "id">;

export type StepKind<T extends StepType = StepType> = {
  type: T;
  label: string;
  /** Two characters drawn in the coloured square of the palette item and the node face. */
  icon: string;
  category: StepCategory;
  /** What a step of this type is dropped with: the smallest object that validates, so the graph never shows an error for a fresh node. */
  defaults: () => InputOf<T>;
  /** The setting that says most about the step (command, target, strategy), shown on its face. */
  key: (step: StepOf<T>) => string;
};

const firstLine = (text: string) => text.split("\n").map((l) => l.trim()).find((l) => l && !l.startsWith("#")) ?? "";
const hostsLabel = (h: { group?: string; tags?: string[]; percent?: number } | undefined) =>
  [h?.group ? `group ${h.group}` : "all hosts", h?.tags?.length ? `tags ${h.tags.join(",")}` : "", h?.percent ? `${h.percent}%` : ""].filter(Boolean).join(" · ");
const systemd = { kind: "systemd" as const, unit: "app.service" };

/** Keyed by StepType: the compiler refuses a step type without an entry. */
export const STEP_KINDS: { [T in StepType]: StepKind<T> } = {
  shell: { type: "shell", label: "Shell", icon: ">_", category: "Run", defaults: () => ({ type: "shell", script: 'echo "hello"' }), key: (s) => firstLine(s.script) },
  http: { type: "http", label: "HTTP check", icon: "⇄", category: "Run", defaults: () => ({ type: "http", url: "https://example.com/health" }), key: (s) => `${s.method ?? "GET"} ${s.url}` },
  ssh: { type: "ssh", label: "SSH command", icon: "$", category: "Run", defaults: () => ({ type: "ssh", script: "uptime" }), key: (s) => `${firstLine(s.script)} · ${hostsLabel(s.hosts)}` },
  approval: {
    type: "approval",
    label: "Approval",
    icon: "✓",
    category: "Flow",
    defaults: () => ({ type: "approval", message: "Continue?", approvers: { roles: ["Admin"] } }),
    key: (s) => {
      const who = [...(s.approvers.roles ?? []), ...(s.approvers.users ?? [])];
      return who.length ? `by ${who.join(", ")}` : "approval";
    },
  },
  wait: { type: "wait", label: "Wait", icon: "◷", category: "Flow", defaults: () => ({ type: "wait", duration: "30s" }), key: (s) => `for ${s.duration}` },
  sshDeploy: {
    type: "sshDeploy",
    label: "SSH deploy",
    icon: "⇡",
    category: "SSH deploy",
    defaults: () => ({ type: "sshDeploy", serviceControl: systemd }),
    key: (s) => hostsLabel(s.hosts) + (s.batch ? ` · batch ${s.batch.size}` : ""),
  },
  sshRollback: { type: "sshRollback", label: "SSH rollback", icon: "↶", category: "SSH deploy", defaults: () => ({ type: "sshRollback", serviceControl: systemd }), key: (s) => hostsLabel(s.hosts) },
  loadBalancer: {
    type: "loadBalancer",
    label: "Load balancer",
    icon: "⚖",
    category: "SSH deploy",
    defaults: () => ({ type: "loadBalancer", action: { kind: "switchBackend", runtimeApi: "unix:/run/haproxy/admin.sock", map: "/etc/haproxy/active.map", backend: "green" } }),
    key: (s) => (s.action.kind === "switchBackend" ? `switch to ${s.action.backend}` : s.action.kind === "setServerState" ? `${s.action.state} ${s.action.servers.join(", ")}` : firstLine(s.action.command)),
  },
  ecsDeploy: { type: "ecsDeploy", label: "ECS deploy", icon: "⇡", category: "ECS deploy", defaults: () => ({ type: "ecsDeploy", mode: "rolling" }), key: (s) => (s.mode === "rolling" ? "rolling update" : `green ${s.desiredCount ?? "× live"}`) },
  ecsTrafficShift: { type: "ecsTrafficShift", label: "Traffic shift", icon: "%", category: "ECS deploy", defaults: () => ({ type: "ecsTrafficShift", greenWeight: 10 }), key: (s) => `green ${s.greenWeight}% · blue ${100 - s.greenWeight}%` },
  ecsPromote: { type: "ecsPromote", label: "Promote green", icon: "★", category: "ECS deploy", defaults: () => ({ type: "ecsPromote" }), key: () => "green becomes live" },
  ecsScaleDown: { type: "ecsScaleDown", label: "Scale down", icon: "↓", category: "ECS deploy", defaults: () => ({ type: "ecsScaleDown", side: "idle" }), key: (s) => `scale ${s.side} to 0${s.delete ? ", delete" : ""}` },
  ecsRollback: { type: "ecsRollback", label: "ECS rollback", icon: "↶", category: "ECS deploy", defaults: () => ({ type: "ecsRollback" }), key: () => "back to the previous state" },
  verify: {
    type: "verify",
    label: "Verify",
    icon: "∿",
    category: "Verify",
    defaults: () => ({ type: "verify", window: "5m", source: { kind: "http", url: "http://app.internal/health" } }),
    key: (s) => `${s.source.kind} for ${s.window}`,
  },
};

export const stepKind = (type: StepType): StepKind => STEP_KINDS[type] as unknown as StepKind;
export const kindColor = (type: StepType): string => CATEGORY_COLOR[STEP_KINDS[type].category];
export const categoryColor = (category: StepCategory): string => CATEGORY_COLOR[category];

/** Face text of any step; unknown types (a newer document in an older studio) show nothing rather than crash. */
export function keySetting(step: Step): string {
  const kind = STEP_KINDS[step.type] as unknown as StepKind | undefined;
  return kind ? kind.key(step as never) : "";
}

/** The palette: the stage kind first, then step kinds by category in registry order. */
export type PaletteItem = { kind: "stage"; label: string; icon: string } | { kind: "step"; type: StepType; label: string; icon: string; category: StepCategory };
export const PALETTE_STAGE: PaletteItem = { kind: "stage", label: "Stage", icon: "▭" };
export function paletteSections(): { category: StepCategory | "Stages"; items: PaletteItem[] }[] {
  const steps = Object.values(STEP_KINDS) as StepKind[];
  return [
    { category: "Stages", items: [PALETTE_STAGE] },
    ...CATEGORIES.map((category) => ({ category, items: steps.filter((k) => k.category === category).map((k): PaletteItem => ({ kind: "step", type: k.type, label: k.label, icon: k.icon, category })) })),
  ];
}

/**
 * `base`, or `base-2`, `base-3`… — the first id not in `taken`, kept within the 63 characters ids allow.
 * Used for dropped steps, pasted copies, new stages, parallel groups and deployment templates.
 */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  const clean = slug(base);
  if (!taken.has(clean)) return clean;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const id = clean.slice(0, 63 - suffix.length).replace(/[-_]+$/, "") + suffix;
    if (!taken.has(id)) return id;
  }
}

/** Any text → a valid id (lowercase, starts with a letter, '-' for anything else). */
export function slug(text: string): string {
  let s = text
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "")
    .slice(0, 63);
  if (!s) s = "step";
  return ID_PATTERN.test(s) ? s : "step";
}

/** A new step of `type` with a fresh id (`shell`, `shell-2`, … — the type reads well as an id). */
export function newStep(type: StepType, taken: ReadonlySet<string>): StepInput {
  return { id: uniqueId(type, taken), ...stepKind(type).defaults() } as StepInput;
}
