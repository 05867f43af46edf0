import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AccountPage } from "~/components/access/account-page";
import { getSessionUser } from "~/server/auth/session";
import { db } from "~/server/db";

export const dynamic = "force-dynamic";

export default async function Account() {
  const user = await getSessionUser(await headers());
  if (!user || user.kind !== "user") redirect("/signin");
  const row = await db().user.findUniqueOrThrow({ where: { id: user.id }, select: { twoFactorEnabled: true, accounts: { select: { providerId: true } } } });
  return <AccountPage email={user.email} name={user.name} hasPassword={row.accounts.some((a) => a.providerId === "credential")} twoFactorEnabled={row.twoFactorEnabled} mfa={user.mfa} groups={user.ssoGroups} />;
}
