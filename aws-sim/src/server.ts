/**
 * The sim's single HTTP endpoint. It speaks the wire protocol of each installed SDK client:
 *
 *   ECS         awsJson1_1  X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Op>
 *   CloudWatch  awsJson1_0  X-Amz-Target: GraniteServiceVersion20100801.<Op>, query-compatible errors
 *               awsQuery    Action=<Op>&Version=2010-08-01 (older clients)
 *   ELBv2       awsQuery    Action=<Op>&Version=2015-12-01
 *
 * Form-encoded calls are routed by the SigV4 credential scope's service name (`elasticloadbalancing` or
 * `monitoring`), falling back to the API version. Signatures are accepted without verification.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { asCloudWatchError } from "./cloudwatch/errors.js";
import { cloudwatchJsonHandlers, cloudwatchQueryHandlers } from "./cloudwatch/index.js";
import { ecsHandlers } from "./ecs/index.js";
import { elbv2Handlers } from "./elbv2/index.js";
import { AwsError } from "./errors.js";
import type { SimClock } from "./clock.js";
import type { Faults } from "./faults.js";
import type { Journal, JournalEntry, ServiceName } from "./journal.js";
import { jsonError, jsonOk, type WireResponse } from "./protocols/json.js";
import { decodeForm, xmlError, xmlOk } from "./protocols/query.js";
import { parseAuthorization } from "./protocols/sigv4.js";
import { seed, seedDemo, type SeedResult, type SeedSpec } from "./seed.js";
import type { Traffic } from "./traffic.js";
import { World, type Handler, type WorldOptions } from "./world.js";

const ECS_TARGET = "AmazonEC2ContainerServiceV20141113.";
const CW_TARGET = "GraniteServiceVersion20100801.";
const ELB_XMLNS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
const CW_XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/";

interface Call {
  service: ServiceName;
  action: string;
  params: Record<string, unknown>;
  protocol: JournalEntry["protocol"];
  handlers: Record<string, Handler>;
  ok(result: unknown, requestId: string): WireResponse;
  fail(err: AwsError, requestId: string): WireResponse;
}

function parseCall(req: IncomingMessage, body: string): Call | AwsError {
  const target = String(req.headers["x-amz-target"] ?? "");
  const contentType = String(req.headers["content-type"] ?? "");
  const json = (text: string) => (text.trim() === "" ? {} : (JSON.parse(text) as Record<string, unknown>));
  if (target.startsWith(ECS_TARGET)) {
    return {
      service: "ecs",
      action: target.slice(ECS_TARGET.length),
      params: json(body),
      protocol: "awsJson1_1",
      handlers: ecsHandlers,
      ok: (r, id) => jsonOk("1.1", r, id),
      fail: (e, id) => jsonError("1.1", e, id, false),
    };
  }
  if (target.startsWith(CW_TARGET)) {
    return {
      service: "cloudwatch",
      action: target.slice(CW_TARGET.length),
      params: json(body),
      protocol: "awsJson1_0",
      handlers: cloudwatchJsonHandlers,
      ok: (r, id) => jsonOk("1.0", r, id),
      fail: (e, id) => jsonError("1.0", asCloudWatchError(e), id, true),
    };
  }
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    const form = decodeForm(body);
    const scope = parseAuthorization(req.headers.authorization)?.service;
    const isCloudWatch = scope ? scope === "monitoring" : form.version === "2010-08-01";
    const xmlns = isCloudWatch ? CW_XMLNS : ELB_XMLNS;
    return {
      service: isCloudWatch ? "cloudwatch" : "elbv2",
      action: form.action,
      params: form.params,
      protocol: "awsQuery",
      handlers: isCloudWatch ? cloudwatchQueryHandlers : elbv2Handlers,
      ok: (r, id) => xmlOk(form.action, r, xmlns, id),
      fail: (e, id) => xmlError(e, xmlns, id),
    };
  }
  return new AwsError("UnknownOperationException", `aws-sim cannot route this request (content-type '${contentType}', target '${target}')`);
}

function unknownAction(call: Call): AwsError {
  if (call.protocol === "awsQuery") return new AwsError("InvalidAction", `The action ${call.action} is not valid for this web service.`);
  return new AwsError("UnknownOperationException", `aws-sim does not implement ${call.action}`);
}

function internalError(call: Call, err: unknown): AwsError {
  const message = `aws-sim internal error: ${err instanceof Error ? err.message : String(err)}`;
  if (call.service === "ecs") return new AwsError("ServerException", message, 500);
  return new AwsError(call.service === "cloudwatch" ? "InternalServiceError" : "InternalFailure", message, 500);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  // CloudWatch's client gzips PutMetricData bodies above 10 KiB.
  return (req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
}

export function handle(world: World, req: IncomingMessage, body: string): WireResponse {
  const requestId = randomUUID();
  let call: Call | AwsError;
  try {
    call = parseCall(req, body);
  } catch (err) {
    call = new AwsError("SerializationException", `aws-sim could not parse the request: ${String(err)}`);
  }
  if (call instanceof AwsError) return jsonError("1.1", call, requestId, false);
  world.sync();
  const auth = parseAuthorization(req.headers.authorization);
  let response: WireResponse;
  let status = "ok";
  try {
    const injected = world.faults.take(call.service, call.action);
    if (injected) throw injected;
    const handler = call.handlers[call.action];
    if (!handler) throw unknownAction(call);
    response = call.ok(handler(world, call.params), requestId);
  } catch (err) {
    const error = err instanceof AwsError ? err : internalError(call, err);
    if (!(err instanceof AwsError)) console.error("[aws-sim]", err);
    status = error.code;
    response = call.fail(error, requestId);
  }
  world.journal.record({
    time: world.clock.now(),
    realTime: Date.now(),
    service: call.service,
    action: call.action,
    params: call.params,
    accessKeyId: auth?.accessKeyId,
    protocol: call.protocol,
    status,
    requestId,
  });
  return response;
}

export function listen(world: World, port: number, host: string): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    readBody(req)
      .then((body) => {
        const out = handle(world, req, body);
        res.writeHead(out.status, { ...out.headers, "content-length": Buffer.byteLength(out.body) });
        res.end(out.body);
      })
      .catch((err: unknown) => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(err));
      });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

export function addressOf(server: Server): AddressInfo {
  return server.address() as AddressInfo;
}

export interface StartOptions extends WorldOptions {
  /** 0 picks a free port. Default 0. */
  port?: number;
  host?: "127.0.0.1" | "0.0.0.0" | "localhost";
  /** Seeds the account before the server accepts calls; the result is `sim.seeded`. */
  seed?: SeedSpec | "demo";
}

