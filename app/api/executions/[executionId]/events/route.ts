import { getSessionUser } from "~/server/auth/session";
import { db } from "~/server/db";
import { runExecutionStream } from "~/server/executions/execution-stream";
import { errorResponse, executionAccess } from "~/server/executions/route-access";
import { resolveProjectAccess } from "~/server/projects/resolve-project-access";
import { can } from "~/server/rbac";
import { sseResponse } from "~/server/realtime/sse";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ executionId: string }> }) {
  const { executionId } = await params;
  try {
    const { projectId } = await executionAccess(db(), request.headers, executionId, "execution.read");
    const url = new URL(request.url);
    const from = request.headers.get("last-event-id") ?? url.searchParams.get("after") ?? "0";
    const after = /^\d+$/.test(from) ? BigInt(from) : 0n;
    const headers = new Headers(request.headers);
    const stillAllowed = async () => {
      const user = await getSessionUser(headers);
      if (!user) return false;
      const access = await resolveProjectAccess(db(), user, projectId).catch(() => null);
      return Boolean(access && can(access.role, "execution.read"));
    };
    return sseResponse(request, (w) => runExecutionStream({ db: db(), executionId, after, w, stillAllowed }));
  } catch (e) {
    return errorResponse(e);
  }
}
