/**
 * The process lab: real studio and delegate processes on loopback against a scratch database, a TCP proxy to cut
 * their connections, a ledger of what really ran, and the browser's view — for tests that kill, restart and cut
 * things and then check exactly what happened. See README.md.
 */
export * from "./browser";
export * from "./build";
export * from "./child";
export * from "./data";
export * from "./delegate";
export * from "./ledger";
export * from "./studio";
export * from "./tcp-proxy";
export * from "./wait";
