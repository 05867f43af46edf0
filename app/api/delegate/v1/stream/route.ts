import { db } from "~/server/db";
import { authenticateDelegate } from "~/server/delegates/authenticate";
import { runDelegateStream } from "~/server/delegates/delegate-stream";
import { DelegateProtocolError } from "~/server/delegates/protocol-error";
import { DELEGATE_TIMINGS } from "~/server/delegates/timings";
import { sseResponse } from "~/server/realtime/sse";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  try {
    const caller = await authenticateDelegate(db(), request.headers, { instance: "required" });
    return sseResponse(
      request,
      (w) => runDelegateStream({ db: db(), delegateId: caller.delegate!.id, tokenId: caller.tokenId, lastEventId: request.headers.get("last-event-id"), w }),
      { pingMs: DELEGATE_TIMINGS.streamPingMs },
    );
  } catch (e) {
    if (e instanceof DelegateProtocolError) return Response.json(e.toJSON(), { status: e.status });
    return Response.json({ error: "unavailable", message: "retry" }, { status: 503 });
  }
}
