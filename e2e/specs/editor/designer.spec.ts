/**
 * [DESIGNER] The visual designer against the real studio: drag a step from the palette onto a stage, connect two
 * stages, fill the inspector — and find the YAML changed only where it should be, every comment intact; type in the
 * YAML and see the graph follow; a cycle refused on the spot with its reason; one undo history across both views;
 * and a conflicting save from a second browser shown as a conflict with the diff, never an overwrite.
 *
 * The document's text is read from the draft the editor keeps in localStorage (exactly what Save would send):
 * Monaco renders only the visible lines, so the DOM is not the text.
 */
import type { Page } from "@playwright/test";
import { createPipeline, replaceYaml, signIn } from "../../fixtures/studio";
import { E2E_ADMIN, E2E_PORT } from "../../playwright.config";
import { draft, expect, openStudio, stage, step, test } from "./session";

const COMMENTED = `# Release pipeline for the designer test.
apiVersion: slipway/v1
kind: Pipeline
name: NAME

stages:
  # build comes first
  - id: build # builds everything
    steps:
      - id: compile
        type: shell
        script: make # the compiler

  # tests start at once, beside build
  - id: test
    needs: [] # nothing to wait for
    steps:
      - id: unit
        type: shell
        script: make test

  - id: deploy
    needs: [build] # only build, for now
    steps:
      - id: ship # the actual release
        type: wait
        duration: 5s
# end of the pipeline
`;

