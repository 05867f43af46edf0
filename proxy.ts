/**
 * An optimistic redirect to the sign-in page for browsers without a session cookie, so a bookmarked page lands on
 * sign-in with `next` set. It is NOT the access check: the studio layout, every tRPC procedure and every route
 * handler verify the session against the database themselves.
 */
import { NextResponse, type NextRequest } from "next/server";

const SESSION_COOKIES = ["better-auth.session_token", "__Secure-better-auth.session_token"];

export function proxy(request: NextRequest) {
  if (SESSION_COOKIES.some((c) => request.cookies.has(c))) return NextResponse.next();
  const url = request.nextUrl.clone();
  const next = `${url.pathname}${url.search}`;
  url.pathname = "/signin";
  url.search = next === "/" ? "" : `?next=${encodeURIComponent(next)}`;
  return NextResponse.redirect(url);
}

export const config = {
  // Pages only: API routes answer 401 themselves, and static assets need no session. Development pages (dev/) need
  // none either and answer 404 themselves in production unless SLIPWAY_DEV_PAGES=1.
  matcher: ["/((?!api/|signin|dev/|_next/|favicon.ico).*)"],
};
