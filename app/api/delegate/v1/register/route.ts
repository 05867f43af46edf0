import { RegisterRequestSchema } from "@slipway/pipeline-spec/protocol";
import { requestInfo } from "~/server/context";
import { db } from "~/server/db";
import { registerDelegate } from "~/server/delegates/register-delegate";
import { delegateRoute } from "~/server/delegates/route";

export const dynamic = "force-dynamic";

export const POST = delegateRoute({ body: RegisterRequestSchema, instance: "none" }, ({ caller, body, request }) =>
  registerDelegate({ db: db(), caller, body, ip: requestInfo(request.headers).ip }),
);
