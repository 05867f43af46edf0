import { DelegateHeartbeatRequestSchema } from "@slipway/pipeline-spec/protocol";
import { db } from "~/server/db";
import { delegateHeartbeat } from "~/server/delegates/register-delegate";
import { delegateRoute } from "~/server/delegates/route";

export const dynamic = "force-dynamic";

export const POST = delegateRoute({ body: DelegateHeartbeatRequestSchema, instance: "required" }, ({ caller, body }) =>
  delegateHeartbeat({ db: db(), delegateId: caller.delegate!.id, runningTaskIds: body.runningTaskIds }),
);
