/**
 * Single sign-on through a real OpenID provider (e2e/sso/idp.mjs), with roles from the IdP's groups:
 *   1. the bootstrap Admin maps groups to roles in the studio UI (platform-admins → Admin organisation-wide;
 *      team-a-deployers → Pipeline Executor in Team A; viewers → Viewer in Team A);
 *   2. alice, bob and carol sign in through the IdP (its login form and consent page) and see exactly the projects
 *      and the buttons their mapped roles allow — the expectations come from the permission table (server/rbac.ts);
 *   3. the Admin changes bob's mapping while bob stays signed in: his next page load has no Run button, no sign-out;
 *   4. the account page says whether the IdP reported MFA for the session (alice's ID token has amr otp).
 */
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { can, type Permission } from "../../server/rbac";
import { IDP_ISSUER, IDP_NAME, SSO_ADMIN, SSO_ORIGIN } from "../sso.config";

type Role = "ADMIN" | "PIPELINE_ADMIN" | "PIPELINE_EXECUTOR" | "VIEWER";

test.describe.configure({ mode: "serial" });

const TEAM_A = { slug: "team-a", name: "Team A" };
const TEAM_B = { slug: "team-b", name: "Team B" };
const GATE_YAML = `apiVersion: slipway/v1
kind: Pipeline
name: Release train
stages:
  - id: gate
    steps:
      - id: go
        type: approval
        message: Ship it?
        approvers: { roles: [Admin, PipelineAdmin, PipelineExecutor] }
  - id: after
    needs: [gate]
    steps:
      - { id: settle, type: wait, duration: 1s }
`;

/**
 * What each IdP user must end up with, from the group mappings the Admin makes below: their role in Team A, their
 * organisation-wide role, and the projects they may see. Buttons are derived from these through the permission table.
 */
const PEOPLE: Record<"alice" | "bob" | "carol", { group: string; orgRole: Role | null; teamARole: Role; projects: string[]; mfa: boolean }> = {
  alice: { group: "platform-admins", orgRole: "ADMIN", teamARole: "ADMIN", projects: ["demo", TEAM_A.slug, TEAM_B.slug], mfa: true },
  bob: { group: "team-a-deployers", orgRole: null, teamARole: "PIPELINE_EXECUTOR", projects: [TEAM_A.slug], mfa: false },
  carol: { group: "viewers", orgRole: null, teamARole: "VIEWER", projects: [TEAM_A.slug], mfa: false },
};

let admin: { context: BrowserContext; page: Page };
let bob: { context: BrowserContext; page: Page } | null = null;
const ids = { pipelineId: "", executionId: "" };

// ------------------------------------------------------------------------------------------------------ helpers

/** A tRPC call over HTTP with the browser context's cookies (superjson envelope). */
async function trpc<T>(request: APIRequestContext, kind: "query" | "mutation", procedure: string, input?: unknown): Promise<T> {
  const res =
    kind === "query"
      ? await request.get(`/api/trpc/${procedure}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`)
      : await request.post(`/api/trpc/${procedure}`, { data: { json: input ?? null } });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: unknown };
  if (!res.ok() || !body.result) throw new Error(`${procedure} answered ${res.status()}: ${JSON.stringify(body).slice(0, 400)}`);
  return body.result.data.json;
}

async function signInWithPassword(page: Page, who: { email: string; password: string }) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).not.toHaveURL(/\/signin/);
}

/** The whole SSO round trip in a fresh browser context: studio → IdP login form → consent → back, signed in. */
async function signInWithSso(browser: Browser, login: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
  await page.getByRole("button", { name: `Continue with ${IDP_NAME}` }).click();
  await page.waitForURL((u) => u.origin === IDP_ISSUER, { timeout: 30_000 });
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("whatever-the-idp-accepts");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await expect(page.getByRole("button", { name: "Continue" })).toBeVisible();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((u) => u.origin === SSO_ORIGIN && !u.pathname.startsWith("/signin") && !u.pathname.startsWith("/api/"), { timeout: 30_000 });
  return { context, page };
}

async function sessionToken(context: BrowserContext): Promise<string | undefined> {
  return (await context.cookies(SSO_ORIGIN)).find((c) => c.name.endsWith("better-auth.session_token"))?.value;
}

/** Asserts a control is shown exactly when `allowed` (after the page has rendered, so absence is real). */
async function shownIff(page: Page, name: string, locator: ReturnType<Page["locator"]>, allowed: boolean) {
  if (allowed) await expect(locator, `${name} must be shown`).toBeVisible();
  else await expect(locator, `${name} must be hidden`).toHaveCount(0);
}

const teamAPermission = (who: keyof typeof PEOPLE, p: Permission) => can(PEOPLE[who].teamARole, p);
const orgPermission = (who: keyof typeof PEOPLE, p: Permission) => can(PEOPLE[who].orgRole, p);

