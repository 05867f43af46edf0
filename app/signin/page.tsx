import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { SignInForm } from "~/components/auth/sign-in-form";
import { getSessionUser } from "~/server/auth/session";
import { samlConfigured, samlEnv } from "~/server/auth/saml";
import { env, oidcConfigured } from "~/server/env";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string }> }) {
  const { next, error } = await searchParams;
  const target = next?.startsWith("/") && !next.startsWith("//") ? next : "/";
  if (await getSessionUser(await headers())) redirect(target);
  const e = env();
  return (
    <div className="signin-wrap">
      <SignInForm
        next={target}
        oidc={oidcConfigured(e) ? { name: e.OIDC_DISPLAY_NAME } : null}
        saml={samlConfigured() ? { name: samlEnv().SAML_DISPLAY_NAME } : null}
        initialError={error ?? null}
      />
    </div>
  );
}
