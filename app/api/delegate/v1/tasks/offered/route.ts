import { db } from "~/server/db";
import { offeredTo } from "~/server/delegates/dispatch";
import { delegateRoute } from "~/server/delegates/route";

export const dynamic = "force-dynamic";

// The poll fallback: what this delegate may claim now, computed from the step table.
export const GET = delegateRoute({ body: null, instance: "required" }, async ({ caller }) => {
  const id = caller.delegate!.id;
  await db().delegate.update({ where: { id }, data: { lastHeartbeatAt: new Date(), status: "CONNECTED" } });
  return { tasks: await db().$transaction((tx) => offeredTo(tx, id)) };
});