/** The organisation links in the top bar. */
async function checkOrgLinks(page: Page, who: keyof typeof PEOPLE) {
  const bar = page.locator("header.topbar");
  await expect(bar.getByRole("link", { name: "Slipway" })).toBeVisible();
  await shownIff(page, "Delegates link", bar.getByRole("link", { name: "Delegates", exact: true }), orgPermission(who, "delegate.read"));
  await shownIff(page, "Access link", bar.getByRole("link", { name: "Access", exact: true }), orgPermission(who, "mapping.manage"));
  await shownIff(page, "Audit link", bar.getByRole("link", { name: "Audit", exact: true }), orgPermission(who, "audit.read"));
}

/** Pipelines list, editor, execution and members pages of Team A: each button exactly when the role allows it. */
async function checkTeamAButtons(page: Page, who: keyof typeof PEOPLE) {
  await page.goto(`/p/${TEAM_A.slug}/pipelines`);
  await expect(page.getByTestId("pipeline-row")).toHaveCount(1);
  await shownIff(page, "New pipeline", page.getByRole("button", { name: "New pipeline" }), teamAPermission(who, "pipeline.write"));

  await page.goto(`/p/${TEAM_A.slug}/pipelines/${ids.pipelineId}`);
  await expect(page.getByTestId("pipeline-title")).toHaveText("Release train");
  await shownIff(page, "Save", page.getByRole("button", { name: "Save", exact: true }), teamAPermission(who, "pipeline.write"));
  await shownIff(page, "Run", page.getByTestId("run-button"), teamAPermission(who, "pipeline.execute"));

  await page.goto(`/p/${TEAM_A.slug}/executions/${ids.executionId}`);
  await expect(page.getByTestId("approval-box")).toBeVisible();
  // The step names Admin, Pipeline Admin and Pipeline Executor, so the permission table alone decides.
  await shownIff(page, "Approve", page.getByRole("button", { name: "Approve", exact: true }), teamAPermission(who, "execution.approve"));
  if (!teamAPermission(who, "execution.approve")) await expect(page.getByTestId("approval-box")).toContainText("You are not one of the approvers");

  await page.goto(`/p/${TEAM_A.slug}/members`);
  await expect(page.getByTestId("members")).toBeVisible();
  await shownIff(page, "Invite", page.getByRole("button", { name: "Invite", exact: true }), teamAPermission(who, "member.manage"));
  await checkOrgLinks(page, who);
}

/** Exactly the projects the mapped roles give: the API's list, the home page, and 404 for the others. */
async function checkProjects(page: Page, who: keyof typeof PEOPLE) {
  const want = [...PEOPLE[who].projects].sort();
  const listed = await trpc<{ slug: string; role: Role }[]>(page.request, "query", "project.list");
  expect(listed.map((p) => p.slug).sort(), `${who}'s projects`).toEqual(want);
  expect(listed.find((p) => p.slug === TEAM_A.slug)?.role).toBe(PEOPLE[who].teamARole);
  await page.goto("/");
  if (want.length === 1) await expect(page).toHaveURL(new RegExp(`/p/${want[0]}/pipelines$`));
  else {
    const names = await page.locator("table.table tbody tr td:first-child a").allTextContents();
    expect(names.sort()).toEqual(["Demo", TEAM_A.name, TEAM_B.name].sort());
  }
  for (const slug of ["demo", TEAM_A.slug, TEAM_B.slug].filter((s) => !want.includes(s))) {
    const res = await page.goto(`/p/${slug}/pipelines`);
    expect(res?.status(), `${who} opening ${slug}`).toBe(404);
  }
}

async function checkAccount(page: Page, who: keyof typeof PEOPLE) {
  await page.goto("/account");
  await expect(page.getByTestId("session-mfa")).toHaveText(PEOPLE[who].mfa ? "signed in with multi-factor authentication" : "signed in without a second factor");
  await expect(page.locator("dl.kv")).toContainText(PEOPLE[who].group);
}

// --------------------------------------------------------------------------------------------------------- tests

test.afterAll(async () => {
  await bob?.context.close();
  await admin?.context.close();
});

