"use client";
import Link from "next/link";
import { useParams } from "next/navigation";

type Props = { user: { name: string; email: string }; org: { delegates: boolean; access: boolean; audit: boolean } };

/** The dark bar at the top of every studio page: brand, the current project's sections, organisation pages, the user. */
export function TopBar({ user, org }: Props) {
  const { slug } = useParams<{ slug?: string }>();
  async function signOut() {
    await fetch("/api/auth/sign-out", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    window.location.assign("/signin");
  }
  return (
    <header className="topbar">
      <Link href="/" className="brand">
        <span className="brand-mark" /> Slipway
      </Link>
      {slug && (
        <nav className="row" style={{ gap: 16 }}>
          <Link href={`/p/${slug}/pipelines`}>Pipelines</Link>
          <Link href={`/p/${slug}/dashboards`}>Dashboards</Link>
          <Link href={`/p/${slug}/records`}>Services &amp; environments</Link>
          <Link href={`/p/${slug}/members`}>Members</Link>
        </nav>
      )}
      <span className="spacer" />
      {org.delegates && <Link href="/settings/delegates">Delegates</Link>}
      {org.access && <Link href="/settings/access">Access</Link>}
      {org.audit && <Link href="/settings/audit">Audit</Link>}
      <Link href="/account" className="user" title={user.email}>{user.name || user.email}</Link>
      <button className="btn btn-sm btn-ghost" style={{ color: "#c9d2df" }} onClick={signOut} type="button">
        Sign out
      </button>
    </header>
  );
}
