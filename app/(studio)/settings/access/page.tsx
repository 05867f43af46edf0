import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { OrgAccessPage } from "~/components/access/org-access-page";
import { getSessionUser } from "~/server/auth/session";
import { can } from "~/server/rbac";

export const dynamic = "force-dynamic";

export default async function Access() {
  const user = await getSessionUser(await headers());
  if (!user) redirect("/signin");
  if (!can(user.orgRole, "mapping.manage")) notFound();
  return <OrgAccessPage />;
}
