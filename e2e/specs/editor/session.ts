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
