/**
 * The authorization matrix, generated from the router: every tRPC procedure × every kind of principal (members of
 * each role, organisation-wide roles, SSO group mappings, a signed-in outsider, dead credentials, API keys of each
 * role, a delegate token, no credential) × the project the principal belongs to and another one — plus, wherever
 * the input names a project's object, the own project with the OTHER project's object ids (cross-project
 * references must be refused). Each call goes through `createCaller` with the context the route handler builds
 * (`createContext` from the request's cookie or bearer token, so principals are resolved for real on every call),
 * and a minimal valid input derived from the procedure's zod schema with ids of seeded rows.
 *
 * The expected answer comes from the procedure's declared access (meta.access) and the permission table only:
 *   public → allowed; session → allowed with any valid credential; org(p) → can(organisation role, p);
 *   project(p) → can(effective role in THAT project, p), no role there → NOT_FOUND; no credential → UNAUTHORIZED.
 * "Allowed" = the call was not refused with UNAUTHORIZED, FORBIDDEN or NOT_FOUND on `projectId`; it may still fail
 * for a domain reason (a precondition, a conflict), which the summary counts separately. A procedure without
 * meta.access, or whose input cannot be built, fails with a message naming it (deny by default).
 *
 * Route handlers (every app/**\/route.ts) are the second half: authorization-matrix.routes.integration.test.ts, over
 * HTTP against a real studio process.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "~/server/errors";
import { auth } from "~/server/auth/auth";
import { createContext } from "~/server/context";
import { createApiKey } from "~/server/access/api-keys";
import { startEngineWorker } from "~/server/engine/worker";
import { startExecution } from "~/server/engine/start-execution";
import { abortExecution, pauseExecution } from "~/server/executions/control-execution";
import { createDelegateToken } from "~/server/delegates/tokens";
import { createPipeline } from "~/server/pipelines/create-pipeline";
import { SaveEnvironmentRequestSchema, SaveInfrastructureRequestSchema, SaveServiceRequestSchema } from "~/server/records/record.types";
import { saveEnvironment, saveInfrastructure, saveService } from "~/server/records/save-records";
import { saveSecret } from "~/server/secrets/save-secret";
import { appRouter, createCaller } from "~/server/routers/_app";
import { can, PERMISSIONS } from "~/server/rbac";
import type { ProcedureAccess } from "~/server/trpc";
import { useTestDatabase } from "~/test-support/db";
import { minimalInput, inputFields, uniqueToken, type RouterProcedure } from "~/test-support/authz/inputs";
import { PRINCIPALS, seedAuthzWorld, type AuthzWorld, type Expectation, type ProjectKey, type SeededPrincipal } from "~/test-support/authz/principals";

const { db, url } = useTestDatabase();

// ------------------------------------------------------------------------------------------ the rule under test

type Verdict = "ALLOW" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND";

/** What the permission table says a principal gets from a procedure with `access`, acting in `target`. */
function expectedVerdict(access: ProcedureAccess, e: Expectation, target: ProjectKey): Verdict {
  if (access.kind === "public") return "ALLOW";
  if (!e.authenticated) return "UNAUTHORIZED";
  switch (access.kind) {
    case "session":
      return "ALLOW";
    case "org":
      return can(e.orgRole, access.permission) ? "ALLOW" : "FORBIDDEN";
    case "project": {
      const role = e.roles[target];
      if (!role) return "NOT_FOUND";
      return can(role, access.permission) ? "ALLOW" : "FORBIDDEN";
    }
  }
}

/** The declared access of a procedure, or an error naming it (deny by default: no declaration, no procedure). */
function accessOf(pathName: string, proc: RouterProcedure): ProcedureAccess {
  const access = (proc._def.meta as { access?: ProcedureAccess } | undefined)?.access;
  if (!access) throw new Error(`${pathName} declares no access rule (meta.access): build it from a tier in server/trpc.ts (publicProcedure, protectedProcedure, orgProcedure(permission), projectProcedure(permission))`);
  if (!["public", "session", "org", "project"].includes(access.kind)) throw new Error(`${pathName} declares an unknown access kind ${JSON.stringify(access)}`);
  if ((access.kind === "org" || access.kind === "project") && !(PERMISSIONS as readonly string[]).includes(access.permission)) throw new Error(`${pathName} requires "${access.permission}", which is not in the permission table (server/rbac.ts)`);
  return access;
}

