"use client";
import { useState, type FormEvent } from "react";

type Props = { email: string; name: string; hasPassword: boolean; twoFactorEnabled: boolean; mfa: boolean; groups: string[] };

/** Your account: two-factor sign-in for a password account, the session's MFA state, and sign-out everywhere. */
export function AccountPage(p: Props) {
  const [enrol, setEnrol] = useState<{ totpURI: string; backupCodes: string[] } | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const post = (path: string, body: object) => fetch(`/api/auth${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

  async function start(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const res = await post("/two-factor/enable", { password: String(new FormData(e.currentTarget).get("password")) });
    if (res.ok) setEnrol((await res.json()) as { totpURI: string; backupCodes: string[] });
    else setMessage({ ok: false, text: "That password is not right." });
  }
  async function confirm(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const res = await post("/two-factor/verify-totp", { code: String(new FormData(e.currentTarget).get("code")) });
    if (res.ok) window.location.reload();
    else setMessage({ ok: false, text: "That code is not valid; try the current one." });
  }
  async function signOutEverywhere() {
    await post("/revoke-sessions", {});
    window.location.assign("/signin");
  }
  const secret = enrol ? new URL(enrol.totpURI).searchParams.get("secret") : null;

  return (
    <div className="page" style={{ maxWidth: 720 }}>
      <div className="page-head"><h1>Your account</h1></div>
      {message && <div className={`banner ${message.ok ? "banner-ok" : "banner-error"}`} style={{ marginBottom: 12 }}>{message.text}</div>}
      <section className="card card-pad stack" style={{ marginBottom: 16 }}>
        <dl className="kv">
          <dt>Email</dt><dd>{p.email}</dd>
          <dt>Name</dt><dd>{p.name}</dd>
          <dt>This session</dt><dd data-testid="session-mfa">{p.mfa ? "signed in with multi-factor authentication" : "signed in without a second factor"}</dd>
          {p.groups.length > 0 && (<><dt>SSO groups</dt><dd>{p.groups.join(", ")}</dd></>)}
        </dl>
      </section>
      {p.hasPassword && (
        <section className="card card-pad stack" style={{ marginBottom: 16 }} data-testid="two-factor">
          <h2>Two-factor sign-in</h2>
          {p.twoFactorEnabled ? (
            <p className="muted">On: sign-ins ask for a code from your authenticator app. Production rules that need MFA accept these sessions.</p>
          ) : enrol ? (
            <form onSubmit={confirm} className="stack">
              <p>Add this account to your authenticator app (key <code>{secret}</code>, or the link below), then enter the code it shows.</p>
              <code style={{ wordBreak: "break-all" }}>{enrol.totpURI}</code>
              <p className="hint">Backup codes (each works once; keep them safe): {enrol.backupCodes.join(" ")}</p>
              <div className="row"><input className="input" name="code" inputMode="numeric" pattern="[0-9]{6}" placeholder="123456" required aria-label="Code" /><button className="btn btn-primary" type="submit">Turn on</button></div>
            </form>
          ) : (
            <form onSubmit={start} className="row">
              <input className="input" type="password" name="password" placeholder="Your password" required aria-label="Password" autoComplete="current-password" />
              <button className="btn" type="submit">Set up two-factor sign-in</button>
            </form>
          )}
        </section>
      )}
      <section className="card card-pad stack">
        <h2>Sessions</h2>
        <p className="muted">Signs you out of every browser and device, this one included.</p>
        <div><button className="btn btn-danger" onClick={() => void signOutEverywhere()}>Sign out everywhere</button></div>
      </section>
    </div>
  );
}
