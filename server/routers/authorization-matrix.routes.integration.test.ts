/**
 * The authorization matrix, second half: every route handler (each app/**\/route.ts, found by walking the folder, so
 * a new route without an entry here fails) × every principal of the matrix (test-support/authz/principals.ts: members
 * of each role, organisation roles, SSO group mappings, an outsider, dead credentials, API keys, a delegate token,
 * nobody), over real HTTP against a studio process (`next start`, the process lab) with its own database.
 *
 * Each route declares the rule it must follow, as the answer each principal must get — computed from the
 * permission table and the principal's declared roles, never from the code under test:
 *   delegate endpoints accept only a delegate token (a user cookie or an API key is 401, even with a valid instance
 *   header); user endpoints (tRPC, execution stream and log download, audit export) refuse the delegate token; the
 *   execution routes refuse other projects' users (404) and roles without execution.read; audit export needs an
 *   organisation Admin; alarms take only an API key whose role may control executions.
 */
import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { DELEGATE_INSTANCE_HEADER } from "@slipway/pipeline-spec/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExecution } from "~/server/engine/start-execution";
import { createPipeline } from "~/server/pipelines/create-pipeline";
import { can, type Permission } from "~/server/rbac";
import { createLabDatabase, startStudio, until, type LabDatabase, type Studio } from "~/test-support/process-lab";
import { uniqueToken } from "~/test-support/authz/inputs";
import { httpSessions, PRINCIPALS, seedAuthzWorld, type AuthzWorld, type ProjectKey, type SeededPrincipal } from "~/test-support/authz/principals";

const APP_DIR = path.resolve(import.meta.dirname, "../../app");

/** Every route handler file under app/, relative to it (e.g. "api/health/route.ts"). */
function routeFiles(dir = APP_DIR): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...routeFiles(full));
    else if (/^route\.(ts|tsx|js|mjs)$/.test(e.name)) out.push(path.relative(APP_DIR, full));
  }
  return out.sort();
}

// --------------------------------------------------------------------------------------------------- the world

let lab: LabDatabase;
let studio: Studio;
let world: AuthzWorld;
/** What the tests created that the route requests refer to. */
const ids = {
  delegateId: "",
  /** A shell step in the own project, queued for the test's delegate (claimed, logged, finished through the API). */
  task: { id: "", fencingToken: 0 },
  executions: { own: "", other: "" } as Record<ProjectKey, string>,
  steps: { own: "", other: "" } as Record<ProjectKey, string>,
};

const SHELL = (name: string) => `apiVersion: slipway/v1\nkind: Pipeline\nname: ${name}\nstages:\n  - id: build\n    steps:\n      - { id: compile, type: shell, script: "echo hello" }\n`;
const HOLD = (name: string) => `apiVersion: slipway/v1\nkind: Pipeline\nname: ${name}\nstages:\n  - id: hold\n    steps:\n      - { id: wait, type: wait, duration: 1h }\n`;

