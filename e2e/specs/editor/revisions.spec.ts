/**
 * [REVISIONS] The history of a pipeline from the editor: compare any two revisions in Monaco's diff editor, restore
 * an old revision as a new one (the newer revisions stay), and a warning before walking away from unsaved edits.
 */
import type { Page } from "@playwright/test";
import { createPipeline, replaceYaml } from "../../fixtures/studio";
import { LEAVE_MESSAGE } from "../../../components/editor/use-unsaved-guard";
import { expect, openStudio, test } from "./session";

const FIRST = `apiVersion: slipway/v1
kind: Pipeline
name: Revisions
# first version: one stage
stages:
  - id: build
    steps:
      - id: compile
        type: shell
        script: make # the compiler
`;
const SECOND = FIRST.replace("script: make # the compiler", "script: make release # the compiler, release mode");

async function save(page: Page, message: string, revision: number) {
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByLabel("What changed?").fill(message);
  await page.getByRole("button", { name: /Save revision/ }).click();
  await expect(page.getByTestId("revision-badge")).toHaveText(`rev ${revision}`);
}

const revisionRow = (page: Page, n: number) => page.locator(".revision-row").filter({ has: page.getByText(`#${n}`, { exact: true }) });

test("[REVISIONS] compare two revisions, restore an old one as a new revision", async ({ page }) => {
  await openStudio(page);
  await createPipeline(page, "Revisions");
  await replaceYaml(page, FIRST);
  await expect(page.locator('[data-testid=step-node][data-step-id="compile"]')).toBeVisible();
  await save(page, "make", 2);
  await replaceYaml(page, SECOND);
  await expect(page.getByTestId("revision-badge")).toHaveText("rev 2 + draft");
  await save(page, "make release", 3);

  // Tick two revisions and compare them: the older on the left, the newer on the right, the change marked.
  await page.getByRole("button", { name: "History" }).click();
  await expect(page.getByTestId("revision-item")).toHaveCount(3);
  await revisionRow(page, 3).getByTestId("revision-tick").check();
  await revisionRow(page, 2).getByTestId("revision-tick").check();
  await page.getByTestId("compare-revisions").click();
  const compare = page.getByTestId("compare-dialog");
  await expect(compare.getByTestId("diff-original-label")).toHaveText("Revision 2 — make");
  await expect(compare.getByTestId("diff-modified-label")).toHaveText("Revision 3 — make release");
  await expect(compare.locator(".editor.original")).toContainText("script: make # the compiler");
  await expect(compare.locator(".editor.modified")).toContainText("script: make release # the compiler, release mode");
  // Monaco's diff decorations: one line removed on the left, one inserted on the right.
  await expect(compare.locator(".editor.original .line-delete")).toHaveCount(1);
  await expect(compare.locator(".editor.modified .line-insert")).toHaveCount(1);
  await page.keyboard.press("Escape");
  await expect(compare).toHaveCount(0);

  // Open revision 2 read-only and restore it: it becomes revision 4, revision 3 stays in the history.
  await revisionRow(page, 2).getByTestId("revision-item").click();
  await expect(page.getByTestId("viewing-banner")).toContainText("Viewing revision 2 (make)");
  await expect(page.getByTestId("yaml-pane")).toContainText("script: make # the compiler");
  await page.getByTestId("restore-revision").click();
  await expect(page.getByTestId("revision-badge")).toHaveText("rev 4");
  await expect(page.getByTestId("viewing-banner")).toHaveCount(0);
  await expect(page.getByTestId("yaml-pane")).toContainText("script: make # the compiler");
  await expect(page.getByTestId("revision-item")).toHaveCount(4);
  await expect(page.getByTestId("revision-item").first()).toContainText("#4");
  await expect(page.getByTestId("revision-item").first()).toContainText("Restored revision 2");
  await expect(revisionRow(page, 3)).toContainText("make release");

  // After a reload the editor is at revision 4 with revision 2's text, and the draft is clean.
  await page.reload();
  await expect(page.getByTestId("revision-badge")).toHaveText("rev 4");
  await expect(page.getByTestId("yaml-pane")).toContainText("script: make # the compiler");
});

test("[REVISIONS] leaving with unsaved edits asks first; the draft survives", async ({ page }) => {
  await openStudio(page);
  await createPipeline(page, "Unsaved edits");
  const editorUrl = page.url();

  await replaceYaml(page, FIRST.replace("name: Revisions", "name: Unsaved edits"));
  await expect(page.getByTestId("revision-badge")).toHaveText("rev 1 + draft");

  // An in-app link: a confirm with the reason; dismissing it keeps the page.
  const dialogs: string[] = [];
  page.once("dialog", (d) => (dialogs.push(d.message()), void d.dismiss()));
  await page.locator(".editor-bar").getByRole("link", { name: "Pipelines", exact: true }).click();
  await expect.poll(() => dialogs).toEqual([LEAVE_MESSAGE]);
  await expect(page).toHaveURL(editorUrl);
  await expect(page.getByTestId("revision-badge")).toHaveText("rev 1 + draft");

  // Closing the tab (or reloading): the browser's own beforeunload prompt.
  const unload = new Promise<string>((resolve) => page.once("dialog", (d) => (resolve(d.type()), void d.dismiss())));
  await page.close({ runBeforeUnload: true });
  expect(await unload).toBe("beforeunload");
  expect(page.isClosed()).toBe(false);

  // Accepting the confirm leaves; coming back, the draft is still there.
  page.once("dialog", (d) => void d.accept());
  await page.locator(".editor-bar").getByRole("link", { name: "Pipelines", exact: true }).click();
  await expect(page).toHaveURL(/\/p\/demo\/pipelines$/);
  await page.goto(editorUrl);
  await expect(page.getByTestId("revision-badge")).toHaveText("rev 1 + draft");
  await expect(page.getByTestId("yaml-pane")).toContainText("first version: one stage");
});
