/**
 * Host key fingerprints as OpenSSH prints them (`ssh-keygen -lf`: "SHA256:" + unpadded base64 of sha256(key blob)),
 * so a user can paste what their terminal shows, and the decision a pinning client makes. Ported from
 * test-support/ssh-lab/known-hosts.ts (the delegate bundle does not import test support).
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** OpenSSH's default fingerprint of a wire-format public key blob (what ssh2's hostVerifier receives). */
export function fingerprintSha256(blob: Uint8Array): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** `SHA256:abc=`, `sha256:abc` and `abc` all mean the same pinned key. */
export function normaliseFingerprint(fp: string): string {
  return `SHA256:${fp.trim().replace(/^SHA256:/i, "").replace(/=+$/, "")}`;
}

export function fingerprintsEqual(a: string, b: string): boolean {
  const x = Buffer.from(normaliseFingerprint(a));
  const y = Buffer.from(normaliseFingerprint(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The key type written inside the blob ("ssh-ed25519"), for messages. */
export function keyType(blob: Uint8Array): string {
  const b = Buffer.from(blob);
  const len = b.length >= 4 ? b.readUInt32BE(0) : 0;
  return len > 0 && len + 4 <= b.length ? b.subarray(4, 4 + len).toString("latin1") : "unknown";
}

export type HostKeyVerdict =
  | { ok: true; fingerprint: string; learned: boolean }
  | { ok: false; fingerprint: string; reason: "changed" | "unknown"; message: string };

/**
 * Pinned key: accepted only when the presented key is exactly it. No pinned key: accepted (and learned) only with
 * trust on first use; otherwise refused. A changed key is never accepted, whatever the settings.
 */
export function judgeHostKey(o: { label: string; presented: string; pinned: string | null; trustOnFirstUse: boolean; keyType: string }): HostKeyVerdict {
  const { label, presented, pinned } = o;
  if (pinned) {
    if (fingerprintsEqual(presented, pinned)) return { ok: true, fingerprint: presented, learned: false };
    return {
      ok: false,
      fingerprint: presented,
      reason: "changed",
      message:
        `host key of ${label} does not match the pinned key: expected ${normaliseFingerprint(pinned)}, the host presented ${presented} (${o.keyType}). ` +
        "Refused: this is what a man-in-the-middle looks like. If the host was really re-installed, pin its new key on the infrastructure.",
    };
  }
  if (o.trustOnFirstUse) return { ok: true, fingerprint: presented, learned: true };
  return {
    ok: false,
    fingerprint: presented,
    reason: "unknown",
    message:
      `host key of ${label} is not pinned: the host presented ${presented} (${o.keyType}). ` +
      "Refused: pin this fingerprint on the host (check it with `ssh-keygen -lf` on the host first), or enable trust on first use for the infrastructure.",
  };
}
