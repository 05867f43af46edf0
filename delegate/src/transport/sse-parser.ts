/**
 * A streaming parser for `text/event-stream`, following the WHATWG "event stream interpretation" rules: bytes may
 * arrive split anywhere (inside a UTF-8 sequence, between `\r` and `\n`), lines end with LF, CR or CRLF, `data:`
 * lines accumulate, `id:` persists across messages, `:` lines are comments (keepalives), `retry:` sets a delay.
 * The browser's EventSource does this for pages; the delegate reads fetch's body itself, so it needs its own.
 *
 * Edit only to follow the spec; the transport policy (reconnects, watchdog) lives in sse-client.ts.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

export interface SseMessage {
  /** The last event id after this message (empty if none was ever sent). */
  id: string;
  /** The `event:` field, or "message". */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
}

export interface SseParserHandlers {
  onMessage(message: SseMessage): void;
  /** A comment line (without the leading colon), e.g. a keepalive `: ping`. */
  onComment?(text: string): void;
  /** A valid `retry:` field, in ms. */
  onRetry?(ms: number): void;
}

export class SseParser {
  /** The last event id seen; send it as Last-Event-ID when reconnecting. */
  lastEventId = "";
  private readonly decoder = new TextDecoder("utf-8"); // strips a leading BOM, as the spec asks
  private pending = "";
  /** The previous chunk ended with "\r": a "\n" starting the next chunk belongs to that line ending. */
  private skipLeadingLf = false;
  private data = "";
  private hasData = false;
  private eventType = "";
  private idBuffer = "";

  constructor(private readonly handlers: SseParserHandlers) {}

  /** Feed bytes (or already-decoded text) as they arrive. */
  feed(chunk: Uint8Array | string): void {
    let text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    if (this.skipLeadingLf && text.length > 0) {
      if (text.startsWith("\n")) text = text.slice(1);
      this.skipLeadingLf = false;
    }
    let buf = this.pending + text;
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(buf.slice(start, i));
      if (c === 13) {
        if (i + 1 < buf.length) {
          if (buf.charCodeAt(i + 1) === 10) i++;
        } else {
          this.skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    buf = buf.slice(start);
    this.pending = buf;
  }

  /** The stream ended: an incomplete message is dropped, as the spec says. */
  end(): void {
    this.pending = "";
    this.data = "";
    this.hasData = false;
    this.eventType = "";
  }

  private line(line: string): void {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) {
      this.handlers.onComment?.(line.slice(1).replace(/^ /, ""));
      return;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data":
        this.data += this.hasData ? `\n${value}` : value;
        this.hasData = true;
        break;
      case "event":
        this.eventType = value;
        break;
      case "id":
        if (!value.includes("\0")) this.idBuffer = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.handlers.onRetry?.(Number(value));
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private dispatch(): void {
    this.lastEventId = this.idBuffer;
    if (!this.hasData) {
      this.eventType = "";
      return;
    }
    const message = { id: this.lastEventId, event: this.eventType || "message", data: this.data };
    this.data = "";
    this.hasData = false;
    this.eventType = "";
    this.handlers.onMessage(message);
  }
}