type Observed = { verdict: Verdict; detail: string; ok: boolean };

/** How a call ended, read from the error the client would get (code, and the field of a NOT_FOUND). */
function observe(r: PromiseSettledResult<unknown>): Observed {
  if (r.status === "fulfilled") return { verdict: "ALLOW", detail: "ok", ok: true };
  const err = r.reason as { code?: string; message?: string; cause?: unknown };
  const app = err.cause instanceof AppError ? err.cause : null;
  const detail = `${err.code ?? "?"}${app?.field ? `(${app.field})` : ""}: ${app?.userMessage ?? err.message ?? String(r.reason)}`;
  if (err.code === "UNAUTHORIZED") return { verdict: "UNAUTHORIZED", detail, ok: false };
  if (err.code === "FORBIDDEN") return { verdict: "FORBIDDEN", detail, ok: false };
  // A project the caller has no role in is reported as NOT_FOUND on projectId (server/projects/resolve-project-access.ts).
  if (err.code === "NOT_FOUND" && app?.field === "projectId") return { verdict: "NOT_FOUND", detail, ok: false };
  return { verdict: "ALLOW", detail, ok: false };
}

// ------------------------------------------------------------------------------------------------- the fixtures

const HOLD = (name: string) => `apiVersion: slipway/v1\nkind: Pipeline\nname: ${name}\nstages:\n  - id: hold\n    steps:\n      - { id: wait, type: wait, duration: 1h }\n`;
const QUICK = (name: string) => `apiVersion: slipway/v1\nkind: Pipeline\nname: ${name}\nstages:\n  - id: quick\n    steps:\n      - { id: wait, type: wait, duration: 1s }\n`;
const GATE = (name: string) =>
  `apiVersion: slipway/v1\nkind: Pipeline\nname: ${name}\nstages:\n  - id: gate\n    steps:\n      - id: ok\n        type: approval\n        approvers: { roles: [Admin, PipelineAdmin, PipelineExecutor] }\n`;

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(40);
  }
}

