/**
 * The artifact of an sshDeploy, fetched once per task however many hosts it goes to: downloaded from a URL the
 * delegate can reach into the task's folder, or read where it lies on the delegate host. Its sha256 is computed
 * while it streams; when the service names a sha256 they must agree before any host is touched, and that value is
 * what every host checks its copy against.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { SshDeployWork } from "@slipway/pipeline-spec/protocol";

export interface LocalArtifact {
  path: string;
  /** The sha256 every host must find: the service's when given (and then also the delegate's), else the delegate's. */
  sha256: string;
  bytes: number;
  /** Where it came from, for the log. */
  source: string;
}

export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArtifactError";
  }
}

type Artifact = NonNullable<SshDeployWork["artifact"]>;

export async function fetchArtifact(a: Artifact, workDir: string, signal: AbortSignal, say: (line: string) => void): Promise<LocalArtifact> {
  const started = Date.now();
  const hash = createHash("sha256");
  let bytes = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  let path: string;
  if (a.source === "url") {
    if (!/^https?:\/\//i.test(a.location)) throw new ArtifactError(`artifact URL ${a.location} is not http(s)`);
    say(`downloading the artifact from ${a.location}`);
    let res: Response;
    try {
      res = await fetch(a.location, { signal, redirect: "follow" });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      throw new ArtifactError(`cannot download the artifact from ${a.location}: ${e.cause?.code ?? e.cause?.message ?? e.message}`);
    }
    if (!res.ok || !res.body) throw new ArtifactError(`cannot download the artifact from ${a.location}: HTTP ${res.status}`);
    path = join(workDir, "artifact.tar.gz");
    await pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), hashing, createWriteStream(path, { mode: 0o600 }), { signal });
  } else {
    if (!a.location.startsWith("/")) throw new ArtifactError(`artifact file ${a.location} must be an absolute path on the delegate host`);
    const info = await stat(a.location).catch(() => null);
    if (!info?.isFile()) throw new ArtifactError(`artifact file ${a.location} does not exist on the delegate host`);
    path = a.location;
    await pipeline(createReadStream(path), hashing, async function* (source) {
      for await (const _ of source) void _;
    }, { signal });
  }
  const computed = hash.digest("hex");
  if (a.sha256 && a.sha256.toLowerCase() !== computed) {
    throw new ArtifactError(`the artifact at ${a.location} has sha256 ${computed}, but the service expects ${a.sha256}: nothing was changed on any host`);
  }
  say(`artifact ${a.location}: ${formatBytes(bytes)}, sha256 ${computed}${a.sha256 ? " (matches the service's)" : " (computed by the delegate)"} in ${Date.now() - started} ms`);
  return { path, sha256: a.sha256?.toLowerCase() ?? computed, bytes, source: a.location };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
