import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "~/server/auth/auth";

// Better Auth's own endpoints (sign-in, sign-out, OAuth callbacks, session). Public by nature: this is how a
// session is obtained.
export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  return toNextJsHandler(auth()).GET(req);
}
export async function POST(req: Request) {
  return toNextJsHandler(auth()).POST(req);
}
