/**
 * [EXEC] The engine and the local delegate, through the browser: run the demo pipeline, watch its log stream while
 * the step runs, approve, see it succeed; a failing step's retries each show as an attempt; abort kills the
 * running process on the delegate host.
 */
import { execSync } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import { createPipeline, replaceYaml, signIn } from "../../fixtures/studio";

async function openPipeline(page: Page, name: RegExp | string) {
  await page.getByTestId("pipeline-row").getByRole("link", { name }).click();
  await expect(page.getByTestId("step-node").first()).toBeVisible();
}

async function createSavedPipeline(page: Page, name: string, yaml: string) {
  await createPipeline(page, name);
  await replaceYaml(page, yaml);
  await expect(page.getByTestId("problems")).toHaveCount(0);
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByLabel("What changed?").fill("e2e");
  await page.getByRole("button", { name: /Save revision/ }).click();
  await expect(page.getByTestId("revision-badge")).toHaveText("rev 2");
}

async function run(page: Page) {
  await page.getByTestId("run-button").click();
  await page.getByRole("dialog").getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByTestId("execution-page")).toBeVisible();
}

const stepNode = (page: Page, id: string) => page.locator(`[data-testid=step-node][data-step-id="${id}"]`);

test("[EXEC] run the demo: logs stream while the step runs, approve, success", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page);
  await openPipeline(page, "Checkout service");
  await run(page);
  // The first step is selected automatically; its log fills while the node still says running.
  await expect(stepNode(page, "compile")).toHaveAttribute("data-status", "RUNNING", { timeout: 30_000 });
  await expect(page.getByTestId("step-panel").getByText("compiling api")).toBeVisible();
  await expect(stepNode(page, "compile")).toHaveAttribute("data-status", "RUNNING");
  // The approval waits for an Admin: us.
  await expect(page.getByTestId("approval-box")).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId("execution-page")).toHaveAttribute("data-status", "APPROVAL_REQUIRED");
  await page.getByLabel("Approval comment").fill("ship it");
  await page.getByTestId("approval-box").getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("execution-page")).toHaveAttribute("data-status", "SUCCESS", { timeout: 90_000 });
  await stepNode(page, "deploy-instances").click();
  // The deploy step printed the secret token: the log shows it masked.
  await expect(page.getByTestId("step-panel").getByText("Using token ***")).toBeVisible();
});

test("[EXEC] a failing step with retry shows each attempt", async ({ page }) => {
  await signIn(page);
  const name = `Flaky ${Date.now()}`;
  await createSavedPipeline(page, name, `apiVersion: slipway/v1\nkind: Pipeline\nname: ${name}\nstages:\n  - id: a\n    steps:\n      - id: flaky\n        type: shell\n        script: |\n          echo "trying"\n          exit 3\n        onFailure: { action: retry, retries: 2, backoff: 1s }\n`);
  await run(page);
  await expect(page.getByTestId("execution-page")).toHaveAttribute("data-status", "FAILED", { timeout: 60_000 });
  await stepNode(page, "flaky").click();
  await expect(page.getByTestId("attempt-tab")).toHaveCount(3);
  await expect(page.getByTestId("step-message")).toContainText("exit code 3");
});

test("[EXEC] abort stops a running sleep on the delegate host", async ({ page }) => {
  await signIn(page);
  const name = `Sleeper ${Date.now()}`;
  await createSavedPipeline(page, name, `apiVersion: slipway/v1\nkind: Pipeline\nname: ${name}\nstages:\n  - id: a\n    steps:\n      - id: nap\n        type: shell\n        script: |\n          sleep 600 &\n          echo "sleep pid $!"\n          wait\n`);
  await run(page);
  const line = page.getByTestId("step-panel").getByText(/sleep pid \d+/);
  await expect(line).toBeVisible({ timeout: 30_000 });
  const pid = Number((await line.textContent())!.match(/sleep pid (\d+)/)![1]);
  expect(() => execSync(`kill -0 ${pid}`)).not.toThrow();
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Abort" }).click();
  await expect(page.getByTestId("execution-page")).toHaveAttribute("data-status", "ABORTED", { timeout: 30_000 });
  await expect.poll(() => { try { execSync(`kill -0 ${pid}`, { stdio: "ignore" }); return "alive"; } catch { return "gone"; } }, { timeout: 15_000 }).toBe("gone");
});
