import { TaskHeartbeatRequestSchema } from "@slipway/pipeline-spec/protocol";
import { db } from "~/server/db";
import { delegateRoute } from "~/server/delegates/route";
import { renewTaskLease } from "~/server/delegates/task-heartbeat";

export const dynamic = "force-dynamic";

export const POST = delegateRoute({ body: TaskHeartbeatRequestSchema, instance: "required" }, ({ caller, body, params }) =>
  renewTaskLease({ db: db(), delegateId: caller.delegate!.id, taskId: params.taskId!, fencingToken: body.fencingToken }),
);
