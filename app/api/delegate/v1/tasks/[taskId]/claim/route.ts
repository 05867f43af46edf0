import { ClaimRequestSchema } from "@slipway/pipeline-spec/protocol";
import { db } from "~/server/db";
import { claimTask } from "~/server/delegates/claim-task";
import { delegateRoute } from "~/server/delegates/route";

export const dynamic = "force-dynamic";

export const POST = delegateRoute({ body: ClaimRequestSchema, instance: "required" }, ({ caller, body, params }) =>
  claimTask({ db: db(), caller, taskId: params.taskId!, claimId: body.claimId }),
);