beforeAll(async () => {
  lab = await createLabDatabase("slipway_authz_routes");
  studio = await startStudio({ databaseUrl: lab.url, label: "authz-routes" });
  world = await seedAuthzWorld(lab.db, { ...httpSessions({ baseUrl: studio.baseUrl, origin: studio.url }), label: "routes" });

  // The delegate principal registers once (its instance id goes with every later call), as the real agent does.
  const reg = await fetch(`${studio.baseUrl}/api/delegate/v1/register`, {
    method: "POST",
    headers: { authorization: `Bearer ${world.delegateToken.token}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "authz-delegate", maxTasks: 2, version: "0.0.0-test" }),
  });
  expect(reg.status, await reg.clone().text()).toBe(200);
  ids.delegateId = ((await reg.json()) as { delegateId: string }).delegateId;

  const actor = world.owner.actor;
  for (const key of ["own", "other"] as const) {
    const projectId = world.projects[key].id;
    const yaml = key === "own" ? SHELL(`routes ${uniqueToken()}`) : HOLD(`routes ${uniqueToken()}`);
    const p = await createPipeline({ db: lab.db, projectId, name: "x", yaml, userId: world.owner.id, actor });
    const e = await startExecution({ db: lab.db, projectId, pipelineId: p.id, inputs: {}, userId: world.owner.id, actor, trigger: "manual" });
    ids.executions[key] = e.id;
    ids.steps[key] = (await lab.db.stepRun.findFirstOrThrow({ where: { executionId: e.id } })).id;
  }
  ids.task.id = ids.steps.own;
  // The studio's engine queues the shell step for a delegate.
  await until("the shell step to be queued", async () => (await lab.db.stepRun.findUniqueOrThrow({ where: { id: ids.task.id } })).status === "QUEUED", { timeoutMs: 30_000 });
}, 15 * 60_000);

afterAll(async () => {
  await studio?.stop();
  await lab?.drop();
  if (outcomes.length) console.log(summary());
});

// ------------------------------------------------------------------------------------------------ the requests

type Req = { method: "GET" | "POST"; path: string; body?: unknown; headers?: Record<string, string> };
type Res = { status: number; contentType: string; body: unknown };

/** Sends `req` with the principal's credential; reads JSON bodies, and only the first bytes of an event stream. */
async function send(req: Req, p: SeededPrincipal): Promise<Res> {
  const abort = new AbortController();
  const headers: Record<string, string> = { origin: studio.url, ...p.headers, ...req.headers };
  if (req.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${studio.baseUrl}${req.path}`, { method: req.method, headers, body: req.body === undefined ? undefined : JSON.stringify(req.body), signal: abort.signal, redirect: "manual" });
  const contentType = res.headers.get("content-type") ?? "";
  let body: unknown;
  if (contentType.startsWith("text/event-stream")) {
    const reader = res.body!.getReader();
    const first = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 5_000))]);
    body = first && !first.done ? new TextDecoder().decode(first.value) : "";
    abort.abort();
  } else {
    const text = await res.text();
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, contentType, body };
}

const trpcQuery = (procedure: string, input?: unknown): Req => ({ method: "GET", path: `/api/trpc/${procedure}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}` });
const trpcMutation = (procedure: string, input: unknown): Req => ({ method: "POST", path: `/api/trpc/${procedure}`, body: { json: input } });
const delegateHeaders = () => ({ [DELEGATE_INSTANCE_HEADER]: ids.delegateId });

// ------------------------------------------------------------------------------------------------- the rules

/** The answer a principal must get: a status, plus what else must hold for it. */
type Expect = { status: number; check?: (r: Res) => string | null };

const isDelegate = (p: SeededPrincipal) => p.spec.kind === "delegate";
const e = (p: SeededPrincipal) => p.spec.expect;

/** A user endpoint acting in a project's object: the project's rule (non-members and other projects get 404). */
function projectRule(p: SeededPrincipal, project: ProjectKey, permission: Permission): number {
  if (!e(p).authenticated) return 401;
  const role = e(p).roles[project];
  if (!role) return 404;
  return can(role, permission) ? 200 : 403;
}
function orgRule(p: SeededPrincipal, permission: Permission): number {
  if (!e(p).authenticated) return 401;
  return can(e(p).orgRole, permission) ? 200 : 403;
}
/** Delegate endpoints: only the delegate token; anything else is `unauthorized` (a user cookie is no credential here). */
function delegateRule(p: SeededPrincipal, accepted: number = 200): Expect {
  if (isDelegate(p)) return { status: accepted };
  return { status: 401, check: (r) => ((r.body as { error?: string })?.error === "unauthorized" ? null : `expected the delegate API's "unauthorized" error, got ${JSON.stringify(r.body).slice(0, 200)}`) };
}
const sse: Expect["check"] = (r) => (r.contentType.startsWith("text/event-stream") ? null : `expected an event stream, got ${r.contentType}`);
const withSse = (status: number): Expect => (status === 200 ? { status, check: sse } : { status });

type RouteCase = { name: string; request: () => Req; expect: (p: SeededPrincipal) => Expect; before?: () => Promise<void> };
type RouteSpec = { rule: string; cases: RouteCase[] };

