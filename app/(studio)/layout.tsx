import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { TRPCReactProvider } from "~/app/_trpc/client";
import { TopBar } from "~/components/shell/top-bar";
import { getSessionUser } from "~/server/auth/session";
import { can } from "~/server/rbac";

export const dynamic = "force-dynamic";

/** Every studio page needs a session, checked here against the database (not just the cookie). */
export default async function StudioLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser(await headers());
  if (!user) redirect("/signin");
  return (
    <TRPCReactProvider>
      <div className="shell">
        <TopBar user={{ name: user.name, email: user.email }} org={{ delegates: can(user.orgRole, "delegate.read"), access: can(user.orgRole, "mapping.manage"), audit: can(user.orgRole, "audit.read") }} />
        <main className="main">{children}</main>
      </div>
    </TRPCReactProvider>
  );
}