const commentsOf = (text: string) => text.split("\n").map((l) => /#.*$/.exec(l)?.[0]).filter((c): c is string => Boolean(c));

async function newPipeline(page: Page, base: string) {
  // Unique per repeat and retry: pipeline names are unique in a project, and a second run of a test meets the first's.
  const { repeatEachIndex, retry } = test.info();
  const name = repeatEachIndex || retry ? `${base} ${repeatEachIndex}.${retry}` : base;
  await createPipeline(page, name);
  await replaceYaml(page, COMMENTED.replace("NAME", name));
  await expect(stage(page, "deploy")).toBeVisible();
  await graphSettled(page);
}

/**
 * Waits until the graph has stopped moving: the layout and the fit-to-view run after the nodes first show, and
 * a drag measured from boxes read mid-move starts where the handle no longer is (in CI it pressed on the inspector
 * and selected its text instead of starting a connection).
 */
async function graphSettled(page: Page) {
  const snapshot = () =>
    page.evaluate(() => {
      const viewport = document.querySelector<HTMLElement>(".react-flow__viewport")?.style.transform ?? "";
      const nodes = [...document.querySelectorAll<HTMLElement>(".react-flow__node")].map((n) => `${n.dataset.id}:${n.style.transform}:${n.style.visibility}`);
      return `${viewport}|${nodes.join(",")}`;
    });
  let last = "";
  let same = 0;
  // Bounded: 15 s at most; three equal readings 150 ms apart count as settled.
  for (let i = 0; i < 100 && same < 3; i++) {
    const now = await snapshot();
    same = now === last ? same + 1 : 0;
    last = now;
    await page.waitForTimeout(150);
  }
  expect(same, "the graph to stop moving").toBeGreaterThanOrEqual(3);
}


async function connect(page: Page, from: string, to: string) {
  await graphSettled(page);
  const a = (await stage(page, from).getByTestId("stage-out").boundingBox())!;
  const b = (await stage(page, to).getByTestId("stage-in").boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  return async () => page.mouse.up();
}

/** Drops a palette kind on a stage, just above its bottom edge: after its last step. */
async function dropOnStage(page: Page, kind: string, stageId: string) {
  await graphSettled(page);
  const box = (await stage(page, stageId).boundingBox())!;
  await page.locator(`[data-testid=palette-item][data-kind="${kind}"]`).dragTo(stage(page, stageId), { targetPosition: { x: box.width / 2, y: box.height - 4 } });
}

test("[DESIGNER] drag from the palette, connect, fill the inspector: the YAML changes in place, comments intact", async ({ page }) => {
  await openStudio(page);
  await newPipeline(page, "Designer lossless");
  const before = await draft(page);

  await dropOnStage(page, "shell", "build");
  await expect(step(page, "shell")).toBeVisible();
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node", "step:shell");

  const done = await connect(page, "test", "deploy");
  await done();
  await expect(page.locator(".react-flow__edge.edge-needs")).toHaveCount(2);

  const script = page.getByTestId("field-script").locator("textarea");
  await script.fill("./release.sh --dry-run");
  await page.getByTestId("field-timeout").locator("input").fill("10m");
  await page.getByTestId("field-timeout").locator("input").blur();
  await expect.poll(() => draft(page)).toContain("timeout: 10m");

  const after = await draft(page);
  expect(after).toContain(
    ["      - id: compile", "        type: shell", "        script: make # the compiler", "      - id: shell", "        type: shell", "        script: ./release.sh --dry-run", "        timeout: 10m", "", "  # tests start at once, beside build"].join("\n"),
  );
  expect(after).toContain("    needs: [build, test] # only build, for now\n");
  for (const comment of commentsOf(before)) expect(after).toContain(comment);
  // Everything outside the two edits is byte for byte what the user wrote.
  const [head] = before.split("      - id: compile");
  expect(after.startsWith(head!)).toBe(true);
  expect(after.endsWith(before.slice(before.indexOf("    steps:\n      - id: ship")))).toBe(true);

  // The field shows the same message as the YAML editor for the same path.
  await page.getByTestId("field-timeout").locator("input").fill("soon");
  await expect(page.getByTestId("field-timeout").getByTestId("field-problem")).toContainText("duration");
  await expect(page.getByTestId("problem").first()).toContainText(await page.getByTestId("field-timeout").getByTestId("field-problem").innerText());
});

test("[DESIGNER] typing in the YAML updates the graph, and selection follows between the views", async ({ page }) => {
  await openStudio(page);
  await newPipeline(page, "Designer typing");

  // Double-click a word in the YAML and type over it: the step is renamed in the graph.
  await page.getByTestId("yaml-pane").locator(".view-line span", { hasText: /^ship$/ }).dblclick();
  await page.keyboard.type("release");
  await expect(step(page, "release")).toBeVisible();
  await expect(step(page, "ship")).toHaveCount(0);
  // The cursor is in that step: it is selected in the graph and in the inspector.
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node", "step:release");
  await expect(step(page, "release")).toHaveClass(/selected/);

  // Clicking a node selects its YAML.
  await step(page, "unit").click();
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node", "step:unit");
  await expect(page.getByTestId("yaml-pane").locator(".selected-text").first()).toBeVisible();
});

test("[DESIGNER] a connection that would create a cycle is refused on the spot, with the reason", async ({ page }) => {
  await openStudio(page);
  await newPipeline(page, "Designer cycle");
  const before = await draft(page);

  const release = await connect(page, "deploy", "build");
  await expect(page.getByTestId("connection-refusal")).toContainText("would create a cycle deploy → build → deploy");
  await page.screenshot({ path: "test-results/designer-cycle-refusal.png" });
  await release();
  await expect(page.getByTestId("designer-notice")).toContainText("would create a cycle deploy → build → deploy");
  expect(await draft(page)).toBe(before);
});

test("[DESIGNER] one undo history: a graph edit undone in the YAML, a YAML edit undone from the graph", async ({ page }) => {
  await openStudio(page);
  await newPipeline(page, "Designer undo");
  const before = await draft(page);

  await dropOnStage(page, "wait", "test");
  await expect(step(page, "wait")).toBeVisible();
  await page.getByTestId("yaml-pane").locator(".monaco-editor").first().click();
  await page.keyboard.press("ControlOrMeta+Z");
  await expect(step(page, "wait")).toHaveCount(0);
  await expect.poll(() => draft(page)).toBe(before);
  await page.keyboard.press("ControlOrMeta+Shift+Z");
  await expect(step(page, "wait")).toBeVisible();
  await page.keyboard.press("ControlOrMeta+Z");
  await expect(step(page, "wait")).toHaveCount(0);

  await page.getByTestId("yaml-pane").locator(".view-line span", { hasText: /^unit$/ }).dblclick();
  await page.keyboard.type("unit-tests");
  await expect(step(page, "unit-tests")).toBeVisible();
  await step(page, "compile").click(); // the graph has the focus now
  await page.keyboard.press("ControlOrMeta+Z");
  await expect(step(page, "unit")).toBeVisible();
  await expect(step(page, "unit-tests")).toHaveCount(0);
  await page.keyboard.press("ControlOrMeta+Y");
  await expect(step(page, "unit-tests")).toBeVisible();

  // Delete with the keyboard in the graph, undone from the graph: the stage and its comments come back byte for byte.
  const beforeDelete = await draft(page);
  await step(page, "unit-tests").click();
  await page.keyboard.press("Delete");
  await expect(page.getByTestId("designer-notice")).toContainText("only step"); // a stage keeps at least one step
  await stage(page, "test").getByText("test", { exact: true }).click();
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node", "stage:test");
  await page.keyboard.press("Delete");
  await expect(stage(page, "test")).toHaveCount(0);
  await expect.poll(() => draft(page)).not.toContain("id: unit-tests");
  await page.keyboard.press("ControlOrMeta+Z");
  await expect(stage(page, "test")).toBeVisible();
  await expect.poll(() => draft(page)).toBe(beforeDelete);
});

test("[DESIGNER] a save that conflicts with another person's save shows the conflict and the diff", async ({ page, browser }) => {
  await openStudio(page);
  await newPipeline(page, "Designer conflict");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByLabel("What changed?").fill("first version");
  await page.getByRole("button", { name: /Save revision/ }).click();
  await expect(page.getByTestId("revision-badge")).toHaveText("rev 2");

  // A second person, in another browser context, opens the same pipeline, changes it and saves first.
  // Signed in on its own (browser.newContext would otherwise start from this worker's stored session).
  const other = await browser.newContext({ baseURL: `http://localhost:${E2E_PORT}`, viewport: { width: 1440, height: 900 }, storageState: { cookies: [], origins: [] } });
  const theirs = await other.newPage();
  await signIn(theirs, E2E_ADMIN);
  await theirs.goto(page.url());
  await expect(stage(theirs, "deploy")).toBeVisible();
  await dropOnStage(theirs, "approval", "deploy");
  await expect(step(theirs, "approval")).toBeVisible();
  await theirs.getByRole("button", { name: "Save" }).click();
  await theirs.getByLabel("What changed?").fill("their approval");
  await theirs.getByRole("button", { name: /Save revision/ }).click();
  await expect(theirs.getByTestId("revision-badge")).toHaveText("rev 3");
  await other.close();

  // Meanwhile this person adds an HTTP check and saves: refused, with their revision beside this draft.
  await dropOnStage(page, "http", "build");
  await expect(step(page, "http")).toBeVisible();
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByLabel("What changed?").fill("my http check");
  await page.getByRole("button", { name: /Save revision/ }).click();
  const dialog = page.getByTestId("conflict-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Revision 3");
  await expect(dialog.getByTestId("diff-original-label")).toContainText("Revision 3 (theirs)");
  await expect(dialog.locator(".editor.original")).toContainText("id: approval");
  await expect(dialog.locator(".editor.modified")).toContainText("id: http");
  await expect(page.getByTestId("revision-badge")).toHaveText("rev 2 + draft");

  // Keep editing: the draft stays, now based on their revision, and the next save goes through knowingly.
  await dialog.getByTestId("conflict-rebase").click();
  await expect(page.getByTestId("revision-badge")).toHaveText("rev 3 + draft");
  expect(await draft(page)).toContain("id: http");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByLabel("What changed?").fill("my http check, over theirs");
  await page.getByRole("button", { name: /Save revision/ }).click();
  await expect(page.getByTestId("revision-badge")).toHaveText("rev 4");
});