/** One project's seeded rows: shared ones for reads and refused calls, and fresh ones for each allowed mutation. */
function projectFixtures(world: AuthzWorld, key: ProjectKey) {
  const project = world.projects[key];
  const actor = world.owner.actor;
  const base = { db, projectId: project.id, actor };
  const start = (pipelineId: string) => startExecution({ ...base, pipelineId, inputs: {}, userId: world.owner.id, trigger: "manual" });
  const pipeline = async (yaml: (n: string) => string) => (await createPipeline({ ...base, name: "x", yaml: yaml(`matrix ${uniqueToken()}`), userId: world.owner.id })).id;
  const record = async (kind: "service" | "environment" | "infrastructure", environment?: string) => {
    const name = `r-${uniqueToken()}`;
    if (kind === "service") await saveService({ ...base, input: SaveServiceRequestSchema.parse({ projectId: project.id, name, spec: { type: "SSH" } }) });
    if (kind === "environment") await saveEnvironment({ ...base, input: SaveEnvironmentRequestSchema.parse({ projectId: project.id, name }) });
    if (kind === "infrastructure")
      await saveInfrastructure({ ...base, input: SaveInfrastructureRequestSchema.parse({ projectId: project.id, name, environment, spec: { type: "SSH", hostGroups: [{ name: "web", user: "deploy", credential: "ssh-key", hosts: [{ hostname: "web-1" }] }] } }) });
    return name;
  };
  const fresh = {
    pipeline: () => pipeline(HOLD),
    execution: async (state: "running" | "paused" | "aborted") => {
      const e = await start(shared.hold);
      if (state === "paused") await pauseExecution({ ...base, executionId: e.id, userId: world.owner.id });
      if (state === "aborted") {
        await abortExecution({ ...base, executionId: e.id, userId: world.owner.id });
        await until("an aborted execution", async () => (await db.execution.findUniqueOrThrow({ where: { id: e.id } })).status === "ABORTED");
      }
      return e.id;
    },
    intervention: async () => {
      const e = await start(shared.hold);
      const step = await until("a waiting step", () => db.stepRun.findFirst({ where: { executionId: e.id, status: "WAITING" } }));
      // The state a failed step with a manual-intervention strategy is left in (set directly: no delegate here).
      await db.stepRun.update({ where: { id: step.id }, data: { status: "INTERVENTION_REQUIRED" } });
      return { executionId: e.id, stepRunId: step.id };
    },
    approvalStep: async () => {
      const e = await start(shared.gate);
      return (await until("an approval", () => db.stepRun.findFirst({ where: { executionId: e.id, stepId: "ok", status: "APPROVAL_REQUIRED" } }))).id;
    },
    membership: async () => {
      const u = await db.user.create({ data: { id: `m-${uniqueToken()}`, email: `m-${uniqueToken()}@example.test`, name: "throwaway" } });
      return (await db.membership.create({ data: { projectId: project.id, userId: u.id, role: "VIEWER" } })).id;
    },
    projectMapping: async () => (await db.roleMapping.create({ data: { group: `g-${uniqueToken()}`, projectId: project.id, role: "VIEWER" } })).id,
    apiKey: async () => (await createApiKey({ db, projectId: project.id, name: `k-${uniqueToken()}`, role: "VIEWER", creator: { id: world.owner.id, role: "ADMIN" }, actor })).id,
    record,
    secret: async () => {
      const name = `s-${uniqueToken()}`;
      await saveSecret({ ...base, name, kind: "TEXT", value: "v", description: "", userId: world.owner.id });
      return name;
    },
  };
  const shared = { hold: "", quick: "", gate: "", execution: "", step: "", approvalStep: "", membership: "", projectMapping: "", apiKey: "", environment: "", service: "", infrastructure: "", secret: "" };
  return {
    key,
    project,
    fresh,
    shared,
    async seed() {
      shared.hold = await pipeline(HOLD);
      shared.quick = await pipeline(QUICK);
      shared.gate = await pipeline(GATE);
      shared.execution = (await start(shared.hold)).id;
      shared.step = (await db.stepRun.findFirstOrThrow({ where: { executionId: shared.execution } })).id;
      shared.approvalStep = await fresh.approvalStep();
      shared.membership = await fresh.membership();
      shared.projectMapping = await fresh.projectMapping();
      shared.apiKey = await fresh.apiKey();
      shared.environment = await record("environment");
      shared.service = await record("service");
      shared.infrastructure = await record("infrastructure", shared.environment);
      shared.secret = await fresh.secret();
    },
  };
}
type ProjectFx = ReturnType<typeof projectFixtures>;

/** Organisation-wide rows (not in a project). */
function orgFixtures(world: AuthzWorld) {
  const token = async () => (await createDelegateToken({ db, name: `t-${uniqueToken()}`, userId: world.owner.id, actor: world.owner.actor })).id;
  const orgMapping = async () => (await db.roleMapping.create({ data: { group: `og-${uniqueToken()}`, projectId: null, role: "VIEWER" } })).id;
  const shared = { token: "", orgMapping: "" };
  return { fresh: { token, orgMapping }, shared, async seed() { shared.token = await token(); shared.orgMapping = await orgMapping(); } };
}

/**
 * What the test knows about input fields: their value from seeded rows. `ref` marks a reference to an object that
 * lives in a project (for the cross-project case, it is taken from the other project). A resolver gets the project
 * the value must come from, whether the call needs a fresh row (an allowed mutation: it may consume it), and a memo
 * shared by the fields of one call (for pairs that must match, like an execution and its step).
 */
