/**
 * One real sign-in per worker for the editor specs, reused by every test through `storageState`.
 *
 * Signing in through the form in every test trips Better Auth's sign-in rate limit (3 attempts per 10 s, counted
 * while attempts keep coming less than 10 s apart), which a run of short tests does: the fourth test was then
 * greeted with "Sign-in is not available right now". The sign-in itself is still the real form, once.
 */
import { test as base, expect, type Page } from "@playwright/test";
import { signIn } from "../../fixtures/studio";

export const test = base.extend<object, { signedInState: string }>({
  signedInState: [
    async ({ browser }, use, workerInfo) => {
      const file = workerInfo.project.outputDir + `/.auth/editor-${workerInfo.workerIndex}.json`;
      const context = await browser.newContext({ baseURL: workerInfo.project.use.baseURL });
      await signIn(await context.newPage());
      await context.storageState({ path: file });
      await context.close();
      await use(file);
    },
    { scope: "worker" },
  ],
  storageState: async ({ signedInState }, use) => use(signedInState),
});

export { expect };

/** Opens the studio with the worker's session: lands on the demo project's pipelines, as after signing in. */
export async function openStudio(page: Page) {
  await page.goto("/");
  await expect(page).toHaveURL(/\/p\/demo\/pipelines/);
}

/** A stage / step node in the designer by its id. */
export const stage = (page: Page, id: string) => page.locator(`[data-testid=stage-node][data-stage-id="${id}"]`);
export const step = (page: Page, id: string) => page.locator(`[data-testid=step-node][data-step-id="${id}"]`);

/**
 * The document as the editor holds it: the draft mirrored to localStorage on every change (exactly what Save would
 * send; Monaco renders only the visible lines, so the DOM is not the text).
 */
export async function draft(page: Page): Promise<string> {
  return page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith("slipway:draft:"));
    return key ? (JSON.parse(localStorage.getItem(key)!) as { yaml: string }).yaml : "";
  });
}
