// Public surface of the SSH/HAProxy lab. Tests import from here; see README.md for the model.
export { startSshHosts } from "./sshd";
export type { SshHost, SshLab, StartSshHostsOptions } from "./sshd";
export { startHaproxy } from "./haproxy";
export type {
  Haproxy,
  HaproxyBackend,
  HaproxyServer,
  ServerState,
  ServerStatus,
  StatRow,
  StartHaproxyOptions,
} from "./haproxy";
export { runLoad, waitForHttp } from "./load";
export type { LoadFailure, LoadOptions, LoadResult } from "./load";
export { APP_SOURCE, installApp, remote, writeAppArtifact } from "./app";
export { connectSsh, exec, execOk, fastPut, sftp, withSsh } from "./ssh-client";
export type { ExecResult } from "./ssh-client";
export * from "./known-hosts";
export { allocatePorts } from "./ports";
