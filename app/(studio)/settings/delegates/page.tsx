import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { DelegatesPage } from "~/components/delegates/delegates-page";
import { getSessionUser } from "~/server/auth/session";
import { env } from "~/server/env";
import { can } from "~/server/rbac";

export const dynamic = "force-dynamic";

export default async function Delegates() {
  const user = await getSessionUser(await headers());
  if (!user) redirect("/signin");
  if (!can(user.orgRole, "delegate.read")) notFound();
  return <DelegatesPage studioUrl={env().SLIPWAY_URL} canManage={can(user.orgRole, "delegate.manage")} />;
}