export interface AwsSim {
  /** `http://127.0.0.1:<port>`, for the SDK clients' `endpoint`. */
  endpoint: string;
  port: number;
  region: string;
  /** Raw simulated state, for assertions the APIs cannot express. */
  state: { ecs: World["ecs"]; elb: World["elb"]; metrics: World["metrics"]; alarms: World["alarms"] };
  journal: Journal;
  faults: Faults;
  traffic: Traffic;
  clock: SimClock;
  /** Shorthand for `clock.advance(ms)`. */
  advance(ms: number): void;
  /** The result of the `seed` option, if one was given. */
  seeded: SeedResult | undefined;
  seed(spec?: SeedSpec): SeedResult;
  seedDemo(): SeedResult;
  world: World;
  close(): Promise<void>;
}

/** Starts the simulated AWS on loopback. Every option is optional; see WorldOptions for the simulation knobs. */
export async function startAwsSim(options: StartOptions = {}): Promise<AwsSim> {
  const world = new World(options);
  const seeded = options.seed === undefined ? undefined : seed(world, options.seed === "demo" ? {} : options.seed);
  const server = await listen(world, options.port ?? 0, options.host ?? "127.0.0.1");
  // Keep simulated time moving between calls so traffic, metrics and alarms exist even when nobody asks.
  const ticker = setInterval(() => world.sync(), 25);
  ticker.unref();
  const { port } = addressOf(server);
  const host = options.host === "0.0.0.0" ? "127.0.0.1" : (options.host ?? "127.0.0.1");
  return {
    endpoint: `http://${host}:${port}`,
    port,
    region: world.ids.region,
    state: { ecs: world.ecs, elb: world.elb, metrics: world.metrics, alarms: world.alarms },
    journal: world.journal,
    faults: world.faults,
    traffic: world.traffic,
    clock: world.clock,
    advance: (ms) => world.clock.advance(ms),
    seeded,
    seed: (spec) => seed(world, spec),
    seedDemo: () => seedDemo(world),
    world,
    close: () =>
      new Promise<void>((resolve, reject) => {
        clearInterval(ticker);
        server.close((err) => (err ? reject(err) : resolve()));
        // SDK clients keep connections alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}
