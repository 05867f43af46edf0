/**
 * A SAML 2.0 identity provider for tests (npm `samlify` in the IdP role), on loopback. It answers the studio's
 * AuthnRequest (HTTP-Redirect binding) with a login form, and posts back a signed Response (HTTP-POST binding) for
 * the chosen user, with the user's groups as a multi-valued `groups` attribute and `amr` for MFA.
 *
 * Used two ways:
 *   - imported by server/auth/saml.integration.test.ts: `startSamlIdp({ spMetadata: () => xml })`;
 *   - as a process (`node e2e/sso/saml-idp.mjs`) with SAML_IDP_PORT, SAML_IDP_KEY_FILE, SAML_IDP_CERT_FILE and
 *     SP_METADATA_URL (the studio's /api/auth/sso/saml2/sp/metadata?providerId=saml, fetched at the first login).
 *
 * Its signing key is a self-signed certificate made with openssl by the test (`makeSelfSignedCert`), never a
 * checked-in key. Any password is accepted; the login name picks the user from USERS.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as samlify from "samlify";

const saml = samlify.default ?? samlify;

/** Who can sign in at this IdP, by login name. */
export const USERS = {
  sam: { email: "sam@saml.example", name: "Sam Saml", groups: ["saml-platform-admins", "everyone"], amr: ["pwd", "otp"] },
  dana: { email: "dana@saml.example", name: "Dana Deployer", groups: ["saml-team-a-deployers", "everyone"], amr: ["pwd"] },
  /** Invited in the studio before their first SSO sign-in (tests create the account). */
  lee: { email: "lee@saml.example", name: "Lee Invited", groups: ["everyone"], amr: ["pwd"] },
  /** Has a studio account, but in a domain the studio does not trust this IdP for. */
  olga: { email: "olga@elsewhere.example", name: "Olga Outside", groups: ["saml-platform-admins"], amr: ["pwd"] },
};

const REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

