import { AppendLogsRequestSchema } from "@slipway/pipeline-spec/protocol";
import { db } from "~/server/db";
import { appendLogs } from "~/server/delegates/append-logs";
import { delegateRoute } from "~/server/delegates/route";

export const dynamic = "force-dynamic";

export const POST = delegateRoute({ body: AppendLogsRequestSchema, instance: "required" }, ({ caller, body, params }) =>
  appendLogs({ db: db(), delegateId: caller.delegate!.id, taskId: params.taskId!, fencingToken: body.fencingToken, chunks: body.chunks }),
);