/** One entry per route file. A route file without an entry fails the matrix. */
const ROUTES: Record<string, RouteSpec> = {
  "api/audit/export/route.ts": {
    rule: "org(audit.read): organisation Admins only",
    cases: [{ name: "export as JSON", request: () => ({ method: "GET", path: "/api/audit/export?format=json" }), expect: (p) => ({ status: orgRule(p, "audit.read") }) }],
  },
  "api/auth/[...all]/route.ts": {
    rule: "public (Better Auth: how a session is obtained); only a user's cookie is a session here",
    cases: [
      {
        name: "get-session",
        request: () => ({ method: "GET", path: "/api/auth/get-session" }),
        expect: (p) => ({
          status: 200,
          check: (r) => {
            const email = (r.body as { user?: { email?: string } } | null)?.user?.email ?? null;
            // Better Auth's own view of a cookie: a live user session (a disabled user's too — authorization is
            // refused by getSessionUser, see the disabled principal's rows elsewhere), never an API key or a delegate token.
            const want = p.spec.kind === "user" && p.spec.user.after !== "sign-out" ? p.user!.email : null;
            return email === want ? null : `session user ${email}, expected ${want}`;
          },
        }),
      },
    ],
  },
  "api/delegate/v1/heartbeat/route.ts": {
    rule: "delegate token + its instance",
    cases: [{ name: "heartbeat", request: () => ({ method: "POST", path: "/api/delegate/v1/heartbeat", headers: delegateHeaders(), body: { runningTaskIds: [] } }), expect: (p) => delegateRule(p) }],
  },
  "api/delegate/v1/register/route.ts": {
    rule: "delegate token",
    cases: [{ name: "register", request: () => ({ method: "POST", path: "/api/delegate/v1/register", body: { name: `again-${uniqueToken()}`, maxTasks: 1, version: "0.0.0-test" } }), expect: (p) => delegateRule(p) }],
  },
  "api/delegate/v1/stream/route.ts": {
    rule: "delegate token + its instance",
    cases: [{ name: "open the stream", request: () => ({ method: "GET", path: "/api/delegate/v1/stream", headers: delegateHeaders() }), expect: (p) => (isDelegate(p) ? withSse(200) : delegateRule(p)) }],
  },
  "api/delegate/v1/tasks/[taskId]/claim/route.ts": {
    rule: "delegate token + its instance (and the task must be one it may take)",
    cases: [
      {
        name: "claim the queued shell step",
        // A live delegate heartbeats; only a delegate seen recently may take work.
        before: async () => void (await send({ method: "POST", path: "/api/delegate/v1/heartbeat", headers: delegateHeaders(), body: {} }, world.principals.find(isDelegate)!)),
        request: () => ({ method: "POST", path: `/api/delegate/v1/tasks/${ids.task.id}/claim`, headers: delegateHeaders(), body: { claimId: `claim-${ids.task.id}` } }),
        expect: (p) =>
          isDelegate(p)
            ? {
                status: 200,
                check: (r) => {
                  const token = (r.body as { lease?: { fencingToken?: number } }).lease?.fencingToken;
                  if (!token) return `no lease in ${JSON.stringify(r.body).slice(0, 200)}`;
                  ids.task.fencingToken = token;
                  return null;
                },
              }
            : delegateRule(p),
      },
    ],
  },
  "api/delegate/v1/tasks/[taskId]/heartbeat/route.ts": {
    rule: "delegate token + its instance + the task's lease",
    cases: [{ name: "renew the lease", request: () => ({ method: "POST", path: `/api/delegate/v1/tasks/${ids.task.id}/heartbeat`, headers: delegateHeaders(), body: { fencingToken: ids.task.fencingToken || 1 } }), expect: (p) => delegateRule(p) }],
  },
  "api/delegate/v1/tasks/[taskId]/logs/route.ts": {
    rule: "delegate token + its instance + the task's lease",
    cases: [
      {
        name: "append a log chunk",
        request: () => ({ method: "POST", path: `/api/delegate/v1/tasks/${ids.task.id}/logs`, headers: delegateHeaders(), body: { fencingToken: ids.task.fencingToken || 1, chunks: [{ seq: 1, stream: "stdout", lines: ["hello"], ts: Date.now() }] } }),
        expect: (p) => delegateRule(p),
      },
    ],
  },
  "api/delegate/v1/tasks/[taskId]/progress/route.ts": {
    rule: "delegate token + its instance + the task's lease",
    cases: [
      {
        name: "report progress",
        request: () => ({ method: "POST", path: `/api/delegate/v1/tasks/${ids.task.id}/progress`, headers: delegateHeaders(), body: { fencingToken: ids.task.fencingToken || 1, progress: { kind: "ssh", batch: null, hosts: [] } } }),
        expect: (p) => delegateRule(p),
      },
    ],
  },
  "api/delegate/v1/tasks/[taskId]/result/route.ts": {
    rule: "delegate token + its instance + the task's lease",
    cases: [
      {
        name: "report the result",
        request: () => ({ method: "POST", path: `/api/delegate/v1/tasks/${ids.task.id}/result`, headers: delegateHeaders(), body: { fencingToken: ids.task.fencingToken || 1, outcome: "success", exitCode: 0, lastLogSeq: 1 } }),
        expect: (p) => delegateRule(p),
      },
    ],
  },
  "api/delegate/v1/tasks/offered/route.ts": {
    rule: "delegate token + its instance",
    cases: [{ name: "poll for offers", request: () => ({ method: "GET", path: "/api/delegate/v1/tasks/offered", headers: delegateHeaders() }), expect: (p) => delegateRule(p) }],
  },
  "api/executions/[executionId]/events/route.ts": {
    rule: "project(execution.read) in the execution's project",
    cases: (["own", "other"] as const).map((k) => ({
      name: `${k} project's execution`,
      request: () => ({ method: "GET" as const, path: `/api/executions/${ids.executions[k]}/events` }),
      expect: (p: SeededPrincipal) => withSse(projectRule(p, k, "execution.read")),
    })),
  },
  "api/executions/[executionId]/steps/[stepRunId]/log/route.ts": {
    rule: "project(execution.read) in the execution's project; the step must belong to the execution",
    cases: [
      ...(["own", "other"] as const).map((k) => ({
        name: `${k} project's step log`,
        request: () => ({ method: "GET" as const, path: `/api/executions/${ids.executions[k]}/steps/${ids.steps[k]}/log` }),
        expect: (p: SeededPrincipal) => ({ status: projectRule(p, k, "execution.read") }),
      })),
      {
        name: "own execution, other project's step",
        request: () => ({ method: "GET", path: `/api/executions/${ids.executions.own}/steps/${ids.steps.other}/log` }),
        expect: (p) => {
          const s = projectRule(p, "own", "execution.read");
          return { status: s === 200 ? 404 : s };
        },
      },
    ],
  },
  "api/health/route.ts": {
    rule: "public",
    cases: [{ name: "health", request: () => ({ method: "GET", path: "/api/health" }), expect: () => ({ status: 200 }) }],
  },
  "api/trpc/[trpc]/route.ts": {
    rule: "each procedure's own rule (the procedure half of the matrix); a delegate token is nobody",
    cases: [
      { name: "me.get (session)", request: () => trpcQuery("me.get"), expect: (p) => ({ status: e(p).authenticated ? 200 : 401 }) },
      ...(["own", "other"] as const).map((k) => ({
        name: `pipeline.list in the ${k} project`,
        request: () => trpcQuery("pipeline.list", { projectId: world.projects[k].id }),
        expect: (p: SeededPrincipal) => ({ status: projectRule(p, k, "pipeline.read") }),
      })),
      { name: "delegate.list (org)", request: () => trpcQuery("delegate.list"), expect: (p) => ({ status: orgRule(p, "delegate.read") }) },
      {
        name: "pipeline.create in the own project (mutation)",
        request: () => trpcMutation("pipeline.create", { projectId: world.projects.own.id, name: `http ${uniqueToken()}` }),
        expect: (p) => ({ status: projectRule(p, "own", "pipeline.write") }),
      },
    ],
  },
  "api/v1/alarms/route.ts": {
    rule: "an API key whose role in its project grants execution.control; sessions and delegate tokens are refused",
    cases: [
      {
        name: "an alarm in the key's project",
        request: () => ({ method: "POST", path: "/api/v1/alarms", body: { service: "checkout", environment: "production", alarm: "5xx" } }),
        expect: (p) => ({ status: p.spec.kind === "apikey" && e(p).authenticated ? (can(e(p).roles.own, "execution.control") ? 200 : 403) : 401 }),
      },
      {
        name: "an alarm naming the other project",
        request: () => ({ method: "POST", path: "/api/v1/alarms", body: { service: "checkout", environment: "production", alarm: "5xx", project: world.projects.other.slug } }),
        expect: (p) => ({ status: p.spec.kind === "apikey" && e(p).authenticated ? 404 : 401 }),
      },
    ],
  },
  "dev/log-viewer/download/route.ts": {
    rule: "development pages only (SLIPWAY_DEV_PAGES=1): synthetic data, 404 in a production studio",
    cases: [{ name: "download the demo log", request: () => ({ method: "GET", path: "/dev/log-viewer/download?lines=10" }), expect: () => ({ status: 404 }) }],
  },
};