/** A fresh RSA key and self-signed certificate (PEM), written to `dir` as idp.key / idp.crt. */
export function makeSelfSignedCert(dir, cn = "slipway-test-idp") {
  const keyFile = join(dir, "idp.key");
  const certFile = join(dir, "idp.crt");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2", "-subj", `/CN=${cn}`, "-keyout", keyFile, "-out", certFile], { stdio: "ignore" });
  return { keyFile, certFile, key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") };
}

const esc = (v) => String(v).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

function attributeStatement(attributes) {
  const attrs = Object.entries(attributes)
    .map(([name, vals]) => {
      const values = (Array.isArray(vals) ? vals : [vals]).map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`).join("");
      return `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${values}</saml:Attribute>`;
    })
    .join("");
  return `<saml:AttributeStatement>${attrs}</saml:AttributeStatement>`;
}

/** The Response template: samlify's default, with our own AuthnStatement and multi-valued attributes. */
function responseXml(v) {
  const irt = v.inResponseTo ? ` InResponseTo="${esc(v.inResponseTo)}"` : "";
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${esc(v.id)}" Version="2.0" IssueInstant="${v.now}" Destination="${esc(v.acs)}"${irt}>` +
    `<saml:Issuer>${esc(v.issuer)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${esc(v.assertionId)}" Version="2.0" IssueInstant="${v.now}">` +
    `<saml:Issuer>${esc(v.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${EMAIL_FORMAT}">${esc(v.nameId)}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${v.later}" Recipient="${esc(v.acs)}"${irt}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${v.now}" NotOnOrAfter="${v.later}"><saml:AudienceRestriction><saml:Audience>${esc(v.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${v.now}" SessionIndex="${esc(v.sessionIndex)}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    attributeStatement(v.attributes) +
    `</saml:Assertion></samlp:Response>`
  );
}

function page(title, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>${body}</body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
}

/**
 * Start the IdP. `spMetadata` returns the studio's SP metadata XML (entity ID, ACS URL, WantAssertionsSigned).
 * Resolves to { url, entityId, ssoUrl, close() }.
 */
export async function startSamlIdp({ port = 0, host = "127.0.0.1", key, cert, spMetadata, users = USERS, entityId: fixedEntityId }) {
  const server = createServer();
  await new Promise((resolve) => server.listen(port, host, resolve));
  const url = `http://${host}:${server.address().port}`;
  const entityId = fixedEntityId ?? `${url}/metadata`;
  const ssoUrl = `${url}/sso`;
  const idp = saml.IdentityProvider({
    entityID: entityId,
    privateKey: key,
    signingCert: cert,
    nameIDFormat: [EMAIL_FORMAT],
    singleSignOnService: [{ Binding: REDIRECT_BINDING, Location: ssoUrl }],
  });
  let sp = null;
  const serviceProvider = async () => (sp ??= saml.ServiceProvider({ metadata: await spMetadata() }));

  /** A signed Response for `login`: to the AuthnRequest in `query`, or unsolicited (IdP-initiated) without one. */
  async function loginResponse(query, login) {
    const user = users[login];
    if (!user) return null;
    const s = await serviceProvider();
    const request = query.SAMLRequest ? await idp.parseLoginRequest(s, "redirect", { query }) : { extract: { request: { id: "" } } };
    const acs = s.entityMeta.getAssertionConsumerService("post");
    const now = new Date();
    const result = await idp.createLoginResponse(s, request, "post", { email: user.email }, {
      relayState: query.RelayState,
      customTagReplacement: () => ({
        id: `_${randomUUID()}`,
        context: responseXml({
          id: `_${randomUUID()}`,
          assertionId: `_${randomUUID()}`,
          sessionIndex: `_${randomUUID()}`,
          now: now.toISOString(),
          later: new Date(now.getTime() + 5 * 60_000).toISOString(),
          acs,
          audience: s.entityMeta.getEntityID(),
          issuer: entityId,
          inResponseTo: request.extract.request.id,
          nameId: user.email,
          attributes: { email: user.email, displayName: user.name, groups: user.groups, amr: user.amr },
        }),
      }),
    });
    return { acs, SAMLResponse: result.context, RelayState: query.RelayState };
  }

  server.on("request", async (req, res) => {
    try {
      const u = new URL(req.url, url);
      if (req.method === "GET" && u.pathname === "/metadata") {
        res.writeHead(200, { "content-type": "application/samlmetadata+xml" }).end(idp.getMetadata());
      } else if (req.method === "GET" && u.pathname === "/sso") {
        const q = Object.fromEntries(u.searchParams);
        if (!q.SAMLRequest) return void res.writeHead(400).end("SAMLRequest missing");
        await idp.parseLoginRequest(await serviceProvider(), "redirect", { query: q }); // refuse garbage early
        const hidden = Object.entries(q).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join("");
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
          page("Example SAML IdP", `<h1>Example SAML IdP</h1><form method="post" action="/sso/login">${hidden}<label>Login <input name="login" autocomplete="username"></label><label>Password <input name="password" type="password"></label><button type="submit">Sign in to the SAML IdP</button></form>`),
        );
      } else if (req.method === "POST" && (u.pathname === "/sso/login" || u.pathname === "/sso/unsolicited")) {
        const form = await readForm(req);
        const { login, password: _password, ...query } = form;
        const r = await loginResponse(query, login);
        if (!r) return void res.writeHead(401, { "content-type": "text/html" }).end(page("Unknown user", "<p>Unknown user</p>"));
        const relay = r.RelayState ? `<input type="hidden" name="RelayState" value="${esc(r.RelayState)}">` : "";
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
          page("Signing in", `<form method="post" action="${esc(r.acs)}"><input type="hidden" name="SAMLResponse" value="${esc(r.SAMLResponse)}">${relay}<noscript><button type="submit">Continue</button></noscript></form><script>document.forms[0].submit()</script>`),
        );
      } else res.writeHead(404).end("not found");
    } catch (err) {
      res.writeHead(400, { "content-type": "text/plain" }).end(`SAML IdP error: ${err?.message ?? err}`);
    }
  });

  return { url, entityId, ssoUrl, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// As a process (Playwright webServer).
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  // samlify needs an XML validator; in the studio the SSO plugin installs its own (in another process).
  saml.setSchemaValidator({ validate: async (xml) => (xml.trimStart().startsWith("<") ? "SUCCESS" : Promise.reject(new Error("not XML"))) });
  const spMetadataUrl = process.env.SP_METADATA_URL;
  if (!spMetadataUrl) throw new Error("SP_METADATA_URL is required");
  const idp = await startSamlIdp({
    port: Number(process.env.SAML_IDP_PORT ?? 4699),
    key: readFileSync(process.env.SAML_IDP_KEY_FILE, "utf8"),
    cert: readFileSync(process.env.SAML_IDP_CERT_FILE, "utf8"),
    entityId: process.env.SAML_IDP_ENTITY_ID,
    spMetadata: async () => {
      const res = await fetch(spMetadataUrl);
      if (!res.ok) throw new Error(`SP metadata: ${res.status}`);
      return res.text();
    },
  });
  console.log(`SAML IdP listening on ${idp.url} (entity ${idp.entityId})`);
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => idp.close().then(() => process.exit(0)));
}
