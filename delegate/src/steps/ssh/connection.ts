/**
 * One SSH connection per host (ssh2 `Client`): key or password auth (credentials arrive resolved in the work),
 * a 15 s handshake limit, keepalives, an optional jump host (a channel through the jump connection carries the
 * target's SSH session), and host key verification inside the handshake, before any channel can be opened:
 *
 *   pinned key        the presented key must be exactly it
 *   no pinned key     accepted only with trust on first use, and reported as learned; otherwise refused
 *   changed key       always refused, naming the host, the expected and the presented fingerprint
 *
 * A `HostSession` reconnects when its connection dropped during a long rollout; the key seen first (pinned or
 * learned) is then required, so a key cannot change under a running step.
 */
import { Client } from "ssh2";
import type { ClientChannel, ConnectConfig, SFTPWrapper } from "ssh2";
import type { Duplex } from "node:stream";
import type { SshTarget } from "@slipway/pipeline-spec/protocol";
import { fingerprintSha256, judgeHostKey, keyType, type HostKeyVerdict } from "./host-keys";

export const CONNECT_TIMEOUT_MS = 15_000;
export const KEEPALIVE_MS = 10_000;

type Auth = SshTarget["auth"];

export interface Endpoint {
  /** How the host is named in messages and lanes. */
  label: string;
  address: string;
  port: number;
  user: string;
  auth: Auth;
  hostKey: string | null;
  trustOnFirstUse: boolean;
}

/** The host's key was refused: nothing may run on any host of the step. */
export class HostKeyRefusedError extends Error {
  constructor(
    message: string,
    readonly fingerprint: string,
    readonly reason: "changed" | "unknown",
  ) {
    super(message);
    this.name = "HostKeyRefusedError";
  }
}

export class ConnectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectError";
  }
}

export interface Connected {
  client: Client;
  fingerprint: string;
  learned: boolean;
}

export function endpointOf(t: SshTarget): Endpoint {
  const where = `${t.address}:${t.port}`;
  return { label: t.name === where ? where : `${t.name} (${where})`, address: t.address, port: t.port, user: t.user, auth: t.auth, hostKey: t.hostKey, trustOnFirstUse: t.trustOnFirstUse };
}

/** Connects and authenticates one endpoint; rejects with HostKeyRefusedError, ConnectError, or the abort. */
export function connectEndpoint(ep: Endpoint, o: { signal: AbortSignal; sock?: Duplex; readyTimeoutMs?: number }): Promise<Connected> {
  return new Promise((resolve, reject) => {
    if (o.signal.aborted) return reject(new ConnectError("cancelled before connecting"));
    const client = new Client();
    let verdict: HostKeyVerdict | null = null;
    let settled = false;
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      o.signal.removeEventListener("abort", onAbort);
      if (err) {
        client.removeAllListeners("ready");
        client.on("error", () => {});
        client.end();
        client.destroy();
        reject(err);
      } else {
        resolve({ client, fingerprint: verdict!.fingerprint, learned: verdict!.ok && verdict!.learned });
      }
    };
    const onAbort = () => finish(new ConnectError("cancelled while connecting"));
    o.signal.addEventListener("abort", onAbort, { once: true });
    client.once("ready", () => {
      // A transport error after "ready" must never crash the delegate; the session notices the close.
      client.on("error", () => {});
      finish(null);
    });
    client.once("error", (err: Error & { level?: string; code?: string }) => {
      if (verdict && !verdict.ok) return finish(new HostKeyRefusedError(verdict.message, verdict.fingerprint, verdict.reason));
      finish(new ConnectError(`cannot connect to ${ep.label}: ${describeConnectError(err, ep, o.readyTimeoutMs ?? CONNECT_TIMEOUT_MS)}`));
    });
    client.once("close", () => finish(new ConnectError(`cannot connect to ${ep.label}: the connection closed during the handshake`)));
    const config: ConnectConfig = {
      host: ep.address,
      port: ep.port,
      username: ep.user,
      readyTimeout: o.readyTimeoutMs ?? CONNECT_TIMEOUT_MS,
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: 3,
      tryKeyboard: false,
      ...(o.sock ? { sock: o.sock } : {}),
      ...(ep.auth.kind === "key" ? { privateKey: ep.auth.privateKey, ...(ep.auth.passphrase ? { passphrase: ep.auth.passphrase } : {}) } : { password: ep.auth.password }),
      // Without hostHash ssh2 passes the raw key blob: fingerprint it exactly like ssh-keygen -lf.
      hostVerifier: (key: Buffer) => {
        verdict = judgeHostKey({ label: ep.label, presented: fingerprintSha256(key), pinned: ep.hostKey, trustOnFirstUse: ep.trustOnFirstUse, keyType: keyType(key) });
        return verdict.ok;
      },
    };
    try {
      client.connect(config);
    } catch (err) {
      // ssh2 throws synchronously for a private key it cannot parse.
      finish(new ConnectError(`cannot connect to ${ep.label}: ${(err as Error).message}`));
    }
  });
}

