/**
 * [EDITOR] The foundation's promise, end to end: sign in as the bootstrap admin, create a pipeline by typing YAML,
 * see it as a graph, break it and see the error at its line (and the save refused), fix it, save, reload, and find
 * the revision in the history.
 */
import { createPipeline, replaceYaml, squiggleLine } from "../../fixtures/studio";
import { expect, openStudio, stage, test } from "./session";

const PIPELINE = `apiVersion: slipway/v1
kind: Pipeline
name: E2E pipeline
# typed in the browser
stages:
  - id: build
    steps:
      - id: compile
        type: shell
        script: echo compiling
      - id: unit-tests
        type: shell
        script: echo testing
  - id: deploy
    steps:
      - id: approve
        type: approval
        approvers:
          roles: [Admin]
      - id: ship
        type: wait
        duration: 5s
`;

test("[EDITOR] the demo pipeline opens with the graph beside the YAML", async ({ page }) => {
  await openStudio(page);
  // The seeded demo pipeline, by the name its YAML gives it (other specs add pipelines to the same project).
  await page.getByTestId("pipeline-row").getByRole("link", { name: "Checkout service", exact: true }).click();
  await expect(page.getByTestId("step-node").first()).toBeVisible();
  expect(await page.getByTestId("stage-node").count()).toBeGreaterThanOrEqual(4);
  await expect(page.getByTestId("yaml-pane")).toContainText("apiVersion: slipway/v1");
  // Readable on a 1440 px screen: not shrunk to fit all five columns (≈ 0.45, unreadable), and the pipeline's first
  // stage in view; "Fit view" still shows everything.
  const zoom = () => page.evaluate(() => new DOMMatrixReadOnly(getComputedStyle(document.querySelector(".react-flow__viewport")!).transform).a);
  await expect.poll(zoom).toBeGreaterThanOrEqual(0.75);
  await expect(stage(page, "build")).toBeInViewport();
  await page.getByTestId("fit-view").click();
  await expect.poll(zoom).toBeLessThan(0.75);
});

test("[EDITOR] create by typing YAML, break it, fix it, save, reload, see the revision", async ({ page }) => {
  await openStudio(page);
  await createPipeline(page, "E2E pipeline");

  await replaceYaml(page, PIPELINE);
  await expect(page.locator('[data-testid=step-node][data-step-id="unit-tests"]')).toBeVisible();
  await expect(page.locator('[data-testid=step-node][data-step-id="approve"]')).toBeVisible();
  await expect(page.getByTestId("stage-node")).toHaveCount(2);

  // Break it: a wait step whose duration is not a duration (line 22).
  await replaceYaml(page, PIPELINE.replace("duration: 5s", "duration: soon"));
  await expect(page.getByTestId("problem").first()).toContainText("22:");
  await expect.poll(() => squiggleLine(page)).toBe(22);
  await expect(page.getByTestId("pipeline-graph")).toHaveAttribute("data-stale", "true");

  await page.getByRole("button", { name: "Save" }).click();
  await page.getByLabel("What changed?").fill("broken on purpose");
  await page.getByRole("button", { name: /Save revision/ }).click();
  await expect(page.getByTestId("save-error")).toContainText("Not saved");
  await expect(page.getByTestId("revision-badge")).toHaveText(/rev 1/);

  // The draft survives a reload until it is saved or discarded.
  await page.reload();
  await expect(page.getByTestId("yaml-pane")).toContainText("duration: soon");

  await replaceYaml(page, PIPELINE);
  await expect(page.getByTestId("problems")).toHaveCount(0);
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByLabel("What changed?").fill("Two stages with an approval");
  await page.getByRole("button", { name: /Save revision/ }).click();
  await expect(page.getByTestId("revision-badge")).toHaveText("rev 2");

  await page.reload();
  await expect(page.getByTestId("revision-badge")).toHaveText("rev 2");
  await expect(page.getByTestId("yaml-pane")).toContainText("typed in the browser");
  await page.getByRole("button", { name: "History" }).click();
  const item = page.getByTestId("revision-item").first();
  await expect(item).toContainText("#2");
  await expect(item).toContainText("Two stages with an approval");
  await expect(item).toContainText("Admin");
  await page.getByTestId("revision-item").nth(1).click();
  await expect(page.getByTestId("viewing-banner")).toContainText("revision 1");
});
