/**
 * SAML sign-in through the real Better Auth handler (SSO plugin) against PostgreSQL and a real SAML IdP on loopback
 * (e2e/sso/saml-idp.mjs, samlify as IdP, its certificate made by openssl for this run). SP-initiated:
 * sign-in/sso → AuthnRequest (HTTP-Redirect) → the IdP's login form → signed Response → POST to the ACS.
 *   - the user ends signed in, with the IdP's groups on the user and a group mapping giving them their role;
 *   - a tampered response (a group added after signing), an unsigned one, one signed by another key, and a replayed
 *     one are refused: no session, no user change;
 *   - an existing (invited) account is linked only when its email domain is in SAML_EMAIL_DOMAINS.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM test helper without types
import { makeSelfSignedCert, startSamlIdp } from "~/e2e/sso/saml-idp.mjs";
import { useTestDatabase } from "~/test-support/db";

const base = "http://localhost:3000";
const dir = mkdtempSync(join(tmpdir(), "slipway-saml-"));
const rogueDir = mkdtempSync(join(tmpdir(), "slipway-saml-rogue-"));
const good = makeSelfSignedCert(dir);
const rogue = makeSelfSignedCert(rogueDir, "rogue-idp");

type Auth = typeof import("./auth").auth;
let auth: Auth;
const spMetadata = async () => (await auth().handler(new Request(`${base}/api/auth/sso/saml2/sp/metadata?providerId=saml`))).text();

// The IdP must be listening before the studio's configuration is read (its URL is SAML_ENTRY_POINT).
const idp = await startSamlIdp({ key: good.key, cert: good.cert, spMetadata });
// Same entity ID, another key: what an attacker without the IdP's key can produce.
const rogueIdp = await startSamlIdp({ key: rogue.key, cert: rogue.cert, spMetadata, entityId: idp.entityId });
Object.assign(process.env, {
  SAML_ENTRY_POINT: idp.ssoUrl,
  SAML_IDP_ENTITY_ID: idp.entityId,
  SAML_IDP_CERT_FILE: good.certFile,
  SAML_DISPLAY_NAME: "Example SAML",
  SAML_EMAIL_DOMAINS: "saml.example",
});
const { db } = useTestDatabase();
(globalThis as { __slipwayAuth?: unknown }).__slipwayAuth = undefined;
auth = (await import("./auth")).auth;
const { getSessionUser } = await import("./session");

afterAll(async () => {
  await Promise.all([idp.close(), rogueIdp.close()]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(rogueDir, { recursive: true, force: true });
});

const hiddenInputs = (html: string) =>
  Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]!.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&apos;/g, "'").replace(/&amp;/g, "&")]));

/** Steps 1–3: the studio's AuthnRequest, the IdP's login form, the IdP's signed Response (not yet posted). */
async function idpResponse(login: string, via = idp) {
  const start = await auth().handler(
    new Request(`${base}/api/auth/sign-in/sso`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ providerId: "saml", callbackURL: "/projects", errorCallbackURL: "/signin?error=sso" }),
    }),
  );
  expect(start.status).toBe(200);
  const { url } = (await start.json()) as { url: string };
  expect(url.startsWith(`${idp.ssoUrl}?SAMLRequest=`)).toBe(true);
  // The browser would follow this redirect to the IdP; `via` lets the rogue IdP answer the same request.
  const form = await fetch(url.replace(idp.url, via.url));
  expect(form.status).toBe(200);
  const posted = await fetch(`${via.url}/sso/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...hiddenInputs(await form.text()), login, password: "anything" }),
  });
  const html = await posted.text();
  expect(posted.status, html).toBe(200);
  const action = html.match(/<form method="post" action="([^"]+)"/)![1]!.replace(/&amp;/g, "&");
  expect(action).toBe(`${base}/api/auth/sso/saml2/sp/acs/saml`);
  const { SAMLResponse, RelayState } = hiddenInputs(html);
  return { action, SAMLResponse: SAMLResponse!, RelayState: RelayState! };
}

/** Step 4: the browser POSTs the Response to the ACS (cross-site, from the IdP's page). */
async function postToAcs(r: { action: string; SAMLResponse: string; RelayState: string }) {
  const res = await auth().handler(
    new Request(r.action, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: idp.url },
      body: new URLSearchParams({ SAMLResponse: r.SAMLResponse, RelayState: r.RelayState }),
    }),
  );
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .filter((c) => !c.endsWith("="))
    .join("; ");
  return { status: res.status, location: res.headers.get("location") ?? "", cookie, hasSession: /session_token=/.test(cookie) };
}

const xmlOf = (b64: string) => Buffer.from(b64, "base64").toString("utf8");
const b64Of = (xml: string) => Buffer.from(xml, "utf8").toString("base64");

describe("SAML sign-in (SP-initiated, real IdP on loopback)", () => {
  beforeAll(async () => {
    await db.roleMapping.deleteMany({ where: { group: { startsWith: "saml-" } } });
    await db.roleMapping.create({ data: { group: "saml-platform-admins", projectId: null, role: "ADMIN" } });
  });

  it("serves SP metadata that asks for signed assertions at the ACS", async () => {
    const xml = await spMetadata();
    expect(xml).toContain('WantAssertionsSigned="true"');
    expect(xml).toContain(`${base}/api/auth/sso/saml2/sp/acs/saml`);
  });

  it("signs a user in through the IdP, stores the IdP's groups and maps them to a role", async () => {
    const r = await idpResponse("sam");
    expect(xmlOf(r.SAMLResponse)).toContain("<ds:Signature");
    const res = await postToAcs(r);
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/\/projects$/);
    expect(res.hasSession).toBe(true);

    const user = await getSessionUser(new Headers({ cookie: res.cookie }));
    expect(user).toMatchObject({ email: "sam@saml.example", name: "Sam Saml", ssoGroups: ["everyone", "saml-platform-admins"], orgRole: "ADMIN", mfa: true });
    const account = await db.account.findFirst({ where: { userId: user!.id } });
    expect(account).toMatchObject({ providerId: "saml", accountId: "sam@saml.example" });
    const audit = await db.auditEvent.findFirst({ where: { action: "auth.signIn", actorId: user!.id }, orderBy: { id: "desc" } });
    expect(audit?.summary).toMatchObject({ groups: ["everyone", "saml-platform-admins"], mfa: true });
  });

  it("updates the groups at the next sign-in; an unmapped group gives no organisation role", async () => {
    const res = await postToAcs(await idpResponse("dana"));
    expect(res.hasSession).toBe(true);
    const user = await getSessionUser(new Headers({ cookie: res.cookie }));
    expect(user).toMatchObject({ email: "dana@saml.example", ssoGroups: ["everyone", "saml-team-a-deployers"], orgRole: null, mfa: false });
  });

  it("refuses a response whose assertion was changed after signing (a group added)", async () => {
    const r = await idpResponse("dana");
    const tampered = xmlOf(r.SAMLResponse).replace(">saml-team-a-deployers<", ">saml-platform-admins<");
    expect(tampered).not.toBe(xmlOf(r.SAMLResponse));
    const res = await postToAcs({ ...r, SAMLResponse: b64Of(tampered) });
    expect(res.hasSession).toBe(false);
    expect(res.location).toMatch(/error=/);
    expect((await db.user.findUnique({ where: { email: "dana@saml.example" } }))?.ssoGroups).toEqual(["everyone", "saml-team-a-deployers"]);
  });

  it("refuses an unsigned response", async () => {
    const r = await idpResponse("dana");
    const unsigned = xmlOf(r.SAMLResponse).replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, "");
    expect(unsigned).not.toContain("Signature");
    const res = await postToAcs({ ...r, SAMLResponse: b64Of(unsigned.replace(">saml-team-a-deployers<", ">saml-platform-admins<")) });
    expect(res.hasSession).toBe(false);
    expect(res.location).toMatch(/error=/);
  });

  it("refuses a response signed by another key for the same IdP entity ID", async () => {
    const r = await idpResponse("sam", rogueIdp);
    const res = await postToAcs(r);
    expect(res.hasSession).toBe(false);
    expect(res.location).toMatch(/error=/);
  });

  it("refuses a replayed response", async () => {
    const r = await idpResponse("sam");
    expect((await postToAcs(r)).hasSession).toBe(true);
    const again = await postToAcs(r);
    expect(again.hasSession).toBe(false);
    expect(again.location).toMatch(/error=/);
  });

  it("refuses an unsolicited (IdP-initiated) response and a provider other than the configured one", async () => {
    const posted = await fetch(`${idp.url}/sso/unsolicited`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ login: "sam" }) });
    const html = await posted.text();
    const { SAMLResponse } = hiddenInputs(html);
    expect(xmlOf(SAMLResponse!)).toContain("<ds:Signature");
    expect(xmlOf(SAMLResponse!)).not.toContain("InResponseTo");
    const unsolicited = await postToAcs({ action: `${base}/api/auth/sso/saml2/sp/acs/saml`, SAMLResponse: SAMLResponse!, RelayState: "" });
    expect(unsolicited.hasSession).toBe(false);
    expect(unsolicited.location).toMatch(/error=unsolicited_response/);
    const r = await idpResponse("sam");
    const other = await auth().handler(
      new Request(`${base}/api/auth/sign-in/sso`, { method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify({ providerId: "evil", callbackURL: "/" }) }),
    );
    expect(other.status).toBe(404);
    const otherAcs = await auth().handler(new Request(`${base}/api/auth/sso/saml2/sp/acs/evil`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ SAMLResponse: r.SAMLResponse }) }));
    expect(otherAcs.status).toBe(404);
  });

  it("does not let a signed-in user register another identity provider", async () => {
    const { cookie } = await postToAcs(await idpResponse("sam"));
    const res = await auth().handler(
      new Request(`${base}/api/auth/sso/register`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: base, cookie },
        body: JSON.stringify({ providerId: "mine", issuer: "http://evil.example", domain: "evil.example", samlConfig: { entryPoint: "http://evil.example/sso", cert: good.cert, issuer: "x", idpMetadata: { entityID: "e" } } }),
      }),
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).not.toBe(500);
  });

  it("refuses a disabled user", async () => {
    await db.user.update({ where: { email: "dana@saml.example" }, data: { disabled: true } });
    const res = await postToAcs(await idpResponse("dana"));
    expect(res.hasSession).toBe(false);
    await db.user.update({ where: { email: "dana@saml.example" }, data: { disabled: false } });
  });

  it("links an invited account in SAML_EMAIL_DOMAINS, and refuses to take over one outside them", async () => {
    const invited = await db.user.create({ data: { id: `u-lee-${Date.now()}`, email: "lee@saml.example", name: "Lee", emailVerified: true } }); // as inviteMember creates it
    const lee = await postToAcs(await idpResponse("lee"));
    expect(lee.hasSession, lee.location).toBe(true);
    expect((await getSessionUser(new Headers({ cookie: lee.cookie })))?.id).toBe(invited.id);

    const local = await db.user.create({ data: { id: `u-olga-${Date.now()}`, email: "olga@elsewhere.example", name: "Olga", emailVerified: true } });
    const olga = await postToAcs(await idpResponse("olga"));
    expect(olga.hasSession).toBe(false);
    expect(olga.location).toMatch(/error=/);
    expect(await db.account.count({ where: { userId: local.id } })).toBe(0);
    expect((await db.user.findUnique({ where: { id: local.id } }))?.ssoGroups).toEqual([]);
  });
});