function describeConnectError(err: Error & { level?: string; code?: string }, ep: Endpoint, timeoutMs: number): string {
  if (err.code === "ECONNREFUSED") return `connection refused on port ${ep.port}`;
  if (err.code === "EHOSTUNREACH" || err.code === "ENETUNREACH") return "host unreachable";
  if (err.code === "ENOTFOUND") return `unknown host name ${ep.address}`;
  if (/timed out while waiting for handshake/i.test(err.message)) return `no SSH handshake within ${Math.round(timeoutMs / 1000)} s`;
  if (err.level === "client-authentication") return `authentication failed for user ${ep.user} (${ep.auth.kind === "key" ? "private key" : "password"})`;
  if (/privateKey|parse|passphrase/i.test(err.message)) return `the private key cannot be used: ${err.message}`;
  return err.message;
}

/** Jump hosts, one connection per distinct jump endpoint, shared by every target of a step. */
export class JumpPool {
  private readonly jumps = new Map<string, Promise<Connected>>();
  /** Keys learned on jump hosts (trust on first use), by "address:port". */
  readonly learned: Record<string, string> = {};

  constructor(private readonly trustOnFirstUse: boolean) {}

  async channelTo(jump: NonNullable<SshTarget["jumpHost"]>, address: string, port: number, signal: AbortSignal): Promise<Duplex> {
    const key = `${jump.user}@${jump.address}:${jump.port}`;
    let pending = this.jumps.get(key);
    if (!pending) {
      const ep: Endpoint = { label: `jump host ${jump.address}:${jump.port}`, address: jump.address, port: jump.port, user: jump.user, auth: jump.auth, hostKey: jump.hostKey, trustOnFirstUse: this.trustOnFirstUse };
      pending = connectEndpoint(ep, { signal }).then((c) => {
        if (c.learned) this.learned[`${jump.address}:${jump.port}`] = c.fingerprint;
        c.client.on("close", () => this.jumps.delete(key));
        return c;
      });
      pending.catch(() => this.jumps.delete(key));
      this.jumps.set(key, pending);
    }
    const { client } = await pending;
    return new Promise((resolve, reject) =>
      client.forwardOut("127.0.0.1", 0, address, port, (err, stream) => (err ? reject(new ConnectError(`jump host ${jump.address}:${jump.port} cannot reach ${address}:${port}: ${err.message}`)) : resolve(stream))),
    );
  }

  close(): void {
    for (const p of this.jumps.values()) p.then((c) => c.client.end(), () => {});
    this.jumps.clear();
  }
}

/** A host's connection for the life of a step: connect once, reconnect (same key required) if it dropped. */
export class HostSession {
  readonly endpoint: Endpoint;
  private client: Client | null = null;
  private closed = false;
  private connecting: Promise<Client> | null = null;
  /** The key this host presented first: pinned or learned. */
  fingerprint: string | null = null;
  learned = false;
  connectMs = 0;

  constructor(
    readonly target: SshTarget,
    private readonly jumps: JumpPool,
  ) {
    this.endpoint = endpointOf(target);
  }

  get label(): string {
    return this.endpoint.label;
  }

  /** The connected client, connecting (or reconnecting) first if needed. */
  async connect(signal: AbortSignal): Promise<Client> {
    if (this.closed) throw new ConnectError(`connection to ${this.label} was closed`);
    if (this.client) return this.client;
    this.connecting ??= this.open(signal).finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async open(signal: AbortSignal): Promise<Client> {
    const started = performance.now();
    const sock = this.target.jumpHost ? await this.jumps.channelTo(this.target.jumpHost, this.target.address, this.target.port, signal) : undefined;
    // After the first connection the key it presented is the pin, even for a host learned on first use.
    const ep = this.fingerprint ? { ...this.endpoint, hostKey: this.fingerprint, trustOnFirstUse: false } : this.endpoint;
    const c = await connectEndpoint(ep, { signal, sock });
    if (!this.fingerprint) {
      this.fingerprint = c.fingerprint;
      this.learned = c.learned;
      this.connectMs = performance.now() - started;
    }
    if (this.closed) {
      c.client.end();
      throw new ConnectError(`connection to ${this.label} was closed`);
    }
    this.client = c.client;
    c.client.once("close", () => {
      if (this.client === c.client) this.client = null;
    });
    return c.client;
  }

  /** Opens an exec channel (reconnecting once if the connection turns out to be gone). */
  async execChannel(command: string, signal: AbortSignal): Promise<ClientChannel> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.connect(signal);
      try {
        return await new Promise<ClientChannel>((resolve, reject) => client.exec(command, (err, ch) => (err ? reject(err) : resolve(ch))));
      } catch (err) {
        if (attempt >= 2 || this.client === client) throw new ConnectError(`${this.label}: cannot start a command: ${(err as Error).message}`);
      }
    }
  }

  async sftp(signal: AbortSignal): Promise<SFTPWrapper> {
    const client = await this.connect(signal);
    return new Promise((resolve, reject) => client.sftp((err, s) => (err ? reject(new ConnectError(`${this.label}: sftp is not available: ${err.message}`)) : resolve(s))));
  }

  close(): void {
    this.closed = true;
    this.client?.end();
    this.client = null;
  }
}
