// Host-key helpers shared by the SSH lab and (later) the delegate's host-key pinning.
// Dependency-free on purpose (node:crypto only): the delegate bundle must not pull in ssh2 internals
// just to print or compare a fingerprint, and the output must match `ssh-keygen -lf` byte for byte
// so users can paste what their terminal shows.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface PublicKey {
  /** Key type as written in the line, e.g. `ssh-ed25519`. */
  type: string;
  /** The wire-format key blob (what ssh2's `hostVerifier` receives when `hostHash` is unset). */
  blob: Buffer;
  comment: string;
}

export interface KnownHostsEntry {
  /** `@cert-authority` / `@revoked`, or undefined for a plain entry. */
  marker?: "cert-authority" | "revoked";
  /** Comma-separated patterns or a single `|1|salt|hash` hashed host. */
  hosts: string;
  key: PublicKey;
  line: number;
}

export type HostKeyVerdict = "match" | "mismatch" | "revoked" | "unknown";

/** OpenSSH's default fingerprint: `SHA256:` + unpadded base64 of sha256(blob). */
export function fingerprintSha256(blob: Uint8Array): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** Legacy `ssh-keygen -E md5` form, still shown by some cloud consoles. */
export function fingerprintMd5(blob: Uint8Array): string {
  const hex = createHash("md5").update(blob).digest("hex");
  return `MD5:${hex.match(/../g)!.join(":")}`;
}

/** Parses `type base64 [comment]` and checks the blob really is of the declared type. */
export function parsePublicKeyLine(line: string): PublicKey {
  const [type, b64, ...rest] = line.trim().split(/\s+/);
  if (!type || !b64) throw new Error(`not a public key line: ${JSON.stringify(line.slice(0, 80))}`);
  const blob = Buffer.from(b64, "base64");
  // The blob starts with uint32 length + the key type; a mismatch means a mangled or spoofed line.
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  const inner = len > 0 && len + 4 <= blob.length ? blob.subarray(4, 4 + len).toString("latin1") : "";
  if (inner !== type) throw new Error(`public key blob type ${JSON.stringify(inner)} does not match ${type}`);
  return { type, blob, comment: rest.join(" ") };
}

export function fingerprintOfPublicKeyLine(line: string): string {
  return fingerprintSha256(parsePublicKeyLine(line).blob);
}

/** Normalises user input such as `SHA256:abc=` or `abc` so pinned values compare reliably. */
export function normaliseFingerprint(fp: string): string {
  const t = fp.trim();
  if (/^MD5:/i.test(t)) return `MD5:${t.slice(4).toLowerCase()}`;
  return `SHA256:${t.replace(/^SHA256:/i, "").replace(/=+$/, "")}`;
}

/** Constant-time comparison of two fingerprints in any accepted spelling. */
export function fingerprintsEqual(a: string, b: string): boolean {
  const x = Buffer.from(normaliseFingerprint(a));
  const y = Buffer.from(normaliseFingerprint(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The host field OpenSSH writes: bare host for port 22, `[host]:port` otherwise. */
export function knownHostsHostField(host: string, port = 22): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `|1|salt|hmac` as written by `ssh-keygen -H` / `HashKnownHosts yes`. */
export function hashKnownHost(hostField: string, salt: Buffer = randomBytes(20)): string {
  const mac = createHmac("sha1", salt).update(hostField).digest("base64");
  return `|1|${salt.toString("base64")}|${mac}`;
}

export function formatKnownHostsLine(
  host: string,
  port: number,
  publicKeyLine: string,
  opts: { hashed?: boolean } = {},
): string {
  const key = parsePublicKeyLine(publicKeyLine);
  const field = knownHostsHostField(host, port);
  return `${opts.hashed ? hashKnownHost(field) : field} ${key.type} ${key.blob.toString("base64")}`;
}

export function parseKnownHosts(text: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const parts = line.split(/\s+/);
    let marker: KnownHostsEntry["marker"];
    if (parts[0]?.startsWith("@")) {
      const m = parts.shift()!.slice(1);
      if (m !== "cert-authority" && m !== "revoked") return; // unknown markers are ignored, as ssh does
      marker = m;
    }
    const hosts = parts.shift();
    if (!hosts || parts.length < 2) return;
    try {
      entries.push({ marker, hosts, key: parsePublicKeyLine(parts.join(" ")), line: i + 1 });
    } catch {
      // ssh skips malformed lines rather than failing the whole file; so do we.
    }
  });
  return entries;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

/** Does one entry's host field name this host? Supports hashed hosts, globs and `!negation`. */
export function entryMatchesHost(hosts: string, host: string, port = 22): boolean {
  const field = knownHostsHostField(host, port);
  if (hosts.startsWith("|1|")) {
    const [, , salt, mac] = hosts.split("|");
    if (!salt || !mac) return false;
    return hashKnownHost(field, Buffer.from(salt, "base64")) === hosts;
  }
  let matched = false;
  for (const p of hosts.split(",")) {
    const negated = p.startsWith("!");
    if (globToRegExp(negated ? p.slice(1) : p).test(field)) {
      if (negated) return false; // a negated match vetoes the whole entry
      matched = true;
    }
  }
  return matched;
}

/**
 * The decision a pinning client makes: `match` if some key for this host equals the offered blob,
 * `mismatch` if the host is known with other keys (the "REMOTE HOST IDENTIFICATION HAS CHANGED" case),
 * `unknown` if the host is absent. Certificate authorities are not evaluated here.
 */
export function verifyHostKey(entries: KnownHostsEntry[], host: string, port: number, blob: Buffer): HostKeyVerdict {
  const mine = entries.filter((e) => e.marker !== "cert-authority" && entryMatchesHost(e.hosts, host, port));
  if (mine.some((e) => e.marker === "revoked" && e.key.blob.equals(blob))) return "revoked";
  const plain = mine.filter((e) => !e.marker);
  if (plain.some((e) => e.key.blob.equals(blob))) return "match";
  return plain.length > 0 ? "mismatch" : "unknown";
}
