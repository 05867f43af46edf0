"use client";
import { useState, type FormEvent } from "react";

type Props = { next: string; oidc: { name: string } | null; saml?: { name: string } | null; initialError: string | null };

/** Email + password (the bootstrap admin) and, when configured, single sign-on through the OIDC and/or SAML IdP. */
export function SignInForm({ next, oidc, saml = null, initialError }: Props) {
  const [error, setError] = useState<string | null>(initialError ? "Sign-in failed. Try again." : null);
  const [busy, setBusy] = useState(false);
  const [needsCode, setNeedsCode] = useState(false);

  async function verifyCode(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const code = String(new FormData(e.currentTarget).get("code") ?? "").trim();
    const res = await fetch("/api/auth/two-factor/verify-totp", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ code }) }).catch(() => null);
    if (res?.ok) return window.location.assign(next);
    setBusy(false);
    setError("That code is not valid. Use the current code from your authenticator app.");
  }

  async function signInWithPassword(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await fetch("/api/auth/sign-in/email", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
    }).catch(() => null);
    if (res?.ok) {
      const body = (await res.json().catch(() => ({}))) as { twoFactorRedirect?: boolean };
      if (body.twoFactorRedirect) {
        setBusy(false);
        setNeedsCode(true);
        return;
      }
      window.location.assign(next);
      return;
    }
    setBusy(false);
    setError(res?.status === 401 ? "That email and password do not match an account." : "Sign-in is not available right now. Try again in a moment.");
  }

  async function signInWithSso(protocol: "oidc" | "saml") {
    setBusy(true);
    setError(null);
    const errorCallbackURL = `/signin?error=sso&next=${encodeURIComponent(next)}`;
    // OIDC: Better Auth's generic OAuth provider; SAML: the SSO plugin (AuthnRequest by redirect to the IdP).
    const [path, request] =
      protocol === "oidc"
        ? ["/api/auth/sign-in/social", { provider: "oidc", callbackURL: next, errorCallbackURL }]
        : ["/api/auth/sign-in/sso", { providerId: "saml", callbackURL: next, errorCallbackURL }];
    const res = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request) }).catch(() => null);
    const body = (await res?.json().catch(() => null)) as { url?: string } | null;
    if (body?.url) window.location.assign(body.url);
    else {
      setBusy(false);
      setError("Single sign-on is not reachable right now.");
    }
  }

  return (
    <div className="card signin">
      <div className="brand">
        <span className="brand-mark" /> Slipway
      </div>
      <h1 style={{ marginBottom: 16 }}>Sign in</h1>
      {error && <div className="banner banner-error" role="alert" style={{ marginBottom: 12 }}>{error}</div>}
      {oidc && (
        <button className="btn btn-primary" style={{ width: "100%", justifyContent: "center", marginBottom: 8 }} onClick={() => signInWithSso("oidc")} disabled={busy} type="button">
          Continue with {oidc.name}
        </button>
      )}
      {saml && (
        <button className="btn btn-primary" style={{ width: "100%", justifyContent: "center", marginBottom: 8 }} onClick={() => signInWithSso("saml")} disabled={busy} type="button">
          Continue with {saml.name}
        </button>
      )}
      {(oidc || saml) && <div className="divider">or with email</div>}
      {needsCode ? (
        <form onSubmit={verifyCode}>
          <div className="field">
            <label htmlFor="code">Authenticator code</label>
            <input className="input" id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" required autoFocus />
          </div>
          <button className="btn btn-primary" style={{ width: "100%", justifyContent: "center" }} disabled={busy} type="submit">Verify</button>
        </form>
      ) : (
      <form onSubmit={signInWithPassword}>
        <div className="field">
          <label htmlFor="email">Email</label>
          <input className="input" id="email" name="email" type="email" autoComplete="username" required autoFocus />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input className="input" id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <button className={`btn ${oidc || saml ? "" : "btn-primary"}`} style={{ width: "100%", justifyContent: "center" }} disabled={busy} type="submit">
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      )}
    </div>
  );
}
