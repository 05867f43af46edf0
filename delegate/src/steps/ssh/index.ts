/**
 * The SSH executors (VM deployments): `ssh` (a script on hosts), `sshDeploy` (the per-host phase sequence in
 * batches), `sshRollback` (back to the release a deploy replaced). The `loadBalancer` step lives beside the
 * other single-target steps (../load-balancer.ts) and uses haproxy.ts and hooks.ts from here.
 *
 *   connection.ts  ssh2 client per host: auth, 15 s handshake, keepalive, jump host, host key verification
 *   host-keys.ts   OpenSSH SHA256 fingerprints and the pinning decision
 *   fleet.ts       connect + verify every host before anything runs; per-host helpers
 *   exec.ts        a script on a host: streamed, process group killed on cancel/timeout
 *   phases.ts      the deploy/rollback phases, each idempotent
 *   artifact.ts    download once per task, sha256
 *   health.ts      HTTP health check with exponential backoff, from the delegate or the host
 *   haproxy.ts     HAProxy runtime API over unix: or tcp:
 *   hooks.ts       user commands run on the delegate
 *   batches.ts     batch sizes, canary selection, batches with concurrency and tolerance
 *   progress.ts    per-host SshProgress
 */
export { createSshCommandExecutor } from "./command";
export { createSshDeployExecutor } from "./deploy";
export { createSshRollbackExecutor } from "./rollback";
export type { SshExecutorOptions } from "./fleet";