// -------------------------------------------------------------------------------------------------- the tests

type Outcome = { route: string; caseName: string; principal: string; want: number; got: number; ok: boolean };
const outcomes: Outcome[] = [];

describe("authorization matrix: every route handler × principal", () => {
  const files = routeFiles();

  it("finds the route files, and every entry of the table is a route file", () => {
    expect(files.length).toBeGreaterThan(10);
    expect(Object.keys(ROUTES).filter((r) => !files.includes(r)), "entries in ROUTES without a route file").toEqual([]);
  });

  it.each(files)("%s", async (file) => {
    const spec = ROUTES[file];
    if (!spec) throw new Error(`${file} is a route handler without an entry in ROUTES (authorization-matrix.routes.integration.test.ts): declare which principals it must accept and refuse`);
    const problems: string[] = [];
    for (const c of spec.cases) {
      await c.before?.();
      // Refused principals first, so the accepted one's call (which may change state, e.g. claim a task) comes last.
      const ordered = [...world.principals].sort((a, b) => Number(isDelegate(a) || a.spec.expect.authenticated) - Number(isDelegate(b) || b.spec.expect.authenticated));
      for (const p of ordered) {
        const want = c.expect(p);
        const r = await send(c.request(), p);
        const wrong = r.status !== want.status ? `status ${r.status}, expected ${want.status} (${JSON.stringify(r.body).slice(0, 160)})` : (want.check?.(r) ?? null);
        outcomes.push({ route: file, caseName: c.name, principal: p.spec.key, want: want.status, got: r.status, ok: !wrong });
        if (wrong) problems.push(`${c.name} as ${p.spec.key}: ${wrong}`);
      }
    }
    expect(problems, `${file} (${spec.rule}):\n  ${problems.join("\n  ")}`).toEqual([]);
  });

  it("lets the delegate finish the task it claimed through the API, and the step succeeds", async () => {
    await until("the step to succeed", async () => (await lab.db.stepRun.findUniqueOrThrow({ where: { id: ids.task.id } })).status === "SUCCESS", { timeoutMs: 20_000 });
    const chunks = await lab.db.logChunk.findMany({ where: { stepRunId: ids.task.id } });
    expect(chunks.flatMap((c) => c.lines)).toEqual(["hello"]);
  });
});

