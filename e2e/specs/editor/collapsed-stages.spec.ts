/**
 * [DESIGNER] A large pipeline (more than 1,500 nodes) opens with its stages collapsed, each showing its step count
 * and kinds; a stage expands from its control, from a YAML cursor inside it, and when a step is dropped on it; the
 * drop is one undo step like any other; "Expand all" and "Collapse all" work on the whole graph.
 */
import type { Page } from "@playwright/test";
import { generatePipelineYaml } from "../../../bench/generate-pipeline";
import { createPipeline, replaceYaml } from "../../fixtures/studio";
import { draft, expect, openStudio, stage, step, test } from "./session";

/** 140 stages of 10 steps (8 shell, 2 wait): 1,540 nodes. */
const LARGE = generatePipelineYaml(1400).replace(/^name: .*$/m, "name: Large pipeline");


/** A collapsed stage lying wholly inside the visible canvas (away from the controls in its bottom-left corner). */
async function collapsedStageInView(page: Page): Promise<string> {
  const id = await page.evaluate(() => {
    const canvas = document.querySelector(".designer-canvas")!.getBoundingClientRect();
    const inside = (r: DOMRect) => r.left >= canvas.left + 40 && r.right <= canvas.right - 40 && r.top >= canvas.top + 40 && r.bottom <= canvas.bottom - 120;
    return [...document.querySelectorAll<HTMLElement>("[data-testid=stage-node][data-collapsed]")].find((el) => inside(el.getBoundingClientRect()))?.dataset.stageId;
  });
  expect(id, "a collapsed stage on screen").toBeTruthy();
  return id!;
}


test("[DESIGNER] a large pipeline opens collapsed; stages expand on demand and editing still works", async ({ page }) => {
  test.setTimeout(180_000);
  await openStudio(page);
  await createPipeline(page, "Large pipeline");
  await replaceYaml(page, LARGE);
  // Pasted in: still expanded (the graph collapses when a large pipeline is opened, not while it is being edited).
  await expect(page.getByTestId("step-node").first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("pipeline-title")).toHaveText("Large pipeline");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByLabel("What changed?").fill("140 stages");
  await page.getByRole("button", { name: /Save revision/ }).click();
  await expect(page.getByTestId("revision-badge")).toHaveText("rev 2", { timeout: 60_000 });

  // Opened again: every stage is one box, no step nodes at all.
  await page.reload();
  await expect(stage(page, "stage-0")).toHaveAttribute("data-collapsed", "true", { timeout: 60_000 });
  await expect(page.locator("[data-testid=stage-node]:not([data-collapsed])")).toHaveCount(0);
  await expect(page.getByTestId("step-node")).toHaveCount(0);
  await expect(page.getByTestId("expand-all")).toBeVisible();

  // Close enough to read the faces: "10 steps", 8 shell and 2 wait.
  for (let i = 0; i < 8; i++) await page.locator(".react-flow__controls-zoomin").click();
  await expect(page.getByTestId("stage-toggle").first()).toBeVisible();
  await expect(stage(page, "stage-0").getByTestId("stage-summary")).toContainText("10 steps");
  await expect(stage(page, "stage-0").getByTestId("stage-summary")).toContainText("Shell ×8");
  await expect(stage(page, "stage-0").getByTestId("stage-summary")).toContainText("Wait ×2");

  // A stage's own control expands it (its ten steps appear) and collapses it again.
  const id = await collapsedStageInView(page);
  const n = id.slice("stage-".length);
  await stage(page, id).getByTestId("stage-toggle").click();
  await expect(stage(page, id)).not.toHaveAttribute("data-collapsed");
  await expect(step(page, `s${n}-0`)).toBeVisible();
  await expect(page.locator(`[data-testid=step-node][data-step-id^="s${n}-"]`)).toHaveCount(10);
  await stage(page, id).getByTestId("stage-toggle").click();
  await expect(stage(page, id)).toHaveAttribute("data-collapsed", "true");
  await expect(page.getByTestId("step-node")).toHaveCount(0);

  // Clicking a collapsed stage selects it (inspector) and leaves it collapsed.
  await stage(page, id).getByTestId("stage-summary").click();
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node", `stage:${id}`);
  await expect(stage(page, id)).toHaveAttribute("data-collapsed", "true");

  // Selecting it revealed its YAML: the cursor put in one of its steps expands it and selects the step in the graph.
  await page.getByTestId("yaml-pane").locator(".view-line span", { hasText: new RegExp(`^s${n}-1$`) }).click();
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node", `step:s${n}-1`);
  await expect(stage(page, id)).not.toHaveAttribute("data-collapsed");
  await expect(step(page, `s${n}-1`)).toHaveClass(/selected/);

  // A step dropped on a collapsed stage goes after its last step; the stage opens to show it; Ctrl+Z takes it back.
  const target = await collapsedStageInView(page);
  const m = target.slice("stage-".length);
  const before = await draft(page);
  await page.locator('[data-testid=palette-item][data-kind="approval"]').dragTo(stage(page, target).getByTestId("stage-summary"));
  await expect(step(page, "approval")).toBeVisible();
  await expect(stage(page, target)).not.toHaveAttribute("data-collapsed");
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node", "step:approval");
  const after = await draft(page);
  expect(after).toContain(`      - id: s${m}-9\n        type: wait\n        duration: 1s\n      - id: approval\n        type: approval\n`);
  await page.getByTestId("pipeline-graph").focus();
  await page.keyboard.press("ControlOrMeta+Z");
  await expect(step(page, "approval")).toHaveCount(0);
  await expect.poll(() => draft(page)).toBe(before);

  // Expand all, then collapse all from the graph's controls.
  await page.getByTestId("expand-all").click();
  await expect(page.getByTestId("expand-all")).toHaveCount(0);
  await expect(page.locator("[data-testid=stage-node][data-collapsed]")).toHaveCount(0);
  await expect(page.getByTestId("step-node").first()).toBeVisible();
  await page.getByRole("button", { name: "Collapse all stages" }).click();
  await expect(page.getByTestId("step-node")).toHaveCount(0);
  await expect(page.getByTestId("expand-all")).toBeVisible();
});
