/**
 * The demo's `downloadUrl`: the synthetic log as a text file, streamed in chunks so a 1M-line (≈65 MB) download never
 * sits in memory, which is also what the real step-log download must do.
 */
import { devPagesEnabled } from "../../dev-pages";
import { synthLine } from "../synthetic-log";

const CHUNK_LINES = 5_000;

export function GET(request: Request): Response {
  if (!devPagesEnabled()) return new Response("Not found", { status: 404 });
  const requested = Number(new URL(request.url).searchParams.get("lines") ?? 1000);
  const lines = Number.isFinite(requested) ? Math.max(0, Math.min(Math.floor(requested), 50_000_000)) : 1000;
  let next = 1;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next > lines) return controller.close();
      const end = Math.min(lines, next + CHUNK_LINES - 1);
      let text = "";
      for (let n = next; n <= end; n++) text += `${synthLine(n).text}\n`;
      next = end + 1;
      controller.enqueue(encoder.encode(text));
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": 'attachment; filename="build-compile.log"',
    },
  });
}
