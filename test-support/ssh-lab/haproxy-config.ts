// haproxy.cfg for the lab: tuned for zero-downtime assertions on loopback, not for production.
export interface HaproxyServer {
  name: string;
  address: string;
  port: number;
  /** Initial weight (0-256, default 100). Canary tests shift traffic with setWeight at runtime. */
  weight?: number;
}

export interface HaproxyBackend {
  name: string;
  servers: HaproxyServer[];
}

export interface HaproxyConfigInput {
  frontendPort: number;
  backends: HaproxyBackend[];
  socketPath: string;
  mapPath: string;
  /** Backend that receives traffic first (default: the first one). */
  active: string;
  /** Health-check interval; 200 ms keeps "wait for DOWN/UP" in tests well under a second. */
  checkIntervalMs: number;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

export function renderHaproxyConfig(c: HaproxyConfigInput): string {
  if (c.backends.length === 0) throw new Error("at least one backend is required");
  for (const b of c.backends) {
    if (!NAME.test(b.name)) throw new Error(`bad backend name ${b.name}`);
    for (const s of b.servers) if (!NAME.test(s.name)) throw new Error(`bad server name ${s.name}`);
  }
  if (!c.backends.some((b) => b.name === c.active)) throw new Error(`active backend ${c.active} is not defined`);
  const inter = Math.max(50, Math.round(c.checkIntervalMs));
  const lines = [
    "global",
    // level admin: the delegate's LB steps (drain, maint, weight, set map) are admin commands.
    `  stats socket ${c.socketPath} mode 600 level admin`,
    "  stats timeout 30s",
    "  maxconn 4096",
    "",
    "defaults",
    "  mode http",
    "  timeout connect 1s", // loopback: a connect that takes >1 s is a dead server, retry elsewhere
    "  timeout client 30s",
    "  timeout server 30s",
    "  timeout http-request 10s",
    "  timeout queue 5s",
    "  timeout check 1s",
    // Zero-downtime trio: retry a failed attempt up to 3 times, on a *different* server every time
    // (redispatch 1 — plain `option redispatch` only moves on the last retry), for every error class
    // that is safe to replay (refused/reset/empty/timeout/502-504…; HAProxy 2.0+).
    "  retries 3",
    "  option redispatch 1",
    "  retry-on all-retryable-errors",
    "  option httpchk GET /health",
    "  http-check expect status 200",
    // fall 2 / rise 1: two failed checks mark a server DOWN, one good check brings it back.
    `  default-server check inter ${inter}ms fastinter ${Math.max(50, Math.round(inter / 2))}ms downinter ${inter}ms fall 2 rise 1`,
    "",
    "frontend fe_main",
    `  bind 127.0.0.1:${c.frontendPort}`,
    // Blue/green as HAProxy documents it: the frontend asks a one-entry map which backend is live,
    // and `set map <file> active <backend>` flips it atomically at runtime with no reload.
    `  use_backend %[str(active),map(${c.mapPath},${c.active})]`,
    `  default_backend ${c.active}`,
    "",
  ];
  for (const b of c.backends) {
    lines.push(`backend ${b.name}`, "  balance roundrobin");
    // Lets tests (and humans with curl -i) see which server answered without parsing logs.
    lines.push("  http-response set-header X-Served-By %[be_name]/%[srv_name]");
    for (const s of b.servers) {
      lines.push(`  server ${s.name} ${s.address}:${s.port} weight ${s.weight ?? 100}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
