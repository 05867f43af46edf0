import { getSessionUser } from "~/server/auth/session";
import { exportAudit } from "~/server/audit/export-audit";
import { db } from "~/server/db";
import { can } from "~/server/rbac";

export const dynamic = "force-dynamic";

/** The audit trail as CSV or JSON (organisation Admins), streamed, with the same filters as the page. */
export async function GET(request: Request) {
  const user = await getSessionUser(request.headers);
  if (!user) return Response.json({ code: "UNAUTHORIZED", message: "Sign in to continue" }, { status: 401 });
  if (!can(user.orgRole, "audit.read")) return Response.json({ code: "FORBIDDEN", message: "Permission required: audit.read" }, { status: 403 });
  const url = new URL(request.url);
  const format = url.searchParams.get("format") === "json" ? "json" : "csv";
  const filter = { action: url.searchParams.get("action") ?? undefined, actor: url.searchParams.get("actor") ?? undefined, projectId: url.searchParams.get("projectId") ?? undefined };
  return new Response(exportAudit(db(), filter, format), {
    headers: { "Content-Type": format === "json" ? "application/json" : "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="slipway-audit.${format}"`, "Cache-Control": "no-store" },
  });
}