type Resolver = { ref: boolean; value: (p: ProjectFx, fresh: boolean, memo: Map<string, Promise<unknown>>) => unknown };
const memoised = <T,>(memo: Map<string, Promise<unknown>>, key: string, make: () => Promise<T>) => {
  if (!memo.has(key)) memo.set(key, make());
  return memo.get(key) as Promise<T>;
};
let org: ReturnType<typeof orgFixtures>;

const FIELDS: Record<string, Resolver> = {
  projectId: { ref: false, value: (p) => p.project.id },
  pipelineId: { ref: true, value: (p, fresh) => (fresh ? p.fresh.pipeline() : p.shared.hold) },
  executionId: { ref: true, value: (p, fresh) => (fresh ? p.fresh.execution("running") : p.shared.execution) },
  stepRunId: { ref: true, value: (p) => p.shared.step },
  membershipId: { ref: true, value: (p, fresh) => (fresh ? p.fresh.membership() : p.shared.membership) },
  mappingId: { ref: true, value: (p, fresh) => (fresh ? p.fresh.projectMapping() : p.shared.projectMapping) },
  keyId: { ref: true, value: (p, fresh) => (fresh ? p.fresh.apiKey() : p.shared.apiKey) },
  tokenId: { ref: false, value: (_p, fresh) => (fresh ? org.fresh.token() : org.shared.token) },
  // Fresh pipelines are at revision 1; a valid document for saves.
  baseRevision: { ref: false, value: () => 1 },
  yaml: { ref: false, value: () => HOLD(`matrix saved ${uniqueToken()}`) },
  environment: { ref: false, value: (p) => p.shared.environment },
};

/** Per procedure, where a field means something more specific than its name says. */
const PROCEDURE_FIELDS: Record<string, Record<string, Resolver>> = {
  "project.bySlug": { slug: { ref: false, value: (p) => p.project.slug } },
  "execution.start": { pipelineId: { ref: true, value: (p) => p.shared.quick } },
  "execution.resume": { executionId: { ref: true, value: (p, fresh) => (fresh ? p.fresh.execution("paused") : p.shared.execution) } },
  "execution.retry": { executionId: { ref: true, value: (p, fresh) => (fresh ? p.fresh.execution("aborted") : p.shared.execution) } },
  "execution.approve": { stepRunId: { ref: true, value: (p, fresh) => (fresh ? p.fresh.approvalStep() : p.shared.approvalStep) } },
  "execution.reject": { stepRunId: { ref: true, value: (p, fresh) => (fresh ? p.fresh.approvalStep() : p.shared.approvalStep) } },
  "execution.intervene": {
    executionId: { ref: true, value: async (p, fresh, memo) => (fresh ? (await memoised(memo, "iv", () => p.fresh.intervention())).executionId : p.shared.execution) },
    stepRunId: { ref: true, value: async (p, fresh, memo) => (fresh ? (await memoised(memo, "iv", () => p.fresh.intervention())).stepRunId : p.shared.step) },
  },
  "record.deleteService": { name: { ref: true, value: (p, fresh) => (fresh ? p.fresh.record("service") : p.shared.service) } },
  "record.deleteEnvironment": { name: { ref: true, value: (p, fresh) => (fresh ? p.fresh.record("environment") : p.shared.environment) } },
  "record.deleteInfrastructure": { name: { ref: true, value: (p, fresh) => (fresh ? p.fresh.record("infrastructure", p.shared.environment) : p.shared.infrastructure) } },
  "secret.delete": { name: { ref: true, value: (p, fresh) => (fresh ? p.fresh.secret() : p.shared.secret) } },
  "access.deleteOrgMapping": { mappingId: { ref: false, value: (_p, fresh) => (fresh ? org.fresh.orgMapping() : org.shared.orgMapping) } },
};

