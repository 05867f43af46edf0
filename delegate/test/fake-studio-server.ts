/**
 * A fake studio for delegate tests: a real HTTP server on 127.0.0.1 speaking protocol v1 from memory, with knobs
 * to break it. Real sockets on purpose (buildkite's FakeAPIServer: "there's a lot of value in testing that real
 * requests round-trip through a network connection"): reconnects, half-read bodies and refused connections are the
 * point. Every request body is parsed with the protocol schemas; anything that does not parse is recorded in
 * `violations` (tests assert it stays empty) and answered 400.
 *
 * Faults: dropStreams() cuts every SSE connection; stallStreams() keeps them open but silent; failRequests(ms) answers 503 for a while; goDown()/comeUp()
 * closes the listening socket and every connection, then listens again on the same port; revoke() sends `revoked`
 * and refuses the token; loseLease() hands the task to "someone else"; dropLogResponses(n) stores logs but cuts the
 * connection before answering; forgetInstances() makes every instance id unknown (404, "register again").
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  AppendLogsRequestSchema,
  ClaimRequestSchema,
  DELEGATE_API_PREFIX,
  DelegateHeartbeatRequestSchema,
  RegisterRequestSchema,
  ResultRequestSchema,
  TaskHeartbeatRequestSchema,
  type LogChunk,
  type RegisterRequest,
  type ResultRequest,
  type StreamEvent,
  type Task,
  type Work,
} from "@slipway/pipeline-spec/protocol";
import type { z } from "zod";
import { formatEvent, parseOr400, readBody, send } from "./fake-studio-http";

export interface FakeTask {
  task: Task;
  state: "offered" | "claimed" | "done";
  claimId: string | null;
  fencingToken: number;
  cancel: string | null;
  chunks: LogChunk[];
  duplicateChunks: number;
  result: ResultRequest | null;
}

export interface FakeStudioOptions {
  token?: string;
  heartbeatIntervalMs?: number;
  leaseTtlMs?: number;
  pollIntervalMs?: number;
  keepaliveMs?: number;
}

export class FakeStudio {
  readonly token: string;
  readonly tasks = new Map<string, FakeTask>();
  readonly violations: string[] = [];
  readonly registrations: RegisterRequest[] = [];
  readonly stopTaskIds = new Set<string>();
  streamConnects = 0;
  private server: Server;
  private port = 0;
  /** Open streams and their keepalive timers. */
  private readonly streams = new Map<ServerResponse, NodeJS.Timeout>();
  private readonly stalled = new Set<ServerResponse>();
  private readonly events: { id: number; event: StreamEvent }[] = [];
  private readonly instances = new Set<string>();
  private failUntil = 0;
  private dropLogs = 0;
  private revoked: string | null = null;
  private nextId = 1;

  private constructor(private readonly options: FakeStudioOptions) {
    this.token = options.token ?? "test-token-123";
    this.server = this.makeServer();
  }

  static async start(options: FakeStudioOptions = {}): Promise<FakeStudio> {
    const studio = new FakeStudio(options);
    await studio.listen();
    studio.port = (studio.server.address() as AddressInfo).port;
    return studio;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  // ----------------------------------------------------------------------------------------- knobs

  addTask(input: { work: Work; mask?: string[]; timeoutMs?: number; attempt?: number }): string {
    const taskId = `task-${this.nextId++}`;
    const task: Task = { taskId, executionId: "exec-1", stepId: `step-${taskId}`, attempt: input.attempt ?? 1, timeoutMs: input.timeoutMs ?? 0, work: input.work, mask: input.mask ?? [], nextLogSeq: 1, stageOutputs: {} };
    this.tasks.set(taskId, { task, state: "offered", claimId: null, fencingToken: 0, cancel: null, chunks: [], duplicateChunks: 0, result: null });
    this.broadcast({ type: "task.offered", taskId, kind: input.work.kind });
    return taskId;
  }

  /** `notify: false` leaves the stream out: the delegate must learn it from its lease heartbeat. */
  cancelTask(taskId: string, reason = "cancelled by a test", { notify = true } = {}): void {
    this.tasks.get(taskId)!.cancel = reason;
    if (notify) this.broadcast({ type: "task.cancel", taskId, reason });
  }

  /** Another delegate now holds the task: every call with the old fencing token gets 409 lease_lost. */
  loseLease(taskId: string): void {
    this.tasks.get(taskId)!.fencingToken += 1;
  }

  dropStreams(): void {
    for (const s of this.streams.keys()) s.destroy();
    this.streams.clear();
  }

  /** Keep every open stream's socket but send nothing on it any more (a half-open connection behind a proxy). */
  stallStreams(): void {
    for (const [s, ping] of this.streams) {
      clearInterval(ping);
      this.stalled.add(s);
    }
    this.streams.clear();
  }

  failRequests(forMs: number): void {
    this.failUntil = Date.now() + forMs;
  }

  dropLogResponses(count: number): void {
    this.dropLogs = count;
  }

  /** Forget every registered instance (a studio whose delegate rows were cleaned up): calls get 404 not_found. */
  forgetInstances(): void {
    this.instances.clear();
  }

  revoke(reason = "revoked by a test"): void {
    this.broadcast({ type: "revoked", reason });
    this.revoked = reason;
  }

  async goDown(): Promise<void> {
    const closed = new Promise((r) => this.server.close(r));
    this.server.closeAllConnections();
    this.dropStreams();
    for (const s of this.stalled) s.destroy();
    await closed;
  }

  async comeUp(): Promise<void> {
    this.server = this.makeServer();
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.goDown().catch(() => {});
  }

  // ----------------------------------------------------------------------------------------- reading state

  lines(taskId: string, stream?: LogChunk["stream"]): string[] {
    return this.tasks.get(taskId)!.chunks.filter((c) => !stream || c.stream === stream).flatMap((c) => c.lines);
  }

  async waitFor<T>(what: string, check: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = check();
      if (value) return value;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }

  waitForResult(taskId: string, timeoutMs?: number): Promise<ResultRequest> {
    return this.waitFor(`the result of ${taskId}`, () => this.tasks.get(taskId)?.result, timeoutMs);
  }

  // ----------------------------------------------------------------------------------------- protocol

  private makeServer(): Server {
    return createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.violations.push(`server error: ${(err as Error).message}`);
        if (!res.headersSent) send(res, 500, { error: "unavailable", message: String(err) });
      });
    });
  }

  private listen(port = 0): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (!path.startsWith(DELEGATE_API_PREFIX)) return send(res, 404, { error: "not_found", message: path });
    const route = path.slice(DELEGATE_API_PREFIX.length);
    const body = await readBody(req);
    if (Date.now() < this.failUntil) return send(res, 503, { error: "unavailable", message: "injected outage" });
    if (this.revoked) return send(res, 401, { error: "revoked", message: this.revoked });
    if (req.headers.authorization !== `Bearer ${this.token}`) return send(res, 401, { error: "unauthorized", message: "bad token" });
    if (route === "/register" && req.method === "POST") return this.register(res, body);
    if (!this.instances.has(String(req.headers["x-slipway-delegate"]))) return send(res, 404, { error: "unknown_instance", message: "unknown instance" });
    if (route === "/stream" && req.method === "GET") return this.stream(req, res);
    if (route === "/heartbeat" && req.method === "POST") {
      if (!this.parse(DelegateHeartbeatRequestSchema, body, res, route)) return;
      return send(res, 200, { ok: true, stopTaskIds: [...this.stopTaskIds] });
    }
    if (route === "/tasks/offered" && req.method === "GET") {
      const tasks = [...this.tasks.values()].filter((t) => t.state === "offered").map((t) => ({ taskId: t.task.taskId, kind: t.task.work.kind }));
      return send(res, 200, { tasks });
    }
    const m = /^\/tasks\/([^/]+)\/(claim|heartbeat|logs|result)$/.exec(route);
    const t = m ? this.tasks.get(decodeURIComponent(m[1]!)) : undefined;
    if (!m || !t || req.method !== "POST") return send(res, 404, { error: "not_found", message: route });
    if (m[2] === "claim") return this.claim(res, t, body, route);
    const fenced = { heartbeat: TaskHeartbeatRequestSchema, logs: AppendLogsRequestSchema, result: ResultRequestSchema }[m[2] as "heartbeat" | "logs" | "result"];
    const parsed = this.parse(fenced, body, res, route);
    if (!parsed) return;
    if (parsed.fencingToken !== t.fencingToken) return send(res, 409, { error: "lease_lost", message: "another delegate holds this task" });
    if (m[2] === "heartbeat") {
      return send(res, 200, { lease: { fencingToken: t.fencingToken, expiresAt: Date.now() + this.ttl }, cancel: t.cancel !== null, cancelReason: t.cancel ?? undefined });
    }
    if (m[2] === "logs") return this.logs(req, res, t, parsed as z.infer<typeof AppendLogsRequestSchema>);
    return this.result(res, t, parsed as z.infer<typeof ResultRequestSchema>);
  }

  private get ttl(): number {
    return this.options.leaseTtlMs ?? 3_000;
  }

  private register(res: ServerResponse, body: string): void {
    const parsed = this.parse(RegisterRequestSchema, body, res, "/register");
    if (!parsed) return;
    this.registrations.push(parsed);
    const delegateId = `d-${this.registrations.length}`;
    this.instances.add(delegateId);
    send(res, 200, {
      delegateId,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 500,
      leaseTtlMs: this.ttl,
      pollIntervalMs: this.options.pollIntervalMs ?? 300,
      streamKeepaliveMs: 5_000,
      selfFenceAfterMs: Math.max(2 * this.ttl, 60_000),
      serverTime: Date.now(),
    });
  }

  private stream(req: IncomingMessage, res: ServerResponse): void {
    this.streamConnects++;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const last = Number(req.headers["last-event-id"]);
    if (Number.isFinite(last)) for (const e of this.events) if (e.id > last) res.write(formatEvent(e.id, e.event));
    res.write(formatEvent(null, { type: "hello", delegateId: String(req.headers["x-slipway-delegate"]), serverTime: Date.now() }));
    const ping = setInterval(() => res.write(": ping\n\n"), this.options.keepaliveMs ?? 250);
    this.streams.set(res, ping);
    res.on("close", () => {
      clearInterval(ping);
      this.streams.delete(res);
      this.stalled.delete(res);
    });
  }

  private claim(res: ServerResponse, t: FakeTask, body: string, route: string): void {
    const parsed = this.parse(ClaimRequestSchema, body, res, route);
    if (!parsed) return;
    if (t.state === "offered") {
      t.state = "claimed";
      t.claimId = parsed.claimId;
      t.fencingToken += 1;
    } else if (t.claimId !== parsed.claimId) {
      return send(res, 409, { error: "conflict", message: "claimed by someone else" });
    }
    const nextLogSeq = (t.chunks.at(-1)?.seq ?? 0) + 1;
    send(res, 200, { task: { ...t.task, nextLogSeq }, lease: { fencingToken: t.fencingToken, expiresAt: Date.now() + this.ttl } });
  }

  private logs(req: IncomingMessage, res: ServerResponse, t: FakeTask, body: z.infer<typeof AppendLogsRequestSchema>): void {
    for (const chunk of body.chunks) {
      const stored = t.chunks.at(-1)?.seq ?? 0;
      if (chunk.seq <= stored) t.duplicateChunks++;
      else if (chunk.seq === stored + 1) t.chunks.push(chunk);
      else return send(res, 409, { error: "log_gap", message: `expected ${stored + 1}, got ${chunk.seq}`, expectedSeq: stored + 1 });
    }
    if (this.dropLogs > 0) {
      this.dropLogs--;
      req.socket.destroy(); // stored, but the delegate never hears so: it must resend, and we must ignore the repeat
      return;
    }
    send(res, 200, { ackedThrough: t.chunks.at(-1)?.seq ?? 0 });
  }

  private result(res: ServerResponse, t: FakeTask, body: z.infer<typeof ResultRequestSchema>): void {
    const stored = t.chunks.at(-1)?.seq ?? 0;
    if (t.result) return send(res, 200, {}); // a repeat after a lost answer: same lease, same result
    if (body.lastLogSeq > stored) return send(res, 409, { error: "logs_incomplete", message: `have ${stored}`, expectedSeq: stored + 1 });
    if (body.lastLogSeq < stored) this.violations.push(`${t.task.taskId}: lastLogSeq ${body.lastLogSeq} < stored ${stored}`);
    t.result = body;
    t.state = "done";
    send(res, 200, {});
  }

  private parse<S extends z.ZodType>(schema: S, body: string, res: ServerResponse, route: string): z.infer<S> | null {
    return parseOr400(schema, body, res, route, this.violations);
  }

  private broadcast(event: StreamEvent): void {
    const id = this.events.length + 1;
    this.events.push({ id, event });
    for (const s of this.streams.keys()) s.write(formatEvent(id, event));
  }
}