describe("open execution streams follow access changes", () => {
  it("ends a member's open execution stream with `denied` once the membership is removed", async () => {
    const { signIn } = httpSessions({ baseUrl: studio.baseUrl, origin: studio.url });
    const email = `stream-${uniqueToken()}@example.test`;
    const owner = world.principals.find((p) => p.spec.key === "member:viewer")!;
    // A fresh viewer of the own project (the matrix's principals must keep their roles).
    const id = randomUUID();
    const account = await lab.db.account.findFirstOrThrow({ where: { userId: owner.user!.id, providerId: "credential" } });
    await lab.db.user.create({ data: { id, email, name: "stream viewer", emailVerified: true } });
    await lab.db.account.create({ data: { id: randomUUID(), userId: id, accountId: id, providerId: "credential", password: account.password } });
    const m = await lab.db.membership.create({ data: { projectId: world.projects.own.id, userId: id, role: "VIEWER" } });
    const { cookie } = await signIn(email, owner.user!.password);

    const abort = new AbortController();
    const res = await fetch(`${studio.baseUrl}/api/executions/${ids.executions.own}/events`, { headers: { cookie }, signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = "";
    const read = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    await until("the stream to start", () => text.length > 0, { timeoutMs: 10_000 });
    const removedAt = Date.now();
    await lab.db.membership.delete({ where: { id: m.id } });
    await Promise.race([read, new Promise((r) => setTimeout(r, 15_000))]);
    const closedAfter = Date.now() - removedAt;
    abort.abort();
    console.log(`[authz] an open execution stream ended ${closedAfter} ms after the viewer was removed from the project (re-checked every 5 s)`);
    expect(text).toContain("event: denied");
    expect(closedAfter).toBeLessThan(10_000);
  });
});

describe("Better Auth's own endpoints (public by nature) cannot raise privileges", () => {
  it("refuses orgRole and disabled on update-user, ignores ssoGroups, and refuses mfa on update-session", async () => {
    const viewer = world.principals.find((p) => p.spec.key === "member:viewer")!;
    const post = (p: string, body: unknown) => fetch(`${studio.baseUrl}/api/auth${p}`, { method: "POST", headers: { ...viewer.headers, origin: studio.url, "content-type": "application/json" }, body: JSON.stringify(body) });
    const before = await lab.db.user.findUniqueOrThrow({ where: { id: viewer.user!.id }, select: { orgRole: true, ssoGroups: true, disabled: true } });
    expect((await post("/update-user", { orgRole: "ADMIN" })).status).toBe(400);
    expect((await post("/update-user", { disabled: true })).status).toBe(400);
    // Not a Better Auth field at all: dropped (groups come only from the IdP's ID token at sign-in).
    await post("/update-user", { name: viewer.spec.key, ssoGroups: [world.groups.orgAdmins] });
    expect((await post("/update-session", { mfa: true })).status).toBe(400);
    expect(await lab.db.user.findUniqueOrThrow({ where: { id: viewer.user!.id }, select: { orgRole: true, ssoGroups: true, disabled: true } })).toEqual(before);
    expect(await lab.db.session.count({ where: { userId: viewer.user!.id, mfa: true } })).toBe(0);
    const me = await send(trpcQuery("me.get"), viewer);
    expect((me.body as { result: { data: { json: { orgRole: string | null } } } }).result.data.json.orgRole).toBeNull();
  });
});

function summary(): string {
  const routes = [...new Set(outcomes.map((o) => o.route))];
  const lines = ["", `Route authorization matrix: ${routes.length} route files, ${new Set(outcomes.map((o) => `${o.route}|${o.caseName}`)).size} cases × ${PRINCIPALS.length} principals = ${outcomes.length} HTTP requests; mismatches ${outcomes.filter((o) => !o.ok).length}`];
  for (const r of routes) {
    for (const c of [...new Set(outcomes.filter((o) => o.route === r).map((o) => o.caseName))]) {
      const rows = outcomes.filter((o) => o.route === r && o.caseName === c);
      const byStatus = new Map<number, string[]>();
      for (const o of rows) byStatus.set(o.got, [...(byStatus.get(o.got) ?? []), o.principal]);
      const accepted = [...byStatus].filter(([s]) => s < 400).flatMap(([, ps]) => ps);
      const refused = [...byStatus].filter(([s]) => s >= 400).map(([s, ps]) => `${s}×${ps.length}`);
      lines.push(`  ${r} — ${c}: accepts ${accepted.length ? accepted.join(", ") : "nobody"}; refuses ${refused.join(" ") || "nobody"}${rows.some((o) => !o.ok) ? "  ← MISMATCH" : ""}`);
    }
  }
  return lines.join("\n");
}
