import { ResultRequestSchema } from "@slipway/pipeline-spec/protocol";
import { db } from "~/server/db";
import { reportResult } from "~/server/delegates/report-result";
import { delegateRoute } from "~/server/delegates/route";

export const dynamic = "force-dynamic";

export const POST = delegateRoute({ body: ResultRequestSchema, instance: "required" }, ({ caller, body, params }) =>
  reportResult({ db: db(), delegateId: caller.delegate!.id, delegateName: caller.delegate!.name, taskId: params.taskId!, body }),
);