test("the Admin maps identity-provider groups to roles in the studio", async ({ browser }) => {
  const context = await browser.newContext();
  admin = { context, page: await context.newPage() };
  const { page } = admin;
  await signInWithPassword(page, SSO_ADMIN);

  const teamA = await trpc<{ id: string }>(page.request, "mutation", "project.create", TEAM_A);
  await trpc(page.request, "mutation", "project.create", TEAM_B);
  const pipeline = await trpc<{ id: string }>(page.request, "mutation", "pipeline.create", { projectId: teamA.id, name: "Release train", yaml: GATE_YAML });
  ids.pipelineId = pipeline.id;
  const execution = await trpc<{ id: string }>(page.request, "mutation", "execution.start", { projectId: teamA.id, pipelineId: pipeline.id });
  ids.executionId = execution.id;
  await expect
    .poll(async () => (await trpc<{ steps: { stepId: string; status: string }[] }>(page.request, "query", "execution.byId", { projectId: teamA.id, executionId: execution.id })).steps.find((s) => s.stepId === "go")?.status, { timeout: 30_000 })
    .toBe("APPROVAL_REQUIRED");

  // Organisation-wide: Settings → Access.
  await page.goto("/settings/access");
  const org = page.getByTestId("mappings");
  await org.getByRole("textbox", { name: "Group", exact: true }).fill("platform-admins");
  await org.getByRole("combobox", { name: "Role", exact: true }).selectOption("ADMIN");
  await org.getByRole("button", { name: "Add mapping" }).click();
  await expect(org.getByLabel("Role for group platform-admins")).toHaveValue("ADMIN");

  // Team A only: the project's Members page.
  await page.goto(`/p/${TEAM_A.slug}/members`);
  const project = page.getByTestId("mappings");
  for (const [group, role] of [["team-a-deployers", "PIPELINE_EXECUTOR"], ["viewers", "VIEWER"]] as const) {
    await project.getByRole("textbox", { name: "Group", exact: true }).fill(group);
    await project.getByRole("combobox", { name: "Role", exact: true }).selectOption(role);
    await project.getByRole("button", { name: "Add mapping" }).click();
    await expect(project.getByLabel(`Role for group ${group}`)).toHaveValue(role);
  }
  // The organisation-wide rule shows there too, read-only.
  await expect(project.getByRole("row", { name: /platform-admins/ })).toContainText("organisation-wide");
});

for (const who of ["alice", "bob", "carol"] as const) {
  test(`${who} (${PEOPLE[who].group}) signs in through the IdP and sees exactly what the mapped role allows`, async ({ browser }) => {
    const session = await signInWithSso(browser, who);
    try {
      await checkProjects(session.page, who);
      await checkTeamAButtons(session.page, who);
      await checkAccount(session.page, who);
    } finally {
      if (who === "bob") bob = session;
      else await session.context.close();
    }
  });
}

test("a changed mapping applies to bob on his next page load, without signing out", async () => {
  test.skip(!bob, "bob's sign-in failed");
  const { page, context } = bob!;
  const tokenBefore = await sessionToken(context);
  expect(tokenBefore).toBeTruthy();
  await page.goto(`/p/${TEAM_A.slug}/pipelines/${ids.pipelineId}`);
  await expect(page.getByTestId("run-button")).toBeVisible();

  const changeTo = async (role: Role) => {
    await admin.page.goto(`/p/${TEAM_A.slug}/members`);
    const saved = admin.page.waitForResponse((r) => r.url().includes("access.saveProjectMapping") && r.ok());
    await admin.page.getByTestId("mappings").getByLabel("Role for group team-a-deployers").selectOption(role);
    await saved;
  };

  await changeTo("VIEWER");
  await page.reload();
  await expect(page.getByTestId("pipeline-title")).toHaveText("Release train");
  await expect(page.getByTestId("run-button")).toHaveCount(0);
  await page.goto(`/p/${TEAM_A.slug}/executions/${ids.executionId}`);
  await expect(page.getByTestId("approval-box")).toContainText("You are not one of the approvers");
  await expect(page.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);
  // The server agrees (the UI is not the check).
  const refused = await page.request.post("/api/trpc/execution.start", { data: { json: { projectId: (await trpc<{ id: string }[]>(page.request, "query", "project.list"))[0]!.id, pipelineId: ids.pipelineId } } });
  expect(refused.status()).toBe(403);

  // And back: the Run button returns, still the same session.
  await changeTo("PIPELINE_EXECUTOR");
  await page.goto(`/p/${TEAM_A.slug}/pipelines/${ids.pipelineId}`);
  await expect(page.getByTestId("run-button")).toBeVisible();
  expect(await sessionToken(context), "bob never signed in again").toBe(tokenBefore);
});

test("the audit trail records each SSO sign-in with the groups and the MFA the IdP reported", async () => {
  type Event = { action: string; actorLabel: string; summary: { mfa?: boolean; groups?: string[] } };
  const { events: rows } = await trpc<{ events: Event[] }>(admin.page.request, "query", "audit.list", { filter: { action: "auth.signIn" }, take: 100 });
  for (const who of ["alice", "bob", "carol"] as const) {
    const row = rows.find((r) => r.actorLabel === `${who}@example.test`);
    expect(row, `a sign-in event for ${who}`).toBeDefined();
    expect(row!.summary.groups).toEqual([PEOPLE[who].group]);
    expect(row!.summary.mfa).toBe(PEOPLE[who].mfa);
  }
});