/**
 * Explicit inputs, ONLY for procedures whose input the schema-driven generator cannot build (none today). A
 * procedure that has neither fails the matrix with zod's explanation.
 */
const SAMPLE_INPUTS: Record<string, (p: ProjectFx) => unknown> = {};

const resolverFor = (proc: string, field: string): Resolver | undefined => PROCEDURE_FIELDS[proc]?.[field] ?? FIELDS[field];

// ------------------------------------------------------------------------------------------------- the matrix

type AnyProcedure = RouterProcedure;
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>).sort(([a], [b]) => a.localeCompare(b));

type Scenario = "own" | "other" | "own+foreign ids";
type Cell = { proc: string; principal: string; scenario: Scenario; expected: Verdict; observed: Observed; source: string };
const cells: Cell[] = [];

let world: AuthzWorld;
let fx: Record<ProjectKey, ProjectFx>;
let runner: Runner | undefined;
const base = "http://localhost:3000";

/** Sign-in and sign-out through the real Better Auth handler, in this process. */
const inProcess = {
  async signIn(email: string, password: string) {
    const res = await auth().handler(new Request(`${base}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify({ email, password }) }));
    if (res.status !== 200) throw new Error(`sign-in of ${email}: ${res.status} ${await res.text()}`);
    return { cookie: res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") };
  },
  async signOut(cookie: string) {
    const res = await auth().handler(new Request(`${base}/api/auth/sign-out`, { method: "POST", headers: { "content-type": "application/json", origin: base, cookie }, body: "{}" }));
    if (res.status !== 200) throw new Error(`sign-out: ${res.status} ${await res.text()}`);
  },
};

beforeAll(async () => {
  runner = await startEngineWorker(url);
  world = await seedAuthzWorld(db, inProcess);
  fx = { own: projectFixtures(world, "own"), other: projectFixtures(world, "other") };
  org = orgFixtures(world);
  await fx.own.seed();
  await fx.other.seed();
  await org.seed();
}, 180_000);

afterAll(async () => {
  await runner?.stop();
  if (cells.length) console.log(summary());
});

/** The caller a route handler would build for this principal's request. */
async function callerOf(p: SeededPrincipal) {
  const ctx = await createContext({ headers: new Headers({ ...p.headers, "user-agent": "authz-matrix" }) });
  return createCaller(ctx) as unknown as Record<string, unknown>;
}

/** The caller's function for a dotted procedure path (routers may nest). */
function procedureOf(caller: Record<string, unknown>, pathName: string): (input: unknown) => Promise<unknown> {
  return pathName.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (input: unknown) => Promise<unknown>;
}

async function buildInput(pathName: string, proc: AnyProcedure, valuesFrom: ProjectFx, refsFrom: ProjectFx, fresh: boolean) {
  const memo = new Map<string, Promise<unknown>>();
  const known: Record<string, unknown> = {};
  const refs: string[] = [];
  for (const f of inputFields(proc).filter((x) => x.required)) {
    const r = resolverFor(pathName, f.name);
    if (!r) continue;
    known[f.name] = await r.value(r.ref ? refsFrom : valuesFrom, fresh, memo);
    if (r.ref) refs.push(f.name);
  }
  const sample = SAMPLE_INPUTS[pathName];
  const built = minimalInput(pathName, proc, (p) => (p.length === 1 ? known[p[0]!] : undefined), sample && (() => sample(valuesFrom)));
  return { ...built, refs };
}

describe("authorization matrix: every tRPC procedure × principal × project", () => {
  it("finds the router's procedures", () => {
    expect(procedures.length).toBeGreaterThan(40);
    expect(PRINCIPALS.length).toBeGreaterThan(20);
  });

  it("refuses a procedure that declares no access rule, naming it", () => {
    const undeclared = { _def: { type: "query", meta: undefined, inputs: [] } } as AnyProcedure;
    expect(() => accessOf("rogue.procedure", undeclared)).toThrow(/rogue\.procedure declares no access rule/);
    const unknownPermission = { _def: { type: "query", meta: { access: { kind: "project", permission: "everything" } }, inputs: [] } } as AnyProcedure;
    expect(() => accessOf("rogue.other", unknownPermission)).toThrow(/rogue\.other requires "everything"/);
  });

  it("fails a procedure whose input can be neither generated nor taken from SAMPLE_INPUTS, naming it", () => {
    const magic = { _def: { type: "mutation", meta: { access: { kind: "session" } }, inputs: [z.object({ word: z.string().refine((w) => w === "xyzzy") })] } } as AnyProcedure;
    expect(() => minimalInput("rogue.magic", magic, () => undefined)).toThrow(/rogue\.magic: cannot build a valid input from its schema and it has no sample input/);
    expect(minimalInput("rogue.magic", magic, () => undefined, () => ({ word: "xyzzy" }))).toMatchObject({ source: "sample", input: { word: "xyzzy" } });
  });

  it.each(procedures)("%s", async (pathName, proc) => {
    const access = accessOf(pathName, proc);
    const mismatches: string[] = [];
    for (const p of world.principals) {
      const scenarios: { scenario: Scenario; target: ProjectKey; refs: ProjectKey }[] = [
        { scenario: "own", target: "own", refs: "own" },
        { scenario: "other", target: "other", refs: "other" },
        { scenario: "own+foreign ids", target: "own", refs: "other" },
      ];
      for (const s of scenarios) {
        const expected = expectedVerdict(access, p.spec.expect, s.target);
        const fresh = proc._def.type === "mutation" && expected === "ALLOW";
        const built = await buildInput(pathName, proc, fx[s.target], fx[s.refs], fresh);
        // The cross-project case only exists for inputs that reference a project's objects.
        if (s.scenario === "own+foreign ids" && (access.kind !== "project" || built.refs.length === 0)) continue;
        const caller = await callerOf(p);
        const observed = observe(await Promise.allSettled([procedureOf(caller, pathName)(built.input)]).then((r) => r[0]!));
        cells.push({ proc: pathName, principal: p.spec.key, scenario: s.scenario, expected, observed, source: built.source });
        const label = `${p.spec.key} in ${s.scenario} project`;
        if (s.scenario === "own+foreign ids" && expected === "ALLOW") {
          // Allowed in its own project, but the ids belong to the other one: must be "not found", never done.
          if (observed.ok || !observed.detail.startsWith("NOT_FOUND")) mismatches.push(`${label}: ${built.refs.join(", ")} of the other project must be NOT_FOUND, got ${observed.detail}`);
        } else if (observed.verdict !== expected) {
          mismatches.push(`${label}: expected ${expected}, got ${observed.verdict} (${observed.detail})`);
        } else if (expected === "ALLOW" && observed.detail.startsWith("INTERNAL_SERVER_ERROR")) {
          mismatches.push(`${label}: allowed but failed inside (${observed.detail})`);
        }
      }
    }
    expect(mismatches, `${pathName} (${describeAccess(access)}) does not follow the permission table:\n  ${mismatches.join("\n  ")}`).toEqual([]);
  });

  it("shows each principal exactly the projects it has a role in (project.list, project.bySlug)", async () => {
    const problems: string[] = [];
    for (const p of world.principals) {
      if (!p.spec.expect.authenticated) continue;
      const caller = await callerOf(p);
      const list = (await procedureOf(caller, "project.list")(undefined)) as { id: string; role: string }[];
      for (const key of ["own", "other"] as const) {
        const want = p.spec.expect.roles[key];
        const got = list.find((x) => x.id === world.projects[key].id)?.role ?? null;
        if (got !== want) problems.push(`${p.spec.key}: project.list shows the ${key} project with role ${got}, expected ${want}`);
        const bySlug = await Promise.allSettled([procedureOf(caller, "project.bySlug")({ slug: world.projects[key].slug })]).then((r) => r[0]!);
        const seen = bySlug.status === "fulfilled" ? (bySlug.value as { role: string }).role : null;
        if (seen !== want) problems.push(`${p.spec.key}: project.bySlug of the ${key} project gives role ${seen}, expected ${want}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

function describeAccess(a: ProcedureAccess): string {
  return a.kind === "org" || a.kind === "project" ? `${a.kind}(${a.permission})` : a.kind;
}

/** A compact picture of the matrix: one row per procedure, one column per principal, own/other/foreign per cell. */
function summary(): string {
  const principals = PRINCIPALS.map((p) => p.key);
  const mark = (c: Cell | undefined) => {
    if (!c) return "·";
    const wrong = c.scenario === "own+foreign ids" && c.expected === "ALLOW" ? c.observed.ok || !c.observed.detail.startsWith("NOT_FOUND") : c.observed.verdict !== c.expected;
    if (wrong) return "!";
    if (c.scenario === "own+foreign ids" && c.expected === "ALLOW") return "n";
    return c.observed.verdict === "ALLOW" ? (c.observed.ok ? "A" : "a") : c.observed.verdict[0]!;
  };
  const rows = [...new Set(cells.map((c) => c.proc))];
  const width = Math.max(...rows.map((r) => r.length)) + 2;
  const accessWidth = 32;
  const lines: string[] = [];
  const calls = cells.length;
  const allowed = cells.filter((c) => c.observed.verdict === "ALLOW");
  const denied = cells.filter((c) => c.observed.verdict !== "ALLOW");
  const mismatched = cells.filter((c) => mark(c) === "!").length;
  const byVerdict = (v: Verdict) => denied.filter((c) => c.observed.verdict === v).length;
  const foreign = cells.filter((c) => c.scenario === "own+foreign ids").length;
  lines.push("");
  lines.push(`Authorization matrix: ${rows.length} procedures × ${principals.length} principals × 2 projects (own, other) = ${calls - foreign} calls, + ${foreign} cross-project-id calls = ${calls} calls`);
  lines.push(`  allowed ${allowed.length} (succeeded ${allowed.filter((c) => c.observed.ok).length}, domain error ${allowed.filter((c) => !c.observed.ok).length}); refused ${denied.length} (UNAUTHORIZED ${byVerdict("UNAUTHORIZED")}, FORBIDDEN ${byVerdict("FORBIDDEN")}, NOT_FOUND ${byVerdict("NOT_FOUND")}); mismatches ${mismatched}`);
  lines.push("  cell = own project, other project, own project with the other project's ids: A allowed+succeeded, a allowed+domain error, U/F/N refused UNAUTHORIZED/FORBIDDEN/NOT_FOUND(project), n cross-project id refused as not found, · not applicable, ! MISMATCH");
  lines.push(`  principals: ${principals.map((p, i) => `${i + 1}=${p}`).join(", ")}`);
  lines.push(`${"".padEnd(width)}${"".padEnd(accessWidth)}${principals.map((_, i) => String(i + 1).padEnd(4)).join("")}`);
  for (const r of rows) {
    const access = describeAccess(accessOf(r, procedures.find(([p]) => p === r)![1]));
    const row = principals.map((p) => ["own", "other", "own+foreign ids"].map((s) => mark(cells.find((c) => c.proc === r && c.principal === p && c.scenario === s))).join("").padEnd(4)).join("");
    lines.push(`${r.padEnd(width)}${access.padEnd(accessWidth)}${row}`);
  }
  const domain = new Map<string, number>();
  for (const c of allowed.filter((x) => !x.observed.ok && x.scenario !== "own+foreign ids")) {
    const k = `${c.proc}: ${c.observed.detail.slice(0, 120)}`;
    domain.set(k, (domain.get(k) ?? 0) + 1);
  }
  if (domain.size) {
    lines.push("  allowed calls that ended in a domain error (by design of their fixtures or worth a look):");
    for (const [k, n] of domain) lines.push(`    ${n}× ${k}`);
  }
  return lines.join("\n");
}
