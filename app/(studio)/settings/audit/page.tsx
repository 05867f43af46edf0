import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { AuditPage } from "~/components/audit/audit-page";
import { getSessionUser } from "~/server/auth/session";
import { can } from "~/server/rbac";

export const dynamic = "force-dynamic";

export default async function Audit() {
  const user = await getSessionUser(await headers());
  if (!user) redirect("/signin");
  if (!can(user.orgRole, "audit.read")) notFound();
  return <AuditPage />;
}
