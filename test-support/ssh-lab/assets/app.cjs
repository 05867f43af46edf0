#!/usr/bin/env node
// The lab's stand-in for a customer application. Plain Node, no dependencies, so it can be copied
// to a simulated host (sftp or pre-placed) and run by whatever node binary the host has.
//
//   node app.js --port P --version V --root DIR [--pidfile FILE]
//
//   GET /health  200 {"status":"ok","version":V}; 500 if DIR/unhealthy exists or V contains "bad"
//   GET /        200 "<host> <version>" + X-App-Version (and X-App-Host); ?delay=ms makes it slow
//   SIGTERM      stop accepting, finish in-flight requests, remove the pidfile, exit 0
"use strict";
const http = require("node:http");
const fs = require("node:fs");
const path = require("node:path");

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg("port", "0"));
const version = arg("version", "0.0.0");
const root = path.resolve(arg("root", process.cwd()));
const pidfile = arg("pidfile", "");
const hostName = process.env.SLIPWAY_HOST_NAME || path.basename(root);
if (!Number.isInteger(port) || port <= 0) {
  console.error("app.js: --port is required");
  process.exit(2);
}

let shuttingDown = false;
let inFlight = 0;

function healthy() {
  return !version.includes("bad") && !fs.existsSync(path.join(root, "unhealthy"));
}

function send(res, status, type, body) {
  res.statusCode = status;
  res.setHeader("Content-Type", type);
  res.setHeader("X-App-Version", version);
  res.setHeader("X-App-Host", hostName);
  // While draining, tell keep-alive peers (HAProxy's server-side pool) not to reuse this socket.
  if (shuttingDown) res.setHeader("Connection", "close");
  res.end(body);
}

const server = http.createServer((req, res) => {
  inFlight++;
  res.on("close", () => {
    inFlight--;
    if (shuttingDown && inFlight === 0) finish();
  });
  const url = new URL(req.url || "/", "http://app");
  if (url.pathname === "/health") {
    const ok = healthy();
    return send(res, ok ? 200 : 500, "application/json", JSON.stringify({ status: ok ? "ok" : "unhealthy", version }));
  }
  if (url.pathname === "/") {
    // Bounded artificial latency so tests can prove in-flight requests survive a graceful stop.
    const delay = Math.min(Number(url.searchParams.get("delay")) || 0, 30000);
    const reply = () => send(res, 200, "text/plain", `${hostName} ${version}\n`);
    return delay > 0 ? setTimeout(reply, delay) : reply();
  }
  send(res, 404, "text/plain", "not found\n");
});

function removePidfile() {
  try {
    if (pidfile && fs.readFileSync(pidfile, "utf8").trim() === String(process.pid)) fs.unlinkSync(pidfile);
  } catch {
    // already gone
  }
}

let finished = false;
function finish(code = 0) {
  if (finished) return;
  finished = true;
  removePidfile();
  process.exit(code);
}

function shutdown() {
  if (shuttingDown) return;
  shuttingDown = true;
  // close() stops accepting and (Node >= 19) drops idle keep-alive sockets; busy ones end after
  // their response because of the Connection: close header above.
  server.close(() => finish(0));
  if (inFlight === 0) finish(0);
  // Never outlive stop.sh's 10 s patience: give up on stuck clients after 8 s.
  setTimeout(() => finish(1), 8000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

server.on("error", (err) => {
  console.error(`app.js: ${err.message}`);
  process.exit(1);
});

server.listen(port, "127.0.0.1", () => {
  // Written only after listen succeeded, so "pidfile exists" means "accepting connections".
  if (pidfile) fs.writeFileSync(pidfile, `${process.pid}\n`);
  console.log(`app ${version} listening on 127.0.0.1:${port} root=${root} pid=${process.pid}`);
});

// Safety net for leaked apps: when the lab deletes the host's directory, the app goes too.
setInterval(() => {
  if (!fs.existsSync(root)) finish(0);
}, 2000).unref();
