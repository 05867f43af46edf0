import { db } from "~/server/db";
import { streamFullLog } from "~/server/executions/read-logs";
import { errorResponse, executionAccess } from "~/server/executions/route-access";

export const dynamic = "force-dynamic";

/** The whole log of one step attempt as plain text, streamed (any size). */
export async function GET(request: Request, { params }: { params: Promise<{ executionId: string; stepRunId: string }> }) {
  const { executionId, stepRunId } = await params;
  try {
    const { projectId } = await executionAccess(db(), request.headers, executionId, "execution.read");
    const step = await db().stepRun.findFirst({ where: { id: stepRunId, executionId }, select: { stepId: true, attempt: true } });
    if (!step) return Response.json({ code: "NOT_FOUND", message: "Step not found" }, { status: 404 });
    const encoder = new TextEncoder();
    const iterator = streamFullLog(db(), projectId, stepRunId);
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      },
    });
    return new Response(body, { headers: { "Content-Type": "text/plain; charset=utf-8", "Content-Disposition": `attachment; filename="${step.stepId}-attempt-${step.attempt}.log"`, "Cache-Control": "no-store" } });
  } catch (e) {
    return errorResponse(e);
  }
}
