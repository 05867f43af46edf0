/**
 * SAML sign-in in the browser, against a real SAML IdP process (e2e/sso/saml-idp.mjs) — see saml.config.ts:
 *   1. the bootstrap Admin maps the IdP group `saml-platform-admins` to Admin organisation-wide, in the studio UI;
 *   2. sam signs in with "Continue with Example SAML": studio → AuthnRequest → the IdP's login form → signed
 *      Response auto-posted to the ACS → back in the studio as an Admin (through the mapping), MFA from the IdP;
 *   3. dana, whose groups are not mapped, signs in too and gets no organisation role;
 *   4. a Response changed on its way to the ACS (a group added) is refused: back on the sign-in page, no session.
 * Tampered, unsigned, foreign-key, replayed and unsolicited responses are covered in server/auth/saml.integration.test.ts.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import { SAML_ADMIN, SAML_IDP_ORIGIN, SAML_NAME, SAML_ORIGIN } from "./saml.config";

test.describe.configure({ mode: "serial" });

async function sessionToken(page: Page) {
  return (await page.context().cookies(SAML_ORIGIN)).find((c) => c.name.endsWith("better-auth.session_token"))?.value;
}

/** Through the sign-in page's SAML button to the IdP's login form, signed in there as `login`. */
async function throughIdp(browser: Browser, login: string, beforeSubmit?: (page: Page) => Promise<void>) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole("button", { name: /^Continue with / })).toHaveCount(1); // only SAML is configured here
  await page.getByRole("button", { name: `Continue with ${SAML_NAME}` }).click();
  await page.waitForURL((u) => u.origin === SAML_IDP_ORIGIN && u.pathname === "/sso", { timeout: 30_000 });
  await page.getByLabel("Login").fill(login);
  await page.getByLabel("Password").fill("whatever-the-idp-accepts");
  await beforeSubmit?.(page);
  await page.getByRole("button", { name: "Sign in to the SAML IdP" }).click();
  return page;
}

async function signedInAs(page: Page) {
  await page.waitForURL((u) => u.origin === SAML_ORIGIN && !u.pathname.startsWith("/signin") && !u.pathname.startsWith("/api/"), { timeout: 30_000 });
  await page.goto("/account");
  return page;
}

test("the Admin maps a SAML group to Admin in the studio", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByRole("button", { name: `Continue with ${SAML_NAME}` })).toBeVisible();
  await page.getByLabel("Email").fill(SAML_ADMIN.email);
  await page.getByLabel("Password").fill(SAML_ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).not.toHaveURL(/\/signin/);
  await page.goto("/settings/access");
  const org = page.getByTestId("mappings");
  await org.getByRole("textbox", { name: "Group", exact: true }).fill("saml-platform-admins");
  await org.getByRole("combobox", { name: "Role", exact: true }).selectOption("ADMIN");
  await org.getByRole("button", { name: "Add mapping" }).click();
  await expect(org.getByRole("row", { name: /saml-platform-admins/ })).toBeVisible();
});

test("sam signs in through the SAML IdP and is an Admin by the group mapping, with the IdP's MFA", async ({ browser }) => {
  const page = await signedInAs(await throughIdp(browser, "sam"));
  await expect(page.locator("dl.kv")).toContainText("sam@saml.example");
  await expect(page.locator("dl.kv")).toContainText("saml-platform-admins");
  await expect(page.getByTestId("session-mfa")).toHaveText("signed in with multi-factor authentication");
  await expect(page.locator("header.topbar").getByRole("link", { name: "Access", exact: true })).toBeVisible();
  await page.goto("/settings/access");
  await expect(page.getByTestId("mappings")).toBeVisible();
  await page.context().close();
});

test("dana's groups are not mapped: signed in, without an organisation role", async ({ browser }) => {
  const page = await signedInAs(await throughIdp(browser, "dana"));
  await expect(page.locator("dl.kv")).toContainText("saml-team-a-deployers");
  await expect(page.getByTestId("session-mfa")).toHaveText("signed in without a second factor");
  await expect(page.locator("header.topbar").getByRole("link", { name: "Access", exact: true })).toHaveCount(0);
  await page.context().close();
});

test("a Response changed on its way to the ACS is refused", async ({ browser }) => {
  const page = await throughIdp(browser, "dana", async (p) => {
    // The browser carries the Response: an attacker controlling it adds an Admin group after the IdP signed it.
    await p.route("**/api/auth/sso/saml2/sp/acs/saml", async (route) => {
      const form = new URLSearchParams(route.request().postData() ?? "");
      const xml = Buffer.from(form.get("SAMLResponse") ?? "", "base64").toString("utf8");
      const forged = xml.replace(">saml-team-a-deployers<", ">saml-platform-admins<");
      expect(forged).not.toBe(xml);
      form.set("SAMLResponse", Buffer.from(forged, "utf8").toString("base64"));
      await route.continue({ postData: form.toString() });
    });
  });
  await page.waitForURL((u) => u.origin === SAML_ORIGIN && u.pathname === "/signin", { timeout: 30_000 });
  await expect(page.getByRole("alert").filter({ hasText: "Sign-in failed" })).toBeVisible();
  expect(await sessionToken(page)).toBeUndefined();
  await page.context().close();
});
