import { getSessionUser } from "~/server/auth/session";
import { requestInfo } from "~/server/context";
import { recordVerificationAlarm } from "~/server/dashboards/alarm-webhook";
import { db } from "~/server/db";
import { errorResponse } from "~/server/executions/route-access";

export const dynamic = "force-dynamic";

/**
 * A verification alarm fired: `Authorization: Bearer slk_…` (an API key with execution.control in the project) and
 * { service, environment, alarm, firedAt?, project? }. Marks the deployment it blames as a change failure
 * (server/dashboards/alarm-webhook.ts). Errors: 401 no key, 404 project not visible to the key, 403 role too low,
 * 400 naming the field.
 */
export async function POST(request: Request) {
  try {
    const principal = await getSessionUser(request.headers);
    const body: unknown = await request.json().catch(() => undefined);
    return Response.json(await recordVerificationAlarm({ db: db(), principal, body, request: requestInfo(request.headers) }));
  } catch (e) {
    return errorResponse(e);
  }
}
