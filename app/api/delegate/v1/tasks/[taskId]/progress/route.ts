import { ProgressRequestSchema } from "@slipway/pipeline-spec/protocol";
import { db } from "~/server/db";
import { reportProgress } from "~/server/delegates/report-progress";
import { delegateRoute } from "~/server/delegates/route";

export const dynamic = "force-dynamic";

export const POST = delegateRoute({ body: ProgressRequestSchema, instance: "required" }, ({ caller, body, params }) =>
  reportProgress({ db: db(), delegateId: caller.delegate!.id, taskId: params.taskId!, fencingToken: body.fencingToken, progress: body.progress }),
);
